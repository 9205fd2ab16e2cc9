// One cached driver executing several times at once: each run keeps its own fingerprints and outcomes.
import { describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";

const mod = {
  A: async (x: number) => {
    // Runs with larger x finish later, so the runs interleave.
    for (let i = 0; i < x; i++) await new Promise((r) => setImmediate(r));
    return x * 10;
  },
  B: (A: number) => A + 1,
};

describe("concurrent executes on one cached driver", () => {
  it("return each run's own results, cold and warm", async () => {
    const dr = await new Builder().withModules(mod).withCache(memoryCache()).build();
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all([1, 2, 3].map((x) => dr.execute(["B"], { inputs: { x } })));
      expect(results).toEqual([{ B: 11 }, { B: 21 }, { B: 31 }]);
    }
  });

  it("equal results computed by overlapping runs are written once", async () => {
    const stores = memoryCache();
    let writes = 0;
    const set = stores.resultStore.set.bind(stores.resultStore);
    stores.resultStore.set = async (key, bytes) => (writes++, set(key, bytes));
    const dr = await new Builder().withModules({ A: async (x: number) => x % 2 }).withCache(stores).build();
    await Promise.all([1, 3, 5].map((x) => dr.execute(["A"], { inputs: { x } })));
    expect(writes).toBe(1);
  });

  it("lastRun shows the run that started last, complete once it finished", async () => {
    const dr = await new Builder().withModules(mod).withCache(memoryCache()).build();
    const first = dr.execute(["B"], { inputs: { x: 3 } });
    const second = dr.execute(["B"], { inputs: { x: 1 } });
    await Promise.all([first, second]);
    expect(dr.cache.lastRun.x?.fingerprint).toBe(dr.cache.fingerprinter.fingerprint(1, { node: "x" }));
    expect(Object.keys(dr.cache.lastRun).sort()).toEqual(["A", "B", "x"]);
    expect((await dr.cache.listRuns()).length).toBe(2);
  });
});
