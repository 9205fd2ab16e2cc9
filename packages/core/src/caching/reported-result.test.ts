// reportedResult(): an executor's worker fingerprinted and encoded a value; the cache records it by
// that fingerprint, stores the bytes as they came and loads the value only when the driver needs it.
import { describe, expect, it } from "vitest";
import type { ExecutorCache, ExecutorTask } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { reportedResult } from "./reported-result.js";

const flow = {
  a: (x: number) => ({ list: [x, x + 1] }),
  b: (a: { list: number[] }) => a.list.map((v) => v * 10),
  c: (b: number[]) => b.length,
};

/** Runs nodes here but hands each value back as a worker would: fingerprint and bytes, loaded on demand. */
function reportingExecutor(loads: string[]) {
  let cache: ExecutorCache | undefined;
  return {
    name: "reporting",
    attach: (setup: { cache: ExecutorCache | undefined }) => void (cache = setup.cache),
    async execute(task: ExecutorTask) {
      const value = await task.runHere();
      const c = cache as ExecutorCache;
      const fingerprint = c.fingerprint(value, task.node.name);
      const bytes = c.encode(value, fingerprint);
      return reportedResult({
        fingerprint,
        bytes,
        load: async () => (loads.push(task.node.name), c.decode(bytes, fingerprint)),
      });
    },
  };
}

describe("reportedResult", () => {
  it("records the reported fingerprint, stores the bytes, and loads only what the driver reads", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const loads: string[] = [];
    const dr = await new Builder().withModules(flow).withCache(stores).withExecutor(reportingExecutor(loads)).build();
    const local = await new Builder()
      .withModules(flow)
      .withCache({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() })
      .build();
    const expected = await local.execute(["c"], { inputs: { x: 1 } });
    expect(await dr.execute(["c"], { inputs: { x: 1 } })).toEqual(expected);
    // a and b are read as the next node's arguments (they run "here"), c as the output.
    expect(loads).toEqual(["a", "b", "c"]);
    for (const name of ["a", "b", "c"]) {
      expect(dr.cache.lastRun[name]?.outcome).toBe("computed");
      expect(dr.cache.lastRun[name]?.fingerprint).toBe(local.cache.lastRun[name]?.fingerprint);
      expect(await stores.resultStore.has(dr.cache.lastRun[name]?.fingerprint as string)).toBe(true);
    }
    expect(dr.cache.stats.resultWrites).toBe(3);

    // A new driver on the same stores hits all three and returns the stored value.
    const warm = await new Builder().withModules(flow).withCache(stores).build();
    expect(await warm.execute(["c", "b"], { inputs: { x: 1 } })).toEqual({ ...expected, b: [10, 20] });
    expect(Object.values(warm.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(3);
  });

  it("a read-only cache records nothing for a reported result and still returns its value", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ ...stores, readOnly: true })
      .withExecutor(reportingExecutor([]))
      .build();
    expect(await dr.execute(["c"], { inputs: { x: 2 } })).toEqual({ c: 2 });
    expect(await stores.fingerprintStore.get(dr.cache.lastRun.c?.contextKey as string)).toBeUndefined();
    expect(await stores.resultStore.has(dr.cache.lastRun.c?.fingerprint as string)).toBe(false);
  });
});
