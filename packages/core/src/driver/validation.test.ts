// Every bad input is rejected with a clear HamError before any node runs.
import { beforeEach, describe, expect, it } from "vitest";
import {
  ConfigurationError,
  CycleError,
  DuplicateNodeError,
  HamError,
  MissingInputError,
  NodeExecutionError,
  UnknownNodeError,
} from "../errors.js";
import { Builder } from "./builder.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const totalCalls = (): number => Object.values(calls).reduce((a, b) => a + b, 0);
beforeEach(() => {
  calls = {};
});

/** The error `action` throws or rejects with (fails the test if it does not). */
async function caught(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, none was thrown");
}

const chain = {
  A: () => (tick("A"), 1),
  B: (A: number) => (tick("B"), A + 1),
  C: (B: number, x: number) => (tick("C"), B + x),
  Foo: (A: number) => (tick("Foo"), A),
};

describe("graph errors at build", () => {
  it("a cycle is a CycleError that shows the cycle path, first node repeated last", async () => {
    const mod = { A: (C: number) => C, B: (A: number) => A, C: (B: number) => B, D: () => 1 };
    const error = await caught(() => new Builder().withModules(mod).build());
    expect(error).toBeInstanceOf(CycleError);
    const cycle = (error as CycleError).cycle;
    expect(cycle[0]).toBe(cycle[cycle.length - 1]);
    expect(new Set(cycle)).toEqual(new Set(["A", "B", "C"]));
    expect(cycle).toHaveLength(4);
    // Each step of the path is a real dependency edge: X -> Y means Y is a dependency of X.
    for (let i = 0; i + 1 < cycle.length; i++) {
      expect(mod[cycle[i] as "A" | "B" | "C"].toString()).toMatch(new RegExp(`\\(${cycle[i + 1]}\\b`));
    }
    expect((error as Error).message).toContain(cycle.join(" -> "));
  });

  it("a node that depends on itself is a cycle of one", async () => {
    const error = await caught(() => new Builder().withModules({ A: (A: number) => A }).build());
    expect(error).toBeInstanceOf(CycleError);
    expect((error as CycleError).cycle).toEqual(["A", "A"]);
  });

  it("the same node name in two modules is a DuplicateNodeError naming the node and both modules", async () => {
    const error = await caught(() => new Builder().withModules({ A: () => 1, B: () => 2 }, { A: () => 3 }).build());
    expect(error).toBeInstanceOf(DuplicateNodeError);
    expect((error as DuplicateNodeError).node).toBe("A");
    expect((error as Error).message).toMatch(/"A".*module 1.*module 2.*allowOverride/);
  });

  it("with allowOverride the later module's node wins", async () => {
    const dr = await new Builder()
      .withModules({ A: () => 1, B: (A: number) => A * 10 }, { A: () => 3 })
      .allowOverride()
      .build();
    expect(await dr.execute(["B"])).toEqual({ B: 30 });
  });

  it("a module that is not an object is a ConfigurationError naming its position", async () => {
    for (const bad of [null, 42, "dataflow"]) {
      const error = await caught(() => new Builder().withModules({ A: () => 1 }, bad as never).build());
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain("withModules() argument 2");
    }
  });

  it("a module without any function is a ConfigurationError (usually a wrong import)", async () => {
    const empty = await caught(() => new Builder().withModules({ A: () => 1 }, {}).build());
    expect(empty).toBeInstanceOf(ConfigurationError);
    expect((empty as Error).message).toMatch(/argument 2 exports no functions \(it is empty\)/);
    const wrapped = await caught(() => new Builder().withModules({ default: { A: () => 1 } }).build());
    expect((wrapped as Error).message).toMatch(/only default.*mod\.default/);
  });

  it("build() without modules is a ConfigurationError that says to call withModules", async () => {
    const error = await caught(() => new Builder().build());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("withModules");
  });
});

describe("invalid builder options", () => {
  it.each([
    ["withMaxConcurrency(0)", (b: Builder<any>) => b.withMaxConcurrency(0)],
    ["withMaxConcurrency(1.5)", (b: Builder<any>) => b.withMaxConcurrency(1.5)],
    ["withMaxConcurrency(NaN)", (b: Builder<any>) => b.withMaxConcurrency(Number.NaN)],
    ["withConfig(null)", (b: Builder<any>) => b.withConfig(null as never)],
    ["withConfig([])", (b: Builder<any>) => b.withConfig([] as never)],
    ["withAdapters(null)", (b: Builder<any>) => b.withAdapters(null as never)],
    ["withCache(null)", (b: Builder<any>) => b.withCache(null as never)],
    ["withCache() twice", (b: Builder<any>) => b.withCache({}).withCache({})],
  ])("%s is a ConfigurationError", (_, configure) => {
    expect(() => configure(new Builder().withModules(chain))).toThrow(ConfigurationError);
  });

  it.each([
    ["onStoreError", { onStoreError: "ignore" }, /onStoreError/],
    ["defaultBehavior", { defaultBehavior: "sometimes" }, /defaultBehavior/],
    ["a behaviour list that is not an array", { recompute: "A" }, /recompute/],
    ["maxResultBytes", { maxResultBytes: -1 }, /maxResultBytes/],
  ])("bad cache option %s is a ConfigurationError at build", async (_, options, message) => {
    const error = await caught(() =>
      new Builder()
        .withModules(chain)
        .withCache(options as never)
        .build(),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
  });

  it("a cache list naming an unknown node suggests the nearest name", async () => {
    const error = await caught(() =>
      new Builder()
        .withModules(chain)
        .withCache({ disable: ["Fooo"] })
        .build(),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('did you mean "Foo"?');
  });
});

describe("errors at execute, before any node runs", () => {
  it("a required input that was not given is a MissingInputError naming the input and who needs it", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute(["C"]));
    expect(error).toBeInstanceOf(MissingInputError);
    expect((error as MissingInputError).input).toBe("x");
    expect((error as MissingInputError).neededBy).toEqual(["C"]);
    expect((error as Error).message).toMatch(/"C" needs input "x".*inputs: \{ x:/);
    expect(totalCalls()).toBe(0);
  });

  it("a required input asked for as an output and not given is a MissingInputError", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute<"A" | "x">(["A", "x"]));
    expect(error).toBeInstanceOf(MissingInputError);
    expect((error as MissingInputError).input).toBe("x");
    expect(totalCalls()).toBe(0);
  });

  it("an unknown output is an UnknownNodeError with a did-you-mean", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute<"A" | "Fo">(["A", "Fo"]));
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect((error as UnknownNodeError).node).toBe("Fo");
    expect((error as Error).message).toContain('did you mean "Foo"?');
    expect(totalCalls()).toBe(0);
  });

  it("an unknown output with no near name gives no suggestion but says how to list names", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute<"completelyDifferent">(["completelyDifferent"]));
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect((error as Error).message).not.toContain("did you mean");
    expect((error as Error).message).toContain("listAvailableVariables");
  });

  it("an unknown override name is an UnknownNodeError with a did-you-mean", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute(["Foo"], { overrides: { a: 5 } }));
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect((error as UnknownNodeError).node).toBe("a");
    expect((error as Error).message).toMatch(/override "a".*did you mean "A"\?/);
    expect(totalCalls()).toBe(0);
  });

  it("an override that names an input says to pass it in inputs", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute(["C"], { overrides: { x: 1 } }));
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect((error as Error).message).toMatch(/override "x" names an input.*inputs: \{ x:/);
    expect(totalCalls()).toBe(0);
  });

  it("an input that names a node is a ConfigurationError pointing to overrides", async () => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute(["B"], { inputs: { A: 5 } }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("overrides: { A:");
    expect(totalCalls()).toBe(0);
  });

  it.each([
    ["outputs as a string", ["A" as never, {}]],
    ["outputs with a number", [["A", 1] as never, {}]],
    ["options null", [["A"], null as never]],
    ["inputs as an array", [["A"], { inputs: [1] as never }]],
    ["overrides as a number", [["A"], { overrides: 3 as never }]],
  ] as const)("bad execute arguments (%s) are a ConfigurationError", async (_, args) => {
    const dr = await new Builder().withModules(chain).build();
    const error = await caught(() => dr.execute(...(args as unknown as [string[], {}])));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(totalCalls()).toBe(0);
  });

  it("validateExecution throws the error execute would throw, and passes a valid request", async () => {
    const dr = await new Builder().withModules(chain).build();
    expect(() => dr.validateExecution(["C"])).toThrow(MissingInputError);
    expect(() => dr.validateExecution(["Fo"])).toThrow(UnknownNodeError);
    expect(() => dr.validateExecution(["C"], { inputs: { x: 1 } })).not.toThrow();
    expect(totalCalls()).toBe(0);
  });
});

describe("a node that throws", () => {
  it("gives a NodeExecutionError naming the node, with the user's error as cause and the completed nodes", async () => {
    const userError = new RangeError("B cannot handle 1");
    const dr = await new Builder()
      .withModules({
        A: () => (tick("A"), 1),
        B: (A: number): number => {
          tick("B");
          throw userError;
        },
        C: (B: number) => (tick("C"), B),
      })
      .build();
    const error = await caught(() => dr.execute(["C"]));
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error).toBeInstanceOf(HamError);
    const e = error as NodeExecutionError;
    expect(e.node).toBe("B");
    expect(e.cause).toBe(userError);
    expect(e.completed).toEqual(["A"]);
    expect(e.message).toContain('node "B" failed: B cannot handle 1');
    expect(e.message).toContain("completed before it: A");
    expect(calls).toEqual({ A: 1, B: 1 });
  });

  it("an async node's rejection is a NodeExecutionError too; independent branches that finished are listed", async () => {
    const dr = await new Builder()
      .withModules({
        A: async () => 1,
        B: async () => 2,
        C: async (A: number) => {
          await new Promise((r) => setImmediate(r));
          throw new Error(`async failure ${A}`);
        },
        D: (B: number, C: number) => B + C,
      })
      .build();
    const error = (await caught(() => dr.execute(["D"]))) as NodeExecutionError;
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.node).toBe("C");
    expect((error.cause as Error).message).toBe("async failure 1");
    expect([...error.completed].sort()).toEqual(["A", "B"]);
  });

  it("a thrown non-Error value is kept as the cause", async () => {
    const dr = await new Builder()
      .withModules({
        A: () => {
          throw "plain string";
        },
      })
      .build();
    const error = (await caught(() => dr.execute(["A"]))) as NodeExecutionError;
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error.cause).toBe("plain string");
    expect(error.completed).toEqual([]);
  });
});
