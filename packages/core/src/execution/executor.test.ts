// The Executor contract: the driver hands ready nodes to the executor, keeps "main" nodes, reports failures.
import { describe, expect, it } from "vitest";
import type { Executor, ExecutorSetup, ExecutorTask } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { ConfigurationError, NodeExecutionError } from "../errors.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { tag, extractFields } from "../modifiers/index.js";
import { InProcessExecutor } from "./in-process.js";

/** Records what it is handed and runs it the way a remote executor would: args, call, finish. */
class RecordingExecutor implements Executor {
  readonly name = "recording";
  readonly ran: string[] = [];
  setup: ExecutorSetup | undefined;
  closed = 0;
  attach(setup: ExecutorSetup): void {
    this.setup = setup;
  }
  async execute(task: ExecutorTask): Promise<unknown> {
    this.ran.push(task.node.name);
    const fn = task.node.fn as (...args: unknown[]) => unknown;
    return task.finish(await fn(...(await task.args())));
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

const flow = {
  a: (x: number) => x + 1,
  b: (a: number, scale = 2) => a * scale,
  c: ({ a, b }: { a: number; b: number }) => a + b,
  handle: tag({ executor: "main" })((a: number) => `socket-${a}`),
  parts: extractFields({ left: Number, right: Number })((c: number) => ({ left: c, right: -c })),
};

describe("executors", () => {
  it("hands every ready node to the executor and returns the same results as in-process", async () => {
    const executor = new RecordingExecutor();
    const remote = await new Builder().withModules(flow).withExecutor(executor).build();
    const local = await new Builder().withModules(flow).build();
    const outputs = ["a", "b", "c", "handle", "left", "right"];
    const expected = await local.execute(outputs, { inputs: { x: 3 } });
    expect(await remote.execute(outputs, { inputs: { x: 3 } })).toEqual(expected);
    expect(expected).toEqual({ a: 4, b: 8, c: 12, handle: "socket-4", left: 12, right: -12 });
    // "main" nodes and extractFields' field picks stay in the driver's process.
    expect(executor.ran.sort()).toEqual(["a", "b", "c", "parts"]);
  });

  it("a failing node on the executor raises NodeExecutionError naming it, with the executor's error as cause", async () => {
    const failing: Executor = {
      name: "failing",
      execute: async (task) => {
        throw new Error(`worker 7 could not run ${task.node.name}`);
      },
    };
    const dr = await new Builder().withModules(flow).withExecutor(failing).build();
    const error = await dr.execute(["b"], { inputs: { x: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as NodeExecutionError).message).toContain('"a"');
    expect(((error as NodeExecutionError).cause as Error).message).toBe("worker 7 could not run a");
  });

  it("cached runs go through the executor only for misses", async () => {
    const executor = new RecordingExecutor();
    const cacheOptions = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const dr = await new Builder().withModules(flow).withCache(cacheOptions).withExecutor(executor).build();
    expect(await dr.execute(["c"], { inputs: { x: 1 } })).toEqual({ c: 6 });
    expect(executor.ran.sort()).toEqual(["a", "b", "c"]);
    executor.ran.length = 0;
    expect(await dr.execute(["c"], { inputs: { x: 1 } })).toEqual({ c: 6 });
    expect(executor.ran).toEqual([]);
    expect(executor.setup?.cache?.fingerprintOf(dr.cache.lastRunId as string, "c")).toBe(dr.cache.runFingerprints["c"]);
  });

  it("attach learns each node's module URL and export from withModuleSource", async () => {
    const executor = new RecordingExecutor();
    await new Builder().withModules(flow).withModuleSource(flow, "/tmp/flow.mjs").withExecutor(executor).build();
    expect(executor.setup?.locate("b")).toEqual({ moduleUrl: "file:///tmp/flow.mjs", exportName: "b" });
    expect(executor.setup?.locate("left")).toBeUndefined();
  });

  it("dr.close() closes the executor; a second withExecutor is a configuration error", async () => {
    const executor = new RecordingExecutor();
    const dr = await new Builder().withModules(flow).withExecutor(executor).build();
    await dr.close();
    expect(executor.closed).toBe(1);
    expect(() => new Builder().withExecutor(new InProcessExecutor()).withExecutor(new InProcessExecutor())).toThrow(
      ConfigurationError,
    );
  });

  it("the in-process executor runs nodes here", async () => {
    const dr = await new Builder().withModules(flow).withExecutor(new InProcessExecutor()).build();
    expect(await dr.execute<"c" | "right">(["c", "right"], { inputs: { x: 0 } })).toEqual({ c: 3, right: -3 });
  });
});
