// parameterize: one function becomes several nodes, each binding parameters to values or other nodes.
import { describe, expect, it } from "vitest";
import { Builder, ConfigurationError, HamError, node, parameterize, source, value } from "../index.js";
import { caught, counter } from "./test-helpers.js";

describe("parameterize", () => {
  it("makes one node per parameterization, binding values and sources", async () => {
    const { calls, tick } = counter();
    const flow = {
      base: () => 10,
      other: () => 100,
      scaled: parameterize({
        small: { factor: value(2) },
        large: { factor: value(5), base: source("other") },
      })((base: number, factor: number) => (tick("scaled"), base * factor)),
    };
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute<"small" | "large">(["small", "large"])).toEqual({ small: 20, large: 500 });
    expect(calls.scaled).toBe(2);
  });

  it("the function's own export name is not a node; parameterized nodes list their origin", async () => {
    const flow = {
      base: () => 1,
      scaled: parameterize({ double: { factor: value(2) } })((base: number, factor: number) => base * factor),
    };
    const dr = await new Builder().withModules(flow).build();
    const vars = dr.listAvailableVariables();
    expect(vars.map((v) => v.name).sort()).toEqual(["base", "double"]);
    expect(vars.find((v) => v.name === "double")?.origin).toEqual({ kind: "parameterize", from: "scaled" });
    expect(dr.graph.get("double")?.deps).toEqual(["base"]);
  });

  it("unbound parameters stay ordinary dependencies and inputs", async () => {
    const flow = {
      greeting: parameterize({ hello: { word: value("hello") }, bye: { word: value("bye") } })(
        (word: string, name: string) => `${word} ${name}`,
      ),
    };
    const dr = await new Builder().withModules(flow).build();
    expect(dr.listInputs()).toEqual([{ name: "name", required: true, usedBy: ["hello", "bye"] }]);
    expect(await dr.execute<"hello" | "bye">(["hello", "bye"], { inputs: { name: "Ada" } })).toEqual({
      hello: "hello Ada",
      bye: "bye Ada",
    });
  });

  it("works with a destructured object parameter and with node({ deps })", async () => {
    const flow = {
      x: () => 3,
      viaObject: parameterize({ plusOne: { step: value(1) } })(({ x, step }: { x: number; step: number }) => x + step),
      viaDeps: parameterize({ timesTwo: { b: value(2) } })(node({ deps: ["x", "b"] }, (a: number, b: number) => a * b)),
    };
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute<"plusOne" | "timesTwo">(["plusOne", "timesTwo"])).toEqual({ plusOne: 4, timesTwo: 6 });
  });

  it("a source may name a withConfig key", async () => {
    const flow = { label: parameterize({ tagged: { text: source("region") } })((text: string) => `[${text}]`) };
    const dr = await new Builder().withModules(flow).withConfig({ region: "eu" }).build();
    expect(await dr.execute<"tagged">(["tagged"])).toEqual({ tagged: "[eu]" });
  });

  it("parameterized nodes feed downstream nodes like any other", async () => {
    const flow = {
      power: parameterize({ square: { n: value(2) }, cube: { n: value(3) } })((x: number, n: number) => x ** n),
      total: (square: number, cube: number) => square + cube,
    };
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute(["total"], { inputs: { x: 2 } })).toEqual({ total: 12 });
  });
});

describe("parameterize rejects bad input at build time", () => {
  it("a parameter the function does not have, naming the function and its parameters", async () => {
    const flow = {
      scaled: parameterize({ small: { factr: value(2) } })((base: number, factor: number) => base * factor),
    };
    const error = await caught(() => new Builder().withModules(flow).build());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('parameterize on function "scaled"');
    expect(error.message).toContain('binds parameter "factr"');
    expect(error.message).toContain("(base, factor)");
  });

  it("a source that names no node, with a suggestion", async () => {
    const flow = {
      revenue: () => 5,
      doubled: parameterize({ doubledRevenue: { x: source("revenu") } })((x: number) => x * 2),
    };
    const error = await caught(() => new Builder().withModules(flow).build());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('source("revenu")');
    expect(error.message).toContain('parameterize on function "doubled"');
    expect(error.message).toContain('did you mean "revenue"');
  });

  it("a binding that is neither value() nor source()", () => {
    expect(() => parameterize({ a: { x: 1 as never } })).toThrow(/wrap it as value\(…\)/);
    expect(() => parameterize({ a: { x: "other" as never } })).toThrow(
      /value\("other"\) for a literal or source\("node"\)/,
    );
  });

  it("an empty or malformed parameterization", () => {
    expect(() => parameterize({})).toThrow(ConfigurationError);
    expect(() => parameterize({ a: [] as never })).toThrow(/node "a" needs an object/);
    expect(() => source("")).toThrow(/source\(name\) needs the name of a node/);
  });

  it("parameterize applied twice", () => {
    const once = parameterize({ a: { x: value(1) } })((x: number) => x);
    const error = (() => {
      try {
        parameterize({ b: { x: value(2) } })(once);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HamError);
    expect(error?.message).toContain("parameterize was applied twice");
  });

  it("two parameterizations with one name as another node: DuplicateNodeError naming both functions", async () => {
    const flow = {
      small: () => 1,
      scaled: parameterize({ small: { factor: value(2) } })((factor: number) => factor),
    };
    const error = await caught(() => new Builder().withModules(flow).build());
    expect(error.name).toBe("DuplicateNodeError");
    expect(error.message).toContain('function "small"');
    expect(error.message).toContain('function "scaled" (parameterize)');
  });
});
