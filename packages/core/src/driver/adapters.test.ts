// Adapter lifecycle hooks: their order, their arguments, on success and on failure, and doNodeExecute chaining.
import { describe, expect, it } from "vitest";
import type { Adapter } from "../contracts.js";
import { NodeExecutionError } from "../errors.js";
import { Builder } from "./builder.js";
import { deferredResult } from "../execution/deferred.js";

/** An adapter that appends "<label>:<hook>[:node]" to `log` for every hook. */
function recorder(label: string, log: string[]): Adapter {
  return {
    beforeGraphExecute: (ctx) => void log.push(`${label}:beforeGraph:${ctx.outputs.join(",")}`),
    beforeNodeExecute: (ctx) => void log.push(`${label}:beforeNode:${ctx.node.name}`),
    doNodeExecute: async (ctx, next) => {
      log.push(`${label}:doNode:${ctx.node.name}`);
      const result = await next();
      log.push(`${label}:doNode-done:${ctx.node.name}`);
      return result;
    },
    afterNodeExecute: (ctx) => void log.push(`${label}:afterNode:${ctx.node.name}:${ctx.success ? "ok" : "failed"}`),
    afterGraphExecute: (ctx) => void log.push(`${label}:afterGraph:${ctx.success ? "ok" : "failed"}`),
  };
}

describe("adapter hooks", () => {
  it("run in lifecycle order, adapters in the order given, doNodeExecutes nested", async () => {
    const log: string[] = [];
    const dr = await new Builder()
      .withModules({ A: () => (log.push("run:A"), 1), B: (A: number) => (log.push("run:B"), A + 1) })
      .withAdapters(recorder("one", log), recorder("two", log))
      .build();
    expect(await dr.execute(["B"])).toEqual({ B: 2 });
    const nodeHooks = (n: string) => [
      `one:beforeNode:${n}`,
      `two:beforeNode:${n}`,
      `one:doNode:${n}`,
      `two:doNode:${n}`,
      `run:${n}`,
      `two:doNode-done:${n}`,
      `one:doNode-done:${n}`,
      `one:afterNode:${n}:ok`,
      `two:afterNode:${n}:ok`,
    ];
    expect(log).toEqual([
      "one:beforeGraph:B",
      "two:beforeGraph:B",
      ...nodeHooks("A"),
      ...nodeHooks("B"),
      "one:afterGraph:ok",
      "two:afterGraph:ok",
    ]);
  });

  it("still call afterNodeExecute and afterGraphExecute when a node fails, with the user's error", async () => {
    const log: string[] = [];
    const boom = new Error("boom");
    let afterNodeError: unknown;
    let afterGraphError: unknown;
    const dr = await new Builder()
      .withModules({
        A: () => 1,
        B: (A: number): number => {
          throw boom;
        },
        C: (B: number) => B,
      })
      .withAdapters(recorder("one", log), {
        afterNodeExecute: (ctx) => void (ctx.success ? undefined : (afterNodeError = ctx.error)),
        afterGraphExecute: (ctx) => void (afterGraphError = ctx.error),
      })
      .build();
    const error = await dr.execute(["C"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(log).toEqual([
      "one:beforeGraph:C",
      "one:beforeNode:A",
      "one:doNode:A",
      "one:doNode-done:A",
      "one:afterNode:A:ok",
      "one:beforeNode:B",
      "one:doNode:B",
      "one:afterNode:B:failed",
      "one:afterGraph:failed",
    ]);
    expect(afterNodeError).toBe(boom);
    expect(afterGraphError).toBe(error);
  });

  it("give node hooks the node, its dependency names and lazily loaded inputs", async () => {
    const seen: Record<string, unknown> = {};
    const dr = await new Builder()
      .withModules({ A: () => 1, B: (A: number, x: number, opt = 3) => A + x + opt })
      .withAdapters({
        beforeNodeExecute: async (ctx) => {
          if (ctx.node.name === "B") {
            seen.deps = ctx.dependencyNames;
            seen.inputs = await ctx.inputs();
            seen.optional = [...ctx.node.optionalDeps];
          }
        },
        afterNodeExecute: (ctx) => void (ctx.node.name === "B" ? (seen.result = ctx.result) : undefined),
        beforeGraphExecute: (ctx) => void (seen.plan = ctx.nodes.map((n) => n.name)),
      })
      .build();
    await dr.execute(["B"], { inputs: { x: 10 } });
    expect(seen).toEqual({
      plan: ["A", "B"],
      deps: ["A", "x"],
      inputs: { A: 1, x: 10 },
      optional: ["opt"],
      result: 14,
    });
  });

  it("a doNodeExecute that returns a value without calling next replaces the node's call", async () => {
    let ran = false;
    const dr = await new Builder()
      .withModules({ A: () => ((ran = true), 1), B: (A: number) => A + 1 })
      .withAdapters({ doNodeExecute: async (ctx, next) => (ctx.node.name === "A" ? 100 : next()) })
      .build();
    expect(await dr.execute(["B"])).toEqual({ B: 101 });
    expect(ran).toBe(false);
  });

  it("two doNodeExecutes chain: each sees the next one's result and may change it", async () => {
    const dr = await new Builder()
      .withModules({ A: () => 2 })
      .withAdapters(
        { doNodeExecute: async (_ctx, next) => `outer(${String(await next())})` },
        { doNodeExecute: async (_ctx, next) => `inner(${String(await next())})` },
      )
      .build();
    expect(await dr.execute(["A"])).toEqual({ A: "outer(inner(2))" });
  });

  it("a deferred result is loaded only when something needs it", async () => {
    const loads: string[] = [];
    const dr = await new Builder()
      .withModules({ A: () => 1, B: (A: number) => A + 1, C: (B: number) => B + 1 })
      .withAdapters({
        doNodeExecute: async (ctx, next) =>
          ctx.node.name === "C"
            ? next()
            : deferredResult(async () => (loads.push(ctx.node.name), ctx.node.name === "A" ? 10 : 20)),
      })
      .build();
    expect(await dr.execute(["C"])).toEqual({ C: 21 });
    // C consumed B, so B loaded; nothing consumed A.
    expect(loads).toEqual(["B"]);
  });

  it("a beforeGraphExecute that throws fails the run before any node runs, and afterGraphExecute still sees it", async () => {
    let ran = false;
    let after: unknown;
    const dr = await new Builder()
      .withModules({ A: () => ((ran = true), 1) })
      .withAdapters({
        beforeGraphExecute: () => {
          throw new Error("not today");
        },
        afterGraphExecute: (ctx) => void (after = ctx.error),
      })
      .build();
    await expect(dr.execute(["A"])).rejects.toThrow("not today");
    expect(ran).toBe(false);
    expect((after as Error).message).toBe("not today");
  });
});
