// What the cache reads and writes: only node results, once per distinct value, and as little as possible on warm runs.
import { describe, expect, it } from "vitest";
import { CountingRepository, CountingResultStore, RecordingLogger } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { NodeExecutionError } from "../errors.js";
import { node } from "../graph/node-spec.js";

function countingCache() {
  return {
    fingerprintStore: new CountingRepository(),
    resultStore: new CountingResultStore(),
    logger: new RecordingLogger(),
  };
}

const chain = {
  A: (x: number) => ({ a: x + 1 }),
  B: (A: { a: number }, factor: number) => ({ b: A.a * factor }),
  C: (B: { b: number }) => ({ c: B.b + 1 }),
  D: (C: { c: number }) => ({ d: C.c + 1 }),
};

describe("what is stored", () => {
  it("inputs and overrides are fingerprinted but never stored as results", async () => {
    const stores = countingCache();
    const dr = await new Builder().withModules(chain).withCache(stores).build();
    expect(await dr.execute(["D"], { inputs: { factor: 3 }, overrides: { A: { a: 1000 } } })).toEqual({
      D: { d: 3002 },
    });
    const fp = dr.cache.runFingerprints;
    expect(fp.factor).toBeDefined();
    expect(fp.A).toBeDefined();
    expect(dr.cache.lastRun.factor?.outcome).toBe("input");
    expect(dr.cache.lastRun.A?.outcome).toBe("override");
    // B, C and D ran and were stored; the override A and the input factor were not.
    expect([...stores.resultStore.sets].sort()).toEqual([fp.B, fp.C, fp.D].sort());
    for (const key of [fp.factor, fp.A]) expect(await stores.resultStore.inner.has(key as string)).toBe(false);
  });

  it("a failing node stores nothing; its completed upstream stays cached for the next run", async () => {
    const stores = countingCache();
    const failing = {
      ...chain,
      C: (B: { b: number }): { c: number } => {
        throw new Error(`C broke on ${B.b}`);
      },
    };
    const dr = await new Builder().withModules(failing).withCache(stores).build();
    const error = await dr.execute(["D"], { inputs: { x: 1, factor: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as NodeExecutionError).completed).toEqual(["A", "B"]);
    expect(stores.resultStore.sets).toEqual([dr.cache.runFingerprints.A, dr.cache.runFingerprints.B]);
    expect(stores.fingerprintStore.calls.set).toBe(2);
    expect(dr.cache.lastRun.C?.outcome).toBe("failed");
    expect(dr.cache.lastRun.C?.reason).toContain("C broke on 4");

    const fixed = await new Builder().withModules(chain).withCache(stores).build();
    expect(await fixed.execute(["D"], { inputs: { x: 1, factor: 2 } })).toEqual({ D: { d: 6 } });
    expect(Object.fromEntries(Object.entries(fixed.cache.lastRun).map(([n, r]) => [n, r.outcome]))).toMatchObject({
      A: "hit",
      B: "hit",
      C: "computed",
      D: "computed",
    });
  });

  it("two nodes with identical code and inputs share one stored result", async () => {
    const stores = countingCache();
    const dr = await new Builder()
      .withModules({
        A: () => [1, 2, 3],
        P: (A: number[]) => A.map((v) => v * 2),
        Q: (A: number[]) => A.map((v) => v * 2),
      })
      .withCache(stores)
      .build();
    expect(await dr.execute(["P", "Q"])).toEqual({ P: [2, 4, 6], Q: [2, 4, 6] });
    expect(dr.cache.runFingerprints.P).toBe(dr.cache.runFingerprints.Q);
    expect(stores.resultStore.sets.filter((k) => k === dr.cache.runFingerprints.P)).toHaveLength(1);
    expect(stores.resultStore.calls.set).toBe(2); // A and the shared P/Q result
  });

  it("equal results of different nodes are stored once (content addressed)", async () => {
    const stores = countingCache();
    const dr = await new Builder()
      .withModules({ A: () => "same", B: () => "sa" + "me" })
      .withCache(stores)
      .build();
    await dr.execute(["A", "B"]);
    expect(stores.resultStore.calls.set).toBe(1);
  });
});

describe("warm runs", () => {
  it("read only the requested outputs from the result store", async () => {
    const stores = countingCache();
    const inputs = { x: 1, factor: 2 };
    await (await new Builder().withModules(chain).withCache(stores).build()).execute(["D"], { inputs });
    stores.resultStore.reset();
    const dr = await new Builder().withModules(chain).withCache(stores).build();
    expect(await dr.execute(["D"], { inputs })).toEqual({ D: { d: 6 } });
    expect(stores.resultStore.gets).toEqual([dr.cache.runFingerprints.D]);
    expect(stores.resultStore.calls.set).toBe(0);

    stores.resultStore.reset();
    expect(await dr.execute(["B", "D"], { inputs })).toEqual({ B: { b: 4 }, D: { d: 6 } });
    expect([...stores.resultStore.gets].sort()).toEqual(
      [dr.cache.runFingerprints.B, dr.cache.runFingerprints.D].sort(),
    );
  });

  it("load a hit's result when a re-running node consumes it, and nothing further upstream", async () => {
    const stores = countingCache();
    const inputs = { x: 1, factor: 2 };
    await (await new Builder().withModules(chain).withCache(stores).build()).execute(["D"], { inputs });
    stores.resultStore.reset();
    const changed = { ...chain, C: (B: { b: number }) => ({ c: B.b + 100 }) };
    const dr = await new Builder().withModules(changed).withCache(stores).build();
    expect(await dr.execute(["D"], { inputs })).toEqual({ D: { d: 105 } });
    expect(stores.resultStore.gets).toEqual([dr.cache.runFingerprints.B]);
  });

  it("batch metadata lookups: 50 siblings on a warm run take at most 3 repository round trips", async () => {
    const stores = countingCache();
    const mod: Record<string, unknown> = { root: (seed: number) => seed * 2 };
    const names: string[] = [];
    for (let i = 0; i < 50; i++) {
      const name = `s${i}`;
      names.push(name);
      // Distinct code per sibling (an explicit bound constant would share one key; here the deps differ).
      mod[name] = node({ deps: ["root"] }, new Function("root", `return root + ${i};`) as (root: number) => number);
    }
    mod.total = node({ deps: names }, (...values: number[]) => values.reduce((a, b) => a + b, 0));
    // Level by level (predict: false): the batcher's own batching; prefetch.test.ts covers prediction.
    const build = () =>
      new Builder()
        .withModules(mod)
        .withCache({ ...stores, predict: false })
        .build();
    const cold = await build();
    const expected = await cold.execute(["total"], { inputs: { seed: 1 } });
    stores.fingerprintStore.reset();
    const dr = await build();
    expect(await dr.execute(["total"], { inputs: { seed: 1 } })).toEqual(expected);
    expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(52);
    expect(stores.fingerprintStore.roundTrips).toBeLessThanOrEqual(3);
    expect(stores.fingerprintStore.batches).toContain(50);
    expect(dr.cache.stats.repositoryRoundTrips).toBe(stores.fingerprintStore.roundTrips);
  });
});
