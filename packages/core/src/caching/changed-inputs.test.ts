// A node that changes one of its inputs in place (rows.sort()) is not cached: a hit on the input
// would return it unchanged where a fresh run returns it changed. Each case runs fresh, cold and
// warm, and compares the warm outputs with the fresh ones under the strict comparator.
import { describe, expect, it, vi } from "vitest";
import { memoryCache } from "../../test/support.js";
import type { Fingerprinter } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { FingerprinterRegistry } from "../fingerprint/index.js";
import { firstDifference } from "../testing/observable.js";

type Stores = ReturnType<typeof memoryCache>;

async function fresh(module: Record<string, unknown>, outputs: string[], inputs: () => Record<string, unknown>) {
  return (await new Builder().withModules(module).build()).execute(outputs, { inputs: inputs() });
}

async function cached(
  stores: Stores,
  module: Record<string, unknown>,
  outputs: string[],
  inputs: () => Record<string, unknown>,
  fingerprinters: Fingerprinter[] = [],
) {
  const dr = await new Builder()
    .withModules(module)
    .withCache({ ...stores, fingerprinters })
    .withProgress(false)
    .build();
  const result = await dr.execute(outputs, { inputs: inputs() });
  const outcomes = Object.fromEntries(Object.entries(dr.cache.lastRun).map(([name, r]) => [name, r.outcome]));
  return { dr, result, outcomes };
}

describe("a node that changes its input in place", () => {
  const sorting = {
    rows: () => [3, 1, 2],
    sorted: (rows: number[]) => rows.sort((a, b) => a - b),
    total: (sorted: number[]) => sorted.reduce((a, b) => a + b, 0),
  };
  const outputs = ["rows", "sorted", "total"];
  const noInputs = () => ({});

  it("is not cached, so a warm run returns what a fresh run returns (rows.sort())", async () => {
    const expected = await fresh(sorting, outputs, noInputs);
    expect(expected["rows"]).toEqual([1, 2, 3]); // the fresh run's rows are sorted
    const stores = memoryCache();
    const cold = await cached(stores, sorting, outputs, noInputs);
    expect(firstDifference(cold.result, expected)).toBeUndefined();
    expect(cold.outcomes).toEqual({ rows: "computed", sorted: "computed", total: "computed" });
    expect(cold.dr.cache.lastRun["sorted"]?.reason).toMatch(/changed its input "rows" in place/);
    expect(stores.logger.warnings.filter((w) => w.includes('node "sorted" changed its input "rows"'))).toHaveLength(1);

    for (let i = 0; i < 2; i++) {
      const warm = await cached(stores, sorting, outputs, noInputs);
      expect(firstDifference(warm.result, expected)).toBeUndefined();
      // rows and total hit; sorted runs again, and sorts the rows read from the cache.
      expect(warm.outcomes).toEqual({ rows: "hit", sorted: "computed", total: "hit" });
    }
  });

  it("is found for a changed Map, typed array, nested object and driver input", async () => {
    const flow = {
      lookup: () => new Map([["a", 1]]),
      weights: () => new Float64Array([1, 2, 3]),
      config: () => ({ db: { host: "x" } }),
      addKey: (lookup: Map<string, number>) => (lookup.set("b", 2), lookup.size),
      normalise: (weights: Float64Array) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        for (let i = 0; i < weights.length; i++) weights[i]! /= sum;
        return sum;
      },
      retarget: (config: { db: { host: string } }) => ((config.db.host = "y"), 1),
      count: (settings: { runs: number }) => ++settings.runs,
    };
    const outputs = ["lookup", "weights", "config", "settings", "addKey", "normalise", "retarget", "count"];
    const inputs = () => ({ settings: { runs: 0 } });
    const expected = await fresh(flow, outputs, inputs);
    const stores = memoryCache();
    const cold = await cached(stores, flow, outputs, inputs);
    expect(firstDifference(cold.result, expected)).toBeUndefined();
    for (const [node, dep] of [
      ["addKey", "lookup"],
      ["normalise", "weights"],
      ["retarget", "config"],
      ["count", "settings"],
    ] as const) {
      expect(cold.dr.cache.lastRun[node]?.reason).toContain(`changed its input "${dep}" in place`);
    }
    const warm = await cached(stores, flow, outputs, inputs);
    expect(firstDifference(warm.result, expected)).toBeUndefined();
    expect(warm.outcomes).toMatchObject({
      lookup: "hit",
      weights: "hit",
      config: "hit",
      addKey: "computed",
      normalise: "computed",
      retarget: "computed",
      count: "computed",
    });
  });

  it("leaves nodes that only read their inputs cached, with no warning", async () => {
    const flow = {
      rows: () => [3, 1, 2],
      sorted: (rows: number[]) => [...rows].sort((a, b) => a - b),
      meta: () => ({ tags: new Set(["a"]) }),
      described: (meta: { tags: Set<string> }, sorted: number[]) => `${[...meta.tags].join()}:${sorted.join()}`,
    };
    const outputs = ["rows", "sorted", "described"];
    const stores = memoryCache();
    await cached(stores, flow, outputs, noInputs);
    const warm = await cached(stores, flow, outputs, noInputs);
    expect(warm.outcomes).toEqual({ rows: "hit", sorted: "hit", meta: "hit", described: "hit" });
    expect(stores.logger.warnings).toEqual([]);
    expect(firstDifference(warm.result, await fresh(flow, outputs, noInputs))).toBeUndefined();
  });

  it("does not take a value a custom fingerprinter handles again (it may be a table: no second serialisation)", async () => {
    class Table {
      constructor(readonly rows: number[]) {}
    }
    let fingerprinted = 0;
    const tables: Fingerprinter = {
      name: "table",
      accepts: (value) => value instanceof Table,
      fingerprint: (value) => (fingerprinted++, (value as Table).rows.join()),
    };
    const flow = {
      table: () => new Table([1, 2]),
      wrapped: () => ({ inner: new Table([3]) }),
      size: (table: Table, wrapped: { inner: Table }) => table.rows.length + wrapped.inner.rows.length,
    };
    const stores = memoryCache();
    await cached(stores, flow, ["size"], noInputs, [tables]);
    // One fingerprint each of table and wrapped.inner when they were stored; none when size's inputs were checked.
    expect(fingerprinted).toBe(2);
  });

  it("fingerprints again only the inputs of nodes whose code may change them", async () => {
    const plain = vi.spyOn(FingerprinterRegistry.prototype, "plainFingerprint");
    const flow = {
      rows: () => [3, 1, 2],
      total: (rows: number[]) => rows.reduce((a, b) => a + b, 0),
      tagged: (rows: number[]) => rows.map((r) => ({ r })),
      sorted: (rows: number[]) => rows.sort((a, b) => a - b),
    };
    await cached(memoryCache(), flow, ["total", "tagged"], noInputs);
    expect(plain).not.toHaveBeenCalled(); // both only read rows
    await cached(memoryCache(), flow, ["sorted"], noInputs);
    expect(plain).toHaveBeenCalledTimes(1);
    plain.mockRestore();
  });
});
