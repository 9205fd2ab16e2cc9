// The runner on a reused driver: repeated executes with different shapes, values to await, deep chains, failures.
import { describe, expect, it } from "vitest";
import { ConfigurationError, NodeExecutionError } from "../errors.js";
import { node } from "../graph/node-spec.js";
import { Builder } from "./builder.js";
import { randomHex } from "./random-hex.js";

describe("a reused driver with remembered plans", () => {
  it("an optional input given, then not, then given again: each run sees what it was given", async () => {
    const dr = await new Builder().withModules({ scaled: (x = 1, factor = 10) => x * factor }).build();
    expect(await dr.execute(["scaled"])).toEqual({ scaled: 10 });
    expect(await dr.execute(["scaled"], { inputs: { x: 5 } })).toEqual({ scaled: 50 });
    expect(await dr.execute(["scaled"])).toEqual({ scaled: 10 });
    expect(await dr.execute(["scaled"], { inputs: { x: 2, factor: 3 } })).toEqual({ scaled: 6 });
    expect(await dr.execute(["scaled"], { inputs: { x: 7 } })).toEqual({ scaled: 70 });
  });

  it("an override, then none: the overridden node's upstream runs again once the override is gone", async () => {
    let aRuns = 0;
    const dr = await new Builder().withModules({ A: () => (aRuns++, 1), B: (A: number) => A + 1 }).build();
    expect(await dr.execute(["B"], { overrides: { A: 10 } })).toEqual({ B: 11 });
    expect(aRuns).toBe(0);
    expect(await dr.execute(["B"])).toEqual({ B: 2 });
    expect(aRuns).toBe(1);
  });

  it("a request that failed to plan fails the same way every time", async () => {
    const dr = await new Builder().withModules({ A: () => 1, B: (A: number) => A + 1 }).build();
    for (let i = 0; i < 2; i++) {
      await expect(dr.execute(["B"], { inputs: { A: 3 } })).rejects.toThrow(ConfigurationError);
      await expect(dr.execute<"Bx">(["Bx"])).rejects.toThrow(/did you mean "B"/);
    }
    expect(await dr.execute(["B"])).toEqual({ B: 2 });
  });
});

describe("values the runner awaits", () => {
  it("a promise given as an input reaches nodes resolved, and comes back resolved as an output", async () => {
    const dr = await new Builder().withModules({ doubled: (x: number) => x * 2 }).build();
    expect(await dr.execute<"doubled" | "x">(["doubled", "x"], { inputs: { x: Promise.resolve(21) } })).toEqual({
      doubled: 42,
      x: 21,
    });
  });

  it("an async node's value reaches its dependents, and a thrown error in a synchronous node names it", async () => {
    const dr = await new Builder()
      .withModules({
        a: async () => 1,
        b: (a: number) => a + 1,
        c: (b: number): number => {
          throw new Error(`c broke on ${b}`);
        },
      })
      .build();
    expect(await dr.execute(["b"])).toEqual({ b: 2 });
    const error = (await dr.execute(["c"]).catch((e: unknown) => e)) as NodeExecutionError;
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.node).toBe("c");
    expect((error.cause as Error).message).toBe("c broke on 2");
    expect(error.completed).toEqual(["a", "b"]);
  });

  it("after a synchronous failure no further node starts", async () => {
    const ran: string[] = [];
    const dr = await new Builder()
      .withModules({
        bad: node({ deps: [] }, (): number => {
          throw new Error("bad");
        }),
        after: node({ deps: ["bad"] }, (bad: number) => (ran.push("after"), bad)),
      })
      .build();
    await expect(dr.execute(["after"])).rejects.toThrow(NodeExecutionError);
    expect(ran).toEqual([]);
  });

  it("a chain of 20,000 synchronous nodes runs without overflowing the stack", async () => {
    const mod: Record<string, unknown> = { n0: node({ deps: [] }, () => 0) };
    for (let i = 1; i < 20_000; i++) mod[`n${i}`] = node({ deps: [`n${i - 1}`] }, (prev: number) => prev + 1);
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["n19999"])).toEqual({ n19999: 19_999 });
    expect(await dr.execute(["n19999"])).toEqual({ n19999: 19_999 });
  });
});

describe("run ids", () => {
  it("randomHex gives fresh hex digits of the asked length, also across pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const hex = randomHex(5);
      expect(hex).toMatch(/^[0-9a-f]{10}$/);
      seen.add(hex);
    }
    expect(seen.size).toBe(2_000);
    expect(randomHex(5000)).toMatch(/^[0-9a-f]{10000}$/);
  });
});

describe("hooks that return nothing", () => {
  /** Microtask turns a 50-node chain takes through `adapter`'s hooks (a ticker counts them while it runs). */
  async function turns(adapter: object): Promise<number> {
    const mod: Record<string, unknown> = { n0: node({ deps: [] }, () => 0) };
    for (let i = 1; i < 50; i++) mod[`n${i}`] = node({ deps: [`n${i - 1}`] }, (prev: number) => prev + 1);
    const dr = await new Builder().withModules(mod).withAdapters(adapter).build();
    await dr.execute(["n49"]);
    let done = false;
    let count = 0;
    const ticker = (async () => {
      while (!done) {
        await null;
        count++;
      }
    })();
    expect(await dr.execute(["n49"])).toEqual({ n49: 49 });
    done = true;
    await ticker;
    return count;
  }

  it("are not waited for: a synchronous before or after hook adds no microtask turn per node", async () => {
    const through = { doNodeExecute: (_: unknown, next: () => Promise<unknown>) => next() };
    const seen: string[] = [];
    const base = await turns(through);
    const hooked = await turns({
      ...through,
      beforeNodeExecute: (ctx: { node: { name: string } }) => void seen.push(`before ${ctx.node.name}`),
      afterNodeExecute: (ctx: { node: { name: string }; success: boolean }) =>
        void seen.push(`after ${ctx.node.name} ${ctx.success}`),
    });
    expect(hooked).toBe(base);
    expect(seen.slice(0, 4)).toEqual(["before n0", "after n0 true", "before n1", "after n1 true"]);
    expect(seen).toHaveLength(200); // both executes, 50 nodes, two hooks
  });

  it("a hook's promise is still waited for before the node counts as done", async () => {
    const order: string[] = [];
    const dr = await new Builder()
      .withModules({ a: () => 1, b: (a: number) => (order.push("b runs"), a + 1) })
      .withAdapters({
        afterNodeExecute: async (ctx: { node: { name: string } }) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(`after ${ctx.node.name}`);
        },
      })
      .build();
    expect(await dr.execute(["b"])).toEqual({ b: 2 });
    expect(order).toEqual(["after a", "b runs", "after b"]);
  });
});
