// Read-only Postgres stores with a real SELECT-only role: hits, no writes, no migrations, and a
// clear StoreError when the tables do not exist.
import { Builder, StoreError } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "./env.js";
import { adminPool, dumpTables } from "./helpers.js";

const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const schema = `ham_ro_${tag}`;
const role = `ham_reader_${tag}`;

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), { x, list: [x, x * 2] }),
  B: (A: { list: number[] }) => (tick("B"), A.list.reduce((s, v) => s + v, 0)),
};

describePostgres("read-only Postgres stores", (url) => {
  let admin: pg.Pool;
  let readerUrl: string;
  const stores = (connectionString: string, tablePrefix = "ham_") => ({
    fingerprintStore: new PostgresFingerprintRepository({ connectionString, schema, tablePrefix }),
    resultStore: new PostgresResultStore({ connectionString, schema, tablePrefix }),
  });

  beforeAll(async () => {
    admin = adminPool(url);
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const writer = await new Builder().withModules(flow).withCache(stores(url)).build();
    expect(await writer.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 6 });
    await writer.close();
    // The role docs/security.md recommends for readers: USAGE on the schema, SELECT on the tables.
    await admin.query(`CREATE ROLE "${role}" LOGIN`);
    await admin.query(`GRANT USAGE ON SCHEMA "${schema}" TO "${role}"`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${role}"`);
    const reader = new URL(url);
    reader.username = role;
    reader.password = "";
    readerUrl = reader.toString();
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.query(`DROP OWNED BY "${role}"`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    await admin.end();
  });

  it("a SELECT-only role cannot open the stores for writing (the migration needs CREATE)", async () => {
    const { fingerprintStore } = stores(readerUrl);
    await expect(fingerprintStore.open()).rejects.toThrow(/permission denied for schema/);
    await fingerprintStore.close();
  });

  it("a read-only cache on a SELECT-only role hits, computes misses, and changes no row", async () => {
    const before = await dumpTables(admin, "", schema);
    const warnings: string[] = [];
    calls = {};
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ ...stores(readerUrl), readOnly: true, logger: { warn: (m) => void warnings.push(m) } })
      .build();
    expect(await dr.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 6 });
    expect(calls).toEqual({});
    expect(dr.cache.lastRun.B?.outcome).toBe("hit");
    expect(await dr.cache.getResult(dr.cache.lastRun.A!.fingerprint!)).toEqual({ x: 2, list: [2, 4] });
    expect(await dr.execute(["B"], { inputs: { x: 3 } })).toEqual({ B: 9 });
    expect(calls).toEqual({ A: 1, B: 1 });
    expect((await dr.cache.listRuns()).length).toBe(1);
    await dr.close();
    expect(warnings).toEqual([]);
    expect(await dumpTables(admin, "", schema)).toBe(before);
  });

  it("stores opened read-only refuse writes with a StoreError, even after a later plain open()", async () => {
    const { fingerprintStore, resultStore } = stores(url);
    await fingerprintStore.open({ readOnly: true });
    await resultStore.open({ readOnly: true });
    await fingerprintStore.open();
    const before = await dumpTables(admin, "", schema);
    const meta = { node: "n", codeVersion: "v", createdAt: 1 };
    const writes = [
      fingerprintStore.set("k", "f", meta),
      fingerprintStore.setMany([{ contextKey: "k", fingerprint: "f", ...meta }]),
      fingerprintStore.delete("k"),
      fingerprintStore.saveRun({ runId: "r", startedAt: 1, durationMs: 1, outputs: [], nodes: [] }),
      fingerprintStore.deleteRuns(["r"]),
      resultStore.set("key", new Uint8Array([1])),
      resultStore.delete("key"),
    ];
    for (const outcome of await Promise.allSettled(writes)) {
      expect(outcome.status).toBe("rejected");
      const error = (outcome as PromiseRejectedResult).reason as StoreError;
      expect(error).toBeInstanceOf(StoreError);
      expect(error.message).toContain("opened read-only");
    }
    expect(await dumpTables(admin, "", schema)).toBe(before);
    await fingerprintStore.close();
    await resultStore.close();
  });

  it("read-only over tables that do not exist: a StoreError naming each table and how to create them; nothing created", async () => {
    const { fingerprintStore, resultStore } = stores(url, "nothing_");
    const error = await fingerprintStore.open({ readOnly: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(
      `tables "${schema}"."nothing_schema_version", "${schema}"."nothing_fingerprints", "${schema}"."nothing_runs" do not exist, and a read-only open creates nothing: create them by opening the store once without readOnly`,
    );
    // With onStoreError: "warn" the run is uncached, and says why once.
    const warnings: string[] = [];
    const dr = await new Builder()
      .withModules(flow)
      .withCache({
        fingerprintStore,
        resultStore,
        readOnly: true,
        onStoreError: "warn",
        logger: { warn: (m) => void warnings.push(m) },
      })
      .build();
    expect(await dr.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 6 });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`"${schema}"."nothing_runs" do not exist, and a read-only open creates nothing`);
    expect(warnings[1]).toContain(
      `tables "${schema}"."nothing_schema_version", "${schema}"."nothing_results" do not exist`,
    );
    await dr.close();
    const { rows } = await admin.query(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'nothing%'",
      [schema],
    );
    expect(rows).toEqual([]);
  });
});
