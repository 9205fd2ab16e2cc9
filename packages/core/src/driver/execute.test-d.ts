// Type-level tests of execute: results typed from the modules, unknown names rejected, explicit escape hatches.
// Checked by `tsc -p packages/core/tsconfig.json` (the file is under src/), not at run time.
import { describe, expectTypeOf, it } from "vitest";
import { Builder, type Driver } from "../index.js";

const seed = {
  A: () => 7,
  B: (A: number) => A * 1.0,
  C: (B: number, D = true) => B !== Number(D),
  E: async (C: boolean): Promise<string> => (C ? "hello-world" : "bye"),
  F: (E: string) => ({ [E]: E.repeat(3) }),
  _helper: () => "not a node",
  notANode: 42,
};

declare const dr: Driver<{ A: number; B: number; C: boolean; E: string; F: { [x: string]: string } }>;

describe("execute types its results from the modules", () => {
  it("out.F has F's return type and out.E the awaited type of async E", async () => {
    const built = await new Builder().withModules(seed).build();
    const out = await built.execute(["F", "E"]);
    expectTypeOf(out.F).toEqualTypeOf<{ [x: string]: string }>();
    expectTypeOf(out.E).toEqualTypeOf<string>();
    expectTypeOf(out).toEqualTypeOf<{ F: { [x: string]: string }; E: string }>();
  });

  it("only the requested names are keys of the result", async () => {
    const out = await dr.execute(["A"]);
    // @ts-expect-error B was not requested
    void out.B;
    expectTypeOf(out.A).toEqualTypeOf<number>();
  });

  it("names from two modules combine", async () => {
    const other = { G: (F: Record<string, string>) => Object.keys(F).length };
    const built = await new Builder().withModules(seed, other).build();
    expectTypeOf((await built.execute(["G", "A"])).G).toEqualTypeOf<number>();
  });

  it("helpers starting with _ and non-functions are not nodes", async () => {
    const built = await new Builder().withModules(seed).build();
    // @ts-expect-error _helper is ignored by ham, so it is not an output
    void built.execute(["_helper"]);
    // @ts-expect-error notANode is a number, not a function
    void built.execute(["notANode"]);
  });
});

describe("unknown names are type errors", () => {
  it("a typo in an output name does not compile", () => {
    // @ts-expect-error "Fo" is not a node (did you mean "F"?)
    void dr.execute(["Fo"]);
    // @ts-expect-error one bad name among good ones is still an error
    void dr.execute(["A", "Bee"]);
  });
});

describe("escape hatches for names the types cannot see", () => {
  it("an input (the seed's optional D) is requested by naming every output in the type argument", async () => {
    const out = await dr.execute<"F" | "D">(["F", "D"]);
    expectTypeOf(out.F).toEqualTypeOf<{ [x: string]: string }>();
    expectTypeOf(out.D).toEqualTypeOf<unknown>();
  });

  it("the type argument still checks the list against itself", () => {
    // @ts-expect-error "X" is not listed in the type argument
    void dr.execute<"F" | "D">(["F", "X"]);
  });

  it("a list built at run time (string[]) is accepted and gives Record<string, unknown>", async () => {
    const names: string[] = process.argv.slice(2);
    expectTypeOf(await dr.execute(names)).toEqualTypeOf<Record<string, unknown>>();
  });

  it("a module typed only as object checks nothing (any name, unknown values)", async () => {
    const loose: object = seed;
    const built = await new Builder().withModules(loose).build();
    const out = await built.execute(["anything"]);
    expectTypeOf(out.anything).toEqualTypeOf<unknown>();
  });
});

describe("visualizeExecution and cache.explain check names like execute", () => {
  it("visualizeExecution: known names pass, a misspelt one is an error, the format picks text or bytes", () => {
    expectTypeOf(dr.visualizeExecution(["F"], { inputs: { D: false } })).toEqualTypeOf<string>();
    expectTypeOf(dr.visualizeExecution(["F"], { format: "mermaid", cache: true })).toEqualTypeOf<string>();
    expectTypeOf(dr.visualizeExecution(["F"], { format: "png" })).toEqualTypeOf<Buffer>();
    // @ts-expect-error "Fo" is not a node
    dr.visualizeExecution(["Fo"]);
    expectTypeOf(dr.visualizeExecution<"F" | "D">(["F", "D"])).toEqualTypeOf<string>();
    expectTypeOf(dr.visualizeExecution<"F" | "D">(["F", "D"], { format: "png" })).toEqualTypeOf<Buffer>();
    const names: string[] = process.argv.slice(2);
    expectTypeOf(dr.visualizeExecution(names, { format: "dot" })).toEqualTypeOf<string>();
  });

  it("cache.explain: known names pass, a misspelt one is an error, a type argument or a string lets any through", async () => {
    expectTypeOf(await dr.cache.explain("E")).toHaveProperty("reason");
    // @ts-expect-error "Ee" is not a node
    void dr.cache.explain("Ee");
    void dr.cache.explain<"D">("D");
    const name: string = process.argv[2] ?? "E";
    void dr.cache.explain(name, "run-id");
  });
});
