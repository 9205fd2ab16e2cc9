// A hit the run's batch already answered goes through the driver's hooks without a promise (issue 19).
// Adapters must see exactly what they saw before: every hook, in order, with the same contexts, an
// async hook awaited before the node's dependents start, a thrown hook failing the run, and a
// damaged result recomputed through next().
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Adapter, NodeResultContext } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { NodeExecutionError } from "../errors.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";
import { RunPrefetch } from "./prefetch.js";

afterEach(() => void vi.restoreAllMocks());

const chain = {
  a: () => 1,
  b: (a: number) => a + 1,
  c: (b: number) => b * 10,
  d: (c: number, a: number) => c + a,
};
const outputs = ["d"];

function stores() {
  return { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
}

async function warmed(adapters: Adapter[], shared = stores()) {
  const cold = await new Builder().withModules(chain).withCache(shared).withProgress(false).build();
  expect(await cold.execute(outputs)).toEqual({ d: 21 });
  const coldRun = cold.cache.lastRun;
  const warm = await new Builder()
    .withModules(chain)
    .withCache(shared)
    .withAdapters(...adapters)
    .withProgress(false)
    .build();
  return { warm, shared, coldRun };
}

describe("hits answered at once, through the adapters' hooks", () => {
  it("every node's before and after hooks run in dependency order, with the hit's context", async () => {
    const log: string[] = [];
    const after: NodeResultContext[] = [];
    const { warm } = await warmed([
      {
        beforeNodeExecute: (ctx) => void log.push(`before:${ctx.node.name}`),
        afterNodeExecute: (ctx) => {
          log.push(`after:${ctx.node.name}`);
          after.push(ctx);
        },
      },
    ]);
    const answered = vi.spyOn(RunPrefetch.prototype, "answered");
    expect(await warm.execute(outputs)).toEqual({ d: 21 });
    // The hits after the first (which starts before the batch's answer is back) were answered by the
    // run's batch: the path that goes through the hooks at once.
    expect(answered.mock.results.filter((r) => typeof r.value === "string").length).toBeGreaterThanOrEqual(3);
    expect(Object.values(warm.cache.lastRun).map((r) => [r.node, r.outcome])).toEqual([
      ["a", "hit"],
      ["b", "hit"],
      ["c", "hit"],
      ["d", "hit"],
    ]);
    expect(log).toEqual(["a", "b", "c", "d"].flatMap((n) => [`before:${n}`, `after:${n}`]));
    for (const ctx of after) {
      expect(ctx.success).toBe(true);
      expect(ctx.error).toBeUndefined();
      // Nothing loaded a hit before its after hook: unloaded, so deferred.
      expect(ctx.deferred).toBe(true);
      expect(ctx.result).toBeUndefined();
      expect(ctx.ownTimeMs?.()).toBeUndefined();
      expect(ctx.runId).toBe(warm.cache.lastRunId);
    }
    expect(await after[3]!.inputs()).toEqual({ c: 20, a: 1 });
  });

  it("an async afterNodeExecute is awaited before the node's dependents start, a slow beforeNodeExecute before the node", async () => {
    const log: string[] = [];
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const { warm } = await warmed([
      {
        beforeNodeExecute: async (ctx) => {
          if (ctx.node.name === "c") await tick();
          log.push(`before:${ctx.node.name}`);
        },
        afterNodeExecute: async (ctx) => {
          await tick();
          log.push(`after:${ctx.node.name}`);
        },
      },
    ]);
    expect(await warm.execute(outputs)).toEqual({ d: 21 });
    expect(log).toEqual(["a", "b", "c", "d"].flatMap((n) => [`before:${n}`, `after:${n}`]));
  });

  it("a hook that throws on a hit fails the run naming its node, and the next run still hits", async () => {
    const { warm, shared } = await warmed([
      {
        afterNodeExecute: (ctx) => {
          if (ctx.node.name === "b") throw new Error("after hook broke");
        },
      },
    ]);
    const failure = await warm.execute(outputs).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NodeExecutionError);
    expect((failure as NodeExecutionError).node).toBe("b");
    expect(String((failure as Error).cause)).toContain("after hook broke");
    const again = await new Builder().withModules(chain).withCache(shared).withProgress(false).build();
    expect(await again.execute(outputs)).toEqual({ d: 21 });
    expect(Object.values(again.cache.lastRun).every((r) => r.outcome === "hit")).toBe(true);
  });

  it("a damaged result of an answered hit is recomputed through next(), and outer adapters' next() is a promise", async () => {
    const nexts: boolean[] = [];
    const { warm, shared, coldRun } = await warmed([
      {
        doNodeExecute: (_ctx, next) => {
          const pending = next();
          nexts.push(pending instanceof Promise);
          return pending;
        },
      },
    ]);
    // Damage the output's stored result: its hit is answered from the batch, its load finds bad bytes.
    const output = coldRun.d?.fingerprint as string;
    await shared.resultStore.delete(output); // a content-addressed store keeps an entry it has
    await shared.resultStore.set(output, new Uint8Array([1, 2, 3]));
    expect(await warm.execute(outputs)).toEqual({ d: 21 });
    expect(nexts).toEqual([true, true, true, true]);
    expect(warm.cache.lastRun.d?.outcome).toBe("recomputed");
    expect(warm.cache.stats.resultWrites).toBe(1);
  });
});
