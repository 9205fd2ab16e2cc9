// Fault tests: a PostgreSQL server that stops in the middle of use fails with a StoreError naming the
// store (no password in it), and with onStoreError "warn" a run finishes uncached and correct.
import { Builder, StoreError } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "./env.js";
import { type ThrowawayCluster, startThrowawayCluster } from "./throwaway-cluster.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describePostgres("Postgres stopping in the middle of use", () => {
  let clusters: ThrowawayCluster[] = [];
  beforeAll(async () => {
    clusters = await Promise.all([startThrowawayCluster(), startThrowawayCluster()]);
  });
  afterAll(() => {
    for (const c of clusters) c.stop();
  });

  it("every operation after the server stops fails with a StoreError naming postgres, without the password", async () => {
    const cluster = clusters[0]!;
    const repo = new PostgresFingerprintRepository({ connectionString: cluster.url });
    const store = new PostgresResultStore({ connectionString: cluster.url });
    await repo.set("ctx", "fp", { node: "A", codeVersion: "v", createdAt: 1 });
    await store.set("fp", new Uint8Array([7]));
    expect(await repo.get("ctx")).toBe("fp");

    cluster.stop();

    const failures = await Promise.all([
      rejection(repo.get("ctx")),
      rejection(repo.getMany(["ctx", "other"])),
      rejection(repo.set("ctx2", "fp2", { node: "B", codeVersion: "v", createdAt: 2 })),
      rejection(repo.acquireLock("ctx")),
      rejection(store.get("fp")),
      rejection(store.set("fp2", new Uint8Array([1]))),
      rejection(new PostgresResultStore({ connectionString: cluster.url, tablePrefix: "fresh_" }).open()),
    ]);
    for (const error of failures) {
      expect(error).toBeInstanceOf(StoreError);
      const e = error as StoreError;
      expect(e.store).toBe("postgres");
      expect(e.message).toMatch(/^\[ham\] store "postgres" failed to /);
      expect(e.message).toMatch(/PostgreSQL|database 127\.0\.0\.1/);
      expect(e.message).not.toContain(cluster.password);
      expect(e.cause).toBeDefined();
    }
    expect((failures[4] as StoreError).operation).toMatch(/get result "fp"/);
    await repo.close();
    await store.close();
  });

  it('a run whose server stops half way fails with that StoreError, and with onStoreError "warn" finishes correct and uncached', async () => {
    const cluster = clusters[1]!;
    const stores = () => ({
      fingerprintStore: new PostgresFingerprintRepository({ connectionString: cluster.url }),
      resultStore: new PostgresResultStore({ connectionString: cluster.url }),
    });
    const bodies: string[] = [];
    let stopDuring: string | undefined;
    const dataflow = {
      A: () => {
        bodies.push("A");
        return 7;
      },
      B: (A: number) => {
        bodies.push("B");
        if (stopDuring === "B") cluster.stop();
        return A * 2;
      },
      C: (B: number) => {
        bodies.push("C");
        return `C=${B}`;
      },
    };

    // A first run fills the cache while the server is up.
    const warm = await new Builder()
      .withModules(dataflow)
      .withCache({ ...stores(), logger: { warn: () => {} } })
      .build();
    expect(await warm.execute(["C"])).toEqual({ C: "C=14" });
    await warm.cache.close();

    // Same code, a second run with new inputs to B: the server dies while B computes.
    stopDuring = "B";
    bodies.length = 0;
    const strict = await new Builder()
      .withModules({ ...dataflow, A: () => (bodies.push("A"), 8) })
      .withCache({ ...stores(), logger: { warn: () => {} } })
      .build();
    const error = await rejection(strict.execute(["C"]));
    const storeError = error instanceof StoreError ? error : (error as { cause?: unknown }).cause;
    expect(storeError).toBeInstanceOf(StoreError);
    expect((storeError as StoreError).store).toBe("postgres");
    expect(String((storeError as Error).message)).not.toContain(cluster.password);

    // The server stays down: with "warn" every node runs, the answer is right, warnings say why.
    bodies.length = 0;
    const warnings: string[] = [];
    const lenient = await new Builder()
      .withModules(dataflow)
      .withCache({ ...stores(), onStoreError: "warn", logger: { warn: (m: string) => warnings.push(m) } })
      .build();
    stopDuring = undefined;
    expect(await lenient.execute(["C"])).toEqual({ C: "C=14" });
    expect(bodies).toEqual(["A", "B", "C"]);
    expect(warnings.some((w) => w.includes('store "postgres" failed'))).toBe(true);
    expect(warnings.join("\n")).not.toContain(cluster.password);
  });
});
