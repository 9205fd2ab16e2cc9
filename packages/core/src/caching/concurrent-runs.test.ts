// One cached driver executing several times at once: each run keeps its own fingerprints and outcomes.
import { describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import type { ProgressEvent } from "../index.js";
import type { Executor, ExecutorCache } from "../exports/executor.js";
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
    const dr = await new Builder()
      .withModules({ A: async (x: number) => x % 2 })
      .withCache(stores)
      .build();
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

  it("overlapping runs each see their own state: executors' fingerprintOf and progress outcomes (cache.run(runId))", async () => {
    const events: ProgressEvent[] = [];
    let secondStarted: () => void = () => undefined;
    const bothStarted = new Promise<void>((resolve) => (secondStarted = resolve));
    const onProgress = (event: ProgressEvent) => {
      events.push(event);
      if (event.type === "started" && events.filter((e) => e.type === "started").length === 2) secondStarted();
    };
    let cache: ExecutorCache | undefined;
    const seen: { runId: string; x: string | undefined; A: string | undefined }[] = [];
    let firstRun: string | undefined;
    const givenTo = new Map<string, number>();
    const executor: Executor = {
      name: "peek",
      attach: (setup) => void (cache = setup.cache),
      async execute(task) {
        firstRun ??= task.runId;
        // Which input each run was given (the runs may start in either order).
        if (task.node.name === "A") givenTo.set(task.runId, (await task.inputs()).x as number);
        // The first run's B waits until the second run has started: the runs overlap.
        if (task.node.name === "B" && task.runId === firstRun) await bothStarted;
        if (task.node.name === "B")
          seen.push({
            runId: task.runId,
            x: cache?.fingerprintOf(task.runId, "x"),
            A: cache?.fingerprintOf(task.runId, "A"),
          });
        return task.runHere();
      },
    };
    const dr = await new Builder()
      .withModules({ A: (x: number) => x * 10, B: (A: number) => A + 1 })
      .withCache({ ...memoryCache(), recompute: ["B"] })
      .withExecutor(executor)
      .withProgress({ live: false, onProgress })
      .build();
    const results = await Promise.all([
      dr.execute(["B"], { inputs: { x: 1 } }),
      dr.execute(["B"], { inputs: { x: 2 } }),
    ]);
    expect(results).toEqual([{ B: 11 }, { B: 21 }]);
    const fingerprint = (value: number, node: string) => dr.cache.fingerprinter.fingerprint(value, { node });
    expect(seen).toHaveLength(2);
    expect([...givenTo.values()].sort()).toEqual([1, 2]);
    for (const { runId, x, A } of seen) {
      const given = givenTo.get(runId) as number;
      expect(x).toBe(fingerprint(given, "x"));
      expect(A).toBe(fingerprint(given * 10, "A"));
    }
    const outcomesOfB = events.flatMap((e) =>
      e.type === "node-finished" && e.node === "B" ? [[e.runId === firstRun ? "first" : "second", e.outcome]] : [],
    );
    expect(outcomesOfB.sort()).toEqual([
      ["first", "recomputed"],
      ["second", "recomputed"],
    ]);
  });
});
