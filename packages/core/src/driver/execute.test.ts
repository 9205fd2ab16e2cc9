// What execute runs: only the needed subgraph, each node once, overrides cutting upstream, defaults, concurrency.
import { beforeEach, describe, expect, it } from "vitest";
import { node } from "../graph/node-spec.js";
import { Builder } from "./builder.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
beforeEach(() => {
  calls = {};
});

describe("which nodes run", () => {
  const branches = {
    A: () => (tick("A"), 1),
    B: (A: number) => (tick("B"), A + 1),
    C: (A: number) => (tick("C"), A + 2),
    D: (C: number) => (tick("D"), C * 2),
    E: () => (tick("E"), "unrelated"),
  };

  it("only the subgraph the outputs need runs", async () => {
    const dr = await new Builder().withModules(branches).build();
    expect(await dr.execute(["B"])).toEqual({ B: 2 });
    expect(calls).toEqual({ A: 1, B: 1 });
  });

  it("a diamond's shared upstream runs once per execute", async () => {
    const diamond = {
      top: () => (tick("top"), 2),
      left: (top: number) => (tick("left"), top * 3),
      right: (top: number) => (tick("right"), top * 5),
      bottom: (left: number, right: number) => (tick("bottom"), left + right),
    };
    const dr = await new Builder().withModules(diamond).build();
    expect(await dr.execute(["bottom", "left", "top"])).toEqual({ bottom: 16, left: 6, top: 2 });
    expect(calls).toEqual({ top: 1, left: 1, right: 1, bottom: 1 });
    await dr.execute(["bottom"]);
    expect(calls).toEqual({ top: 2, left: 2, right: 2, bottom: 2 });
  });

  it("an override replaces a node and its upstream does not run", async () => {
    const dr = await new Builder().withModules(branches).build();
    expect(await dr.execute(["D", "C"], { overrides: { C: 10 } })).toEqual({ D: 20, C: 10 });
    expect(calls).toEqual({ D: 1 });
  });

  it("an override of an upstream node still runs what the override does not cover", async () => {
    const dr = await new Builder().withModules(branches).build();
    expect(await dr.execute(["B", "D"], { overrides: { C: 10 } })).toEqual({ B: 2, D: 20 });
    expect(calls).toEqual({ A: 1, B: 1, D: 1 });
  });

  it("an input can be requested as an output and comes back as given", async () => {
    const dr = await new Builder().withModules({ y: (x: number) => x + 1 }).build();
    expect(await dr.execute<"x" | "y">(["x", "y"], { inputs: { x: 4 } })).toEqual({ x: 4, y: 5 });
  });

  it("config values are inputs", async () => {
    const dr = await new Builder()
      .withModules({ greeting: (region: string) => `hi ${region}` })
      .withConfig({ region: "eu" })
      .build();
    expect(await dr.execute(["greeting"])).toEqual({ greeting: "hi eu" });
    expect(await dr.execute(["greeting"], { inputs: { region: "us" } })).toEqual({ greeting: "hi us" });
  });
});

describe("optional parameters", () => {
  const seed = {
    B: () => 7,
    C: (B: number, D = true) => B !== Number(D),
  };

  it("a default is used when nothing provides the parameter", async () => {
    const dr = await new Builder().withModules(seed).build();
    expect(await dr.execute(["C"])).toEqual({ C: true });
  });

  it("a given input replaces the default", async () => {
    const dr = await new Builder().withModules({ B: () => 1, C: (B: number, D = true) => B !== Number(D) }).build();
    expect(await dr.execute(["C"])).toEqual({ C: false });
    expect(await dr.execute(["C"], { inputs: { D: false } })).toEqual({ C: true });
  });

  it("a node that provides the parameter replaces the default", async () => {
    const dr = await new Builder().withModules({ D: () => 5, E: (D = 1) => D * 2 }).build();
    expect(await dr.execute(["E"])).toEqual({ E: 10 });
  });

  it("a requested optional input that nobody gave comes back undefined (the seed's D)", async () => {
    const dr = await new Builder().withModules(seed).build();
    const out = await dr.execute<"C" | "D">(["C", "D"]);
    expect(out).toEqual({ C: true, D: undefined });
    expect("D" in out).toBe(true);
  });

  it("a destructured default is used when absent and replaced when given", async () => {
    const dr = await new Builder()
      .withModules({ A: () => 2, S: ({ A, B = 1 }: { A: number; B?: number }) => A + B })
      .build();
    expect(await dr.execute(["S"])).toEqual({ S: 3 });
    expect(await dr.execute(["S"], { inputs: { B: 10 } })).toEqual({ S: 12 });
  });
});

describe("how dependencies are declared", () => {
  it("a single destructured object parameter names its dependencies", async () => {
    const dr = await new Builder()
      .withModules({ A: () => 2, B: () => 3, P: ({ A, B }: { A: number; B: number }) => A * B })
      .build();
    expect(await dr.execute(["P"])).toEqual({ P: 6 });
    expect(dr.graph.get("P")?.deps).toEqual(["A", "B"]);
  });

  it("node({ deps }, fn) passes dependencies by position whatever the parameters are called", async () => {
    const dr = await new Builder()
      .withModules({ A: () => 2, B: () => 5, Q: node({ deps: ["B", "A"] }, (x: number, y: number) => x - y) })
      .build();
    expect(await dr.execute(["Q"])).toEqual({ Q: 3 });
    expect(dr.graph.get("Q")?.deps).toEqual(["B", "A"]);
  });

  it("node({ deps, optional }) lets an explicit dependency be absent so the function's default applies", async () => {
    const dr = await new Builder().withModules({ Q: node({ deps: ["n"], optional: ["n"] }, (v = 4) => v * 2) }).build();
    expect(await dr.execute(["Q"])).toEqual({ Q: 8 });
    expect(await dr.execute(["Q"], { inputs: { n: 1 } })).toEqual({ Q: 2 });
  });

  it("function, async function, arrow, async arrow and method shorthand sources all work", async () => {
    const mod = {
      A() {
        return 1;
      },
      async B(A: number) {
        return A + 1;
      },
      C: function (B: number) {
        return B + 1;
      },
      D: async function named(C: number) {
        return C + 1;
      },
      E: (D: number) => D + 1,
      F: async (E: number) => E + 1,
      G: async (F: number) => F + 1,
      H: function* ignoredGenerator() {},
    };
    const dr = await new Builder().withModules({ ...mod, H: undefined }).build();
    expect(await dr.execute(["G"])).toEqual({ G: 7 });
    expect(dr.graph.get("B")?.deps).toEqual(["A"]);
    expect(dr.graph.get("D")?.deps).toEqual(["C"]);
  });

  it("names starting with _ and non-function exports are not nodes", async () => {
    const mod = {
      _helper: () => 100,
      threshold: 3,
      label: "x",
      table: { a: 1 },
      A: (threshold: number) => threshold + 1,
    };
    const dr = await new Builder().withModules(mod).build();
    expect([...dr.graph.keys()]).toEqual(["A"]);
    // `threshold` is not a node just because the module exports a value by that name: it is an input.
    expect(dr.listInputs()).toEqual([{ name: "threshold", required: true, usedBy: ["A"] }]);
  });
});

describe("concurrency", () => {
  /** A wide graph of async nodes that records how many run at the same time. */
  function wideGraph(width: number) {
    let inFlight = 0;
    let maxInFlight = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const mod: Record<string, unknown> = {};
    const names: string[] = [];
    for (let i = 0; i < width; i++) {
      const name = `n${i}`;
      names.push(name);
      mod[name] = node({ deps: [] }, async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // Every node waits on one gate that opens once all could have started (several event-loop turns).
        if (inFlight === width) release();
        await Promise.race([gate, new Promise((r) => setImmediate(r))]);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return i;
      });
    }
    mod.total = node({ deps: names }, (...values: number[]) => values.reduce((a, b) => a + b, 0));
    return { mod, names, stats: () => ({ maxInFlight, inFlight }) };
  }

  it("independent async branches all run at once when unbounded", async () => {
    const { mod, stats } = wideGraph(8);
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["total"])).toEqual({ total: 28 });
    expect(stats().maxInFlight).toBe(8);
    expect(stats().inFlight).toBe(0);
  });

  it("withMaxConcurrency(2) never lets more than two nodes run at once, and all still run", async () => {
    const { mod, stats } = wideGraph(8);
    const dr = await new Builder().withModules(mod).withMaxConcurrency(2).build();
    expect(await dr.execute(["total"])).toEqual({ total: 28 });
    expect(stats().maxInFlight).toBe(2);
  });

  it("a node starts as soon as its own dependencies finish, not when its level finishes", async () => {
    const order: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    const dr = await new Builder()
      .withModules({
        fast: async () => (order.push("fast"), 1),
        slow: async () => {
          await slowGate;
          order.push("slow");
          return 2;
        },
        afterFast: async (fast: number) => {
          order.push("afterFast");
          releaseSlow();
          return fast;
        },
        both: (afterFast: number, slow: number) => afterFast + slow,
      })
      .build();
    expect(await dr.execute(["both"])).toEqual({ both: 3 });
    expect(order).toEqual(["fast", "afterFast", "slow"]);
  });
});
