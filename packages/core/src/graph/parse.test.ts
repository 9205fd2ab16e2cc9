// Parameter discovery from function source: every function form, defaults, destructuring, and what is refused.
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../errors.js";
import { normalizeSource, parseParams } from "./parse.js";

const depsOf = (fn: (...args: never[]) => unknown) => parseParams(fn, "f").deps;

describe("parseParams", () => {
  it.each([
    ["arrow", (A: number, B: number) => A + B],
    ["arrow without parentheses", ((A: number) => A) as (A: number, B?: number) => number],
    ["async arrow", async (A: number, B: number) => A + B],
    [
      "function",
      function (A: number, B: number) {
        return A + B;
      },
    ],
    [
      "named async function",
      async function named(A: number, B: number) {
        return A + B;
      },
    ],
    [
      "method shorthand",
      {
        m(A: number, B: number) {
          return A + B;
        },
      }.m,
    ],
    [
      "async method shorthand",
      {
        async m(A: number, B: number) {
          return A + B;
        },
      }.m,
    ],
    [
      "generator method",
      {
        *m(A: number, B: number) {
          yield A + B;
        },
      }.m,
    ],
    [
      "string-named method",
      {
        "my-node"(A: number, B: number) {
          return A + B;
        },
      }["my-node"],
    ],
    [
      "static class method",
      class {
        static s(A: number, B: number) {
          return A + B;
        }
      }.s,
    ],
  ])("reads dependencies from a %s", (label, fn) => {
    const expected = label === "arrow without parentheses" ? ["A"] : ["A", "B"];
    expect(depsOf(fn as never)).toEqual(expected);
    expect(parseParams(fn as never, "f").style).toBe("positional");
  });

  it("parameters with defaults are optional, and literal defaults are kept as values", () => {
    const parsed = parseParams((A: number, D = true, n = -2, s = "(", list = [1, { a: null }], big = 10n) => A, "f");
    expect(parsed.deps).toEqual(["A", "D", "n", "s", "list", "big"]);
    expect([...parsed.optional]).toEqual(["D", "n", "s", "list", "big"]);
    expect(parsed.defaults.get("D")).toEqual({ literal: true, value: true });
    expect(parsed.defaults.get("n")).toEqual({ literal: true, value: -2 });
    expect(parsed.defaults.get("s")).toEqual({ literal: true, value: "(" });
    expect(parsed.defaults.get("list")).toEqual({ literal: true, value: [1, { a: null }] });
    expect(parsed.defaults.get("big")).toEqual({ literal: true, value: 10n });
  });

  it("a default that is an expression is kept as its source text", () => {
    const parsed = parseParams((A: number, cb = (x: number) => x * 2, now = Date.now()) => cb(A) + now, "f");
    expect(parsed.defaults.get("cb")).toMatchObject({ literal: false });
    expect((parsed.defaults.get("now") as { text: string }).text).toContain("Date.now()");
  });

  it("comments inside the parameter list do not confuse it", () => {
    // eslint-disable-next-line
    const fn = function (A /* a ) comment */: number, B /* ( */: number) {
      return A + B;
    };
    expect(depsOf(fn)).toEqual(["A", "B"]);
  });

  it("a single destructured object parameter gives its keys, object call style, and defaults", () => {
    const parsed = parseParams(
      ({ A, B = 1, c: renamed }: { A: number; B?: number; c: number }) => A + B + renamed,
      "f",
    );
    expect(parsed.deps).toEqual(["A", "B", "c"]);
    expect(parsed.style).toBe("object");
    expect([...parsed.optional]).toEqual(["B"]);
    expect(parsed.defaults.get("B")).toEqual({ literal: true, value: 1 });
  });

  it("a destructured object parameter with a whole-object default reads like one without", () => {
    const parsed = parseParams(({ A, B = 1 }: { A?: number; B?: number } = {}) => (A ?? 0) + B, "f");
    expect(parsed.deps).toEqual(["A", "B"]);
    expect(parsed.style).toBe("object");
    expect([...parsed.optional]).toEqual(["B"]);
  });

  it("no parameters means no dependencies", () => {
    expect(depsOf(() => 1)).toEqual([]);
  });

  it.each([
    ["a rest parameter", (...args: number[]) => args.length, /rest/],
    ["array destructuring", ([a]: number[]) => a, /destructured/],
    ["a rest element in an object pattern", ({ ...rest }: Record<string, number>) => rest, /rest element/],
    ["two object patterns", ({ a }: { a: number }, { b }: { b: number }) => a + b, /destructured/],
    ["a bound function", ((A: number) => A).bind(null), /bound/],
    ["a native function", Math.max, /native/],
  ])("refuses %s with a ConfigurationError that points to node({ deps })", (_, fn, message) => {
    const call = () => parseParams(fn as never, "myNode");
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(message);
    expect(call).toThrow(/"myNode".*node\(\{ deps/);
  });
});

describe("normalizeSource", () => {
  it("ignores whitespace and comments", () => {
    expect(normalizeSource("(a, b) => {\n  // add\n  return a+b; /* done */\n}")).toBe(
      normalizeSource("(a,b)=>{return a + b;}"),
    );
  });

  it("ignores formatting of method shorthand too", () => {
    expect(normalizeSource("async m(A) {\n  return A+1\n}")).toBe(normalizeSource("async m( A ){ return A + 1 }"));
  });

  it("changes when a token changes, including inside strings and templates", () => {
    expect(normalizeSource("(a) => a + 1")).not.toBe(normalizeSource("(a) => a + 2"));
    expect(normalizeSource('(a) => "x y"')).not.toBe(normalizeSource('(a) => "x  y"'));
    expect(normalizeSource("(a) => `x ${a} y`")).not.toBe(normalizeSource("(a) => `x  ${a} y`"));
  });
});
