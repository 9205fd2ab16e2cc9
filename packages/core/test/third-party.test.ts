// A third-party adapter and executor written only against @ham/core's public exports (its root
// index and the @ham/core/executor subpath, nothing deeper, no casts): the contracts give them what they need to run a dataflow.
import { describe, expect, it } from "vitest";
import {
  type Adapter,
  Builder,
  MemoryFingerprintRepository,
  MemoryResultStore,
  type NodeExecuteContext,
  type NodeResultContext,
  extractFields,
  tag,
} from "../src/index.js";
import type { Executor, ExecutorSetup, ExecutorTask } from "../src/exports/executor.js";

/** Notes what each node looks like to an adapter, and whether its result came back unloaded (a hit). */
class NotingAdapter implements Adapter {
  readonly seen = new Map<
    string,
    { params: string[]; bound: string[]; runsOn: string; pickedFrom: string | undefined; deferred?: boolean }
  >();
  async doNodeExecute(ctx: NodeExecuteContext, next: () => Promise<unknown>): Promise<unknown> {
    const { node } = ctx;
    this.seen.set(node.name, {
      params: node.params.map((p) => `${p.name}←${p.dep ?? "bound"}${p.optional ? "?" : ""}`),
      bound: Object.keys(node.boundValues),
      runsOn: node.runsOn,
      pickedFrom: node.cachedThrough,
    });
    return next();
  }
  afterNodeExecute(ctx: NodeResultContext): void {
    const entry = this.seen.get(ctx.node.name);
    if (entry) entry.deferred = ctx.deferred;
  }
}

/** Runs each node itself from the task's arguments (as a remote worker would); a main-only node would run here. */
class CallingExecutor implements Executor {
  readonly name = "calling";
  readonly ran: string[] = [];
  readonly onMain: string[] = [];
  setup: ExecutorSetup | undefined;
  attach(setup: ExecutorSetup): void {
    this.setup = setup;
  }
  async execute(task: ExecutorTask): Promise<unknown> {
    if (task.node.runsOn === "main") {
      this.onMain.push(task.node.name);
      return task.runHere();
    }
    this.ran.push(task.node.name);
    const returned: unknown = await Reflect.apply(task.node.fn, undefined, await task.args());
    // What a worker would hand back: the value, and the cache's fingerprint of each input it received.
    for (const dep of task.dependencyNames)
      expect(this.setup?.cache?.fingerprintOf(task.runId, dep)).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    return task.finish(returned);
  }
}

const dataflow = {
  base: (x: number, scale = 2) => x * scale,
  stats: extractFields({ total: Number, count: Number })((base: number, items: number[]) => ({
    total: items.reduce((a, b) => a + b, base),
    count: items.length,
  })),
  report: tag({ executor: "main" })((total: number, count: number) => `${count} items, total ${total}`),
};

describe("a third-party adapter and executor on the public contracts", () => {
  it("run a dataflow cold and warm, and see every node's parameters and where it may run", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const build = (adapter: NotingAdapter, executor: CallingExecutor) =>
      new Builder()
        .withModules(dataflow)
        .withAdapters(adapter)
        .withExecutor(executor)
        .withCache(stores)
        .withProgress(false)
        .build();
    const inputs = { x: 3, items: [1, 2, 3] };

    const coldAdapter = new NotingAdapter();
    const coldExecutor = new CallingExecutor();
    const cold = await build(coldAdapter, coldExecutor);
    expect(await cold.execute(["report"], { inputs })).toEqual({ report: "3 items, total 12" });
    expect(coldExecutor.ran.sort()).toEqual(["base", "stats"]);
    // Nodes that must run on main (tagged, or a field picked from its parent) never reach the executor.
    expect(coldExecutor.onMain).toEqual([]);
    expect(Object.fromEntries(coldAdapter.seen)).toEqual({
      base: { params: ["x←x", "scale←scale?"], bound: [], runsOn: "anywhere", pickedFrom: undefined, deferred: false },
      stats: {
        params: ["base←base", "items←items"],
        bound: [],
        runsOn: "anywhere",
        pickedFrom: undefined,
        deferred: false,
      },
      total: expect.objectContaining({ runsOn: "main", pickedFrom: "stats", deferred: false }),
      count: expect.objectContaining({ runsOn: "main", pickedFrom: "stats", deferred: false }),
      report: {
        params: ["total←total", "count←count"],
        bound: [],
        runsOn: "main",
        pickedFrom: undefined,
        deferred: false,
      },
    });
    expect(coldExecutor.setup?.graph.get("stats")?.params.map((p) => p.name)).toEqual(["base", "items"]);

    const warmAdapter = new NotingAdapter();
    const warmExecutor = new CallingExecutor();
    const warm = await build(warmAdapter, warmExecutor);
    expect(await warm.execute(["report"], { inputs })).toEqual({ report: "3 items, total 12" });
    expect(warmExecutor.ran).toEqual([]);
    expect([...warmAdapter.seen.values()].map((entry) => entry.deferred)).toEqual([true, true, true, true, true]);
    expect(warm.cache.lastRun.report?.outcome).toBe("hit");
  });
});
