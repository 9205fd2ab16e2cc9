// ThreadExecutor: nodes run on worker threads with the same results as in-process; failures name the node.
import { FingerprinterRegistry } from "@ham/core/fingerprint";
import {
  Builder,
  ConfigurationError,
  MemoryFingerprintRepository,
  MemoryResultStore,
  NodeExecutionError,
  tag,
} from "@ham/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ThreadExecutor } from "../src/index.js";

const flowUrl = new URL("./fixtures/flow.mjs", import.meta.url);
const flow = await import(flowUrl.href);
const executors: ThreadExecutor[] = [];
afterAll(async () => {
  for (const executor of executors) await executor.close();
});

async function threadDriver(onRun?: (node: string, threadId: number) => void) {
  const executor = new ThreadExecutor({
    threads: 2,
    ...(onRun ? { onRun: (e: { node: string; threadId: number }) => onRun(e.node, e.threadId) } : {}),
  });
  executors.push(executor);
  return new Builder().withModules(flow).withModuleSource(flow, flowUrl).withExecutor(executor).build();
}

describe("ThreadExecutor", () => {
  it("runs nodes on worker threads and returns what an in-process run returns (typed arrays, Maps, async nodes)", async () => {
    const ran = new Map<string, number>();
    const dr = await threadDriver((node, threadId) => ran.set(node, threadId));
    const local = await new Builder().withModules(flow).build();
    const outputs = ["base", "total", "labels", "later"];
    const expected = await local.execute(outputs, { inputs: { seed: 2 } });
    const got = await dr.execute(outputs, { inputs: { seed: 2 } });
    expect(got).toEqual(expected);
    expect((got["base"] as { values: unknown }).values).toBeInstanceOf(Float64Array);
    expect(got["labels"]).toEqual(
      new Map([
        ["seed", 2],
        ["total", 12],
      ]),
    );
    expect([...ran.keys()].sort()).toEqual(["base", "labels", "later", "total"]);
    expect([...ran.values()].every((id) => id > 0)).toBe(true); // thread 0 is the main thread
  });

  it("a node that throws on a thread gives NodeExecutionError naming it, with the thread's error as cause", async () => {
    const dr = await threadDriver();
    const error = await dr.execute(["broken"], { inputs: { seed: 1 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as Error).message).toContain('"broken"');
    expect(((error as Error).cause as Error).message).toBe("total 6 is out of range");
  });

  it("a module without a known file is refused at build time, unless its nodes stay on main", async () => {
    const inline = { twice: (x: number) => x * 2 };
    const build = new Builder()
      .withModules(inline)
      .withExecutor(new ThreadExecutor({ threads: 1 }))
      .build();
    await expect(build).rejects.toThrow(ConfigurationError);
    await expect(build).rejects.toThrow(/withModuleSource/);
    const mainOnly = { twice: tag({ executor: "main" })((x: number) => x * 2) };
    const executor = new ThreadExecutor({ threads: 1 });
    executors.push(executor);
    const dr = await new Builder().withModules(mainOnly).withExecutor(executor).build();
    expect(await dr.execute(["twice"], { inputs: { x: 4 } })).toEqual({ twice: 8 });
  });

  it("with the cache on, a thread fingerprints and encodes its node's value: the driver records that fingerprint without fingerprinting the value again", async () => {
    const stores = () => ({
      fingerprintStore: new MemoryFingerprintRepository(),
      resultStore: new MemoryResultStore(),
    });
    // The threads load @ham/core from its TypeScript source here, as the driver does (the tests' condition).
    const executor = new ThreadExecutor({ threads: 2, execArgv: ["--conditions=@ham/source"] });
    executors.push(executor);
    const cached = stores();
    const dr = await new Builder()
      .withModules(flow)
      .withModuleSource(flow, flowUrl)
      .withCache(cached)
      .withExecutor(executor)
      .build();
    const local = await new Builder().withModules(flow).withCache(stores()).build();
    const outputs = ["labels"];
    const expected = await local.execute(outputs, { inputs: { seed: 3 } });

    // Counts the driver's fingerprinting (the threads have their own copy of the class).
    const calls = vi.spyOn(FingerprinterRegistry.prototype, "fingerprint");
    try {
      expect(await dr.execute(outputs, { inputs: { seed: 3 } })).toEqual(expected);
      const nodes = calls.mock.calls.map(([, options]) => options?.node);
      // The driver fingerprinted the input, never a value a thread computed.
      expect(nodes).toEqual(["seed"]);
    } finally {
      calls.mockRestore();
    }
    for (const name of ["base", "total", "labels"]) {
      expect(dr.cache.lastRun[name]?.outcome).toBe("computed");
      // The thread's fingerprint is the one the driver would have computed.
      expect(dr.cache.lastRun[name]?.fingerprint).toBe(local.cache.lastRun[name]?.fingerprint);
    }
    // Stored as the thread encoded them: a new driver on the same stores hits and reads them back.
    const warm = await new Builder().withModules(flow).withCache(cached).build();
    expect(await warm.execute(outputs, { inputs: { seed: 3 } })).toEqual(expected);
    expect(
      Object.values(warm.cache.lastRun)
        .filter((r) => r.outcome === "hit")
        .map((r) => r.node)
        .sort(),
    ).toEqual(["base", "labels", "total"]);
  });

  it("rejects bad options when constructed", () => {
    expect(() => new ThreadExecutor({ threads: 0 })).toThrow(/threads/);
  });
});
