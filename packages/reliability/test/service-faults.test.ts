// Servers failing under a run: Postgres restarted mid-run, the S3 server unreachable and back.
// Runs fail with a StoreError or, with onStoreError "warn", complete correctly; nothing stored is lost.
import { Builder, MemoryFingerprintRepository, StoreError } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { missing } from "../src/env.js";
import { TcpProxy, restartPostgres, type Server, startPostgres, startS3 } from "../src/servers.js";
import { s3Store } from "../src/stores.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const expected = (x: number) => ({ C: `C:${(x + 1) * 2}`, D: [x, x + 1] });
let fault: () => Promise<void> = async () => undefined;
const flow = {
  A: (x: number) => (tick("A"), x + 1),
  B: async (A: number) => {
    tick("B");
    await fault(); // the server fails while the run is in the middle of the graph
    return A * 2;
  },
  C: (B: number) => (tick("C"), `C:${B}`),
  D: (x: number, A: number) => (tick("D"), [x, A]),
};

async function attempt(run: () => Promise<unknown>): Promise<{ ok: unknown } | { error: unknown }> {
  try {
    return { ok: await run() };
  } catch (error) {
    return { error };
  }
}

// These tests start their own servers (the scripts need PostgreSQL and moto installed, as CI has):
// restarting the shared ones would disturb other test files.
const reason = missing("postgres") ?? missing("s3");

describe.skipIf(reason !== undefined)("service faults", () => {
  let pg: Server;
  let s3: Server;
  beforeAll(async () => {
    [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([pg?.stop(), s3?.stop()]);
  });

  for (const onStoreError of ["throw", "warn"] as const) {
    it(`Postgres restarted mid-run (onStoreError "${onStoreError}"): ${onStoreError === "throw" ? "a StoreError or a correct result" : "a correct result"}, and nothing stored is lost`, async () => {
      const options = { connectionString: pg.url, tablePrefix: `ham_fault_${onStoreError}_` };
      const stores = () => ({
        fingerprintStore: new PostgresFingerprintRepository(options),
        resultStore: new PostgresResultStore(options),
      });
      const warnings: string[] = [];
      const cache = { onStoreError, logger: { warn: (m: string) => void warnings.push(m) } };
      // Stored before the fault.
      fault = async () => undefined;
      const first = await new Builder()
        .withModules(flow)
        .withCache({ ...stores(), ...cache })
        .build();
      expect(await first.execute(["C", "D"], { inputs: { x: 1 } })).toEqual(expected(1));

      const dr = await new Builder()
        .withModules(flow)
        .withCache({ ...stores(), ...cache })
        .build();
      fault = () => restartPostgres(pg);
      const outcome = await attempt(() => dr.execute(["C", "D"], { inputs: { x: 2 } }));
      fault = async () => undefined;
      console.info(
        `[reliability] postgres restart mid-run (${onStoreError}): ${"error" in outcome ? `failed with ${(outcome.error as Error).name}` : "completed correctly"}`,
      );
      if ("error" in outcome) {
        expect(onStoreError).toBe("throw");
        expect(outcome.error).toBeInstanceOf(StoreError);
        expect((outcome.error as StoreError).store).toBe("postgres");
      } else {
        expect(outcome.ok).toEqual(expected(2));
      }

      // After the restart: what was stored before is still there (all hits) and new runs work.
      calls = {};
      const after = await new Builder()
        .withModules(flow)
        .withCache({ ...stores(), ...cache })
        .build();
      expect(await after.execute(["C", "D"], { inputs: { x: 1 } })).toEqual(expected(1));
      expect(calls).toEqual({});
      expect(await after.execute(["C", "D"], { inputs: { x: 2 } })).toEqual(expected(2));
      await after.cache!.close();
      await dr.cache!.close();
      await first.cache!.close();
    });
  }

  for (const onStoreError of ["throw", "warn"] as const) {
    it(`S3 unreachable, then back (onStoreError "${onStoreError}"): ${onStoreError === "throw" ? "a StoreError" : "a correct result"}, and nothing stored is lost`, async () => {
      const proxy = new TcpProxy(s3.port);
      await proxy.up();
      const resultStore = await s3Store(`http://127.0.0.1:${proxy.port}`, `ham-fault-${onStoreError}`, "f/");
      const fingerprintStore = new MemoryFingerprintRepository();
      const warnings: string[] = [];
      const cache = {
        fingerprintStore,
        resultStore,
        onStoreError,
        logger: { warn: (m: string) => void warnings.push(m) },
      };
      fault = async () => undefined;
      const dr = await new Builder().withModules(flow).withCache(cache).build();
      expect(await dr.execute(["C", "D"], { inputs: { x: 1 } })).toEqual(expected(1));

      await proxy.down();
      // Reads of what is stored and writes of new results both meet a server that is not there.
      const down = await attempt(() => dr.execute(["C", "D"], { inputs: { x: 2 } }));
      const downWarm = await attempt(() => dr.execute(["C", "D"], { inputs: { x: 1 } }));
      for (const outcome of [down, downWarm]) {
        if (onStoreError === "throw") {
          expect("error" in outcome && outcome.error).toBeInstanceOf(StoreError);
        } else {
          expect("ok" in outcome).toBe(true);
        }
      }
      if (onStoreError === "warn") {
        expect((down as { ok: unknown }).ok).toEqual(expected(2));
        expect((downWarm as { ok: unknown }).ok).toEqual(expected(1));
        expect(warnings.some((w) => w.includes(`store "${resultStore.name}"`))).toBe(true);
      }

      await proxy.up();
      calls = {};
      const back = await new Builder().withModules(flow).withCache(cache).build();
      expect(await back.execute(["C", "D"], { inputs: { x: 1 } })).toEqual(expected(1));
      expect(calls).toEqual({}); // everything stored before the outage is still there
      expect(await back.execute(["C", "D"], { inputs: { x: 2 } })).toEqual(expected(2));
      await proxy.down();
    });
  }
});
