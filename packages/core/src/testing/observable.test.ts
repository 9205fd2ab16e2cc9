// The strict comparator itself: pairs JavaScript can tell apart must differ, with a path; equal ones must not.
import { describe, expect, it } from "vitest";
import { firstDifference, observablyEqual } from "./observable.js";

const shared = { s: 1 };
const cyclic = (): object => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};
const sym = Symbol("k");

describe("firstDifference finds what JavaScript can observe", () => {
  const differ: [string, unknown, unknown, RegExp][] = [
    ["key order", { x: 1, y: 2 }, { y: 2, x: 1 }, /own keys differ/],
    ["-0 and 0", -0, 0, /-0 vs 0/],
    ["NaN and 0", Number.NaN, 0, /NaN vs 0/],
    ["null prototype", Object.create(null) as object, {}, /prototype differs/],
    [
      "a hidden property",
      Object.defineProperty({}, "h", { value: 1 }),
      Object.defineProperty({}, "h", { value: 1, enumerable: true }),
      /attributes of \.h/,
    ],
    ["a symbol-keyed property", { [sym]: 1 }, {}, /own keys differ/],
    [
      "a getter and a value",
      {
        get g() {
          return 1;
        },
      },
      { g: 1 },
      /attributes of \.g differ \(accessor/,
    ],
    ["array extra property", Object.assign([1, 2], { unit: "kg" }), [1, 2], /own keys differ/],
    ["a hole and undefined", [1, , 3], [1, undefined, 3], /own keys differ/],
    [
      "Map order",
      new Map([
        [1, "a"],
        [2, "b"],
      ]),
      new Map([
        [2, "b"],
        [1, "a"],
      ]),
      /<key 0>: 1 vs 2/,
    ],
    ["Set order", new Set([1, 2]), new Set([2, 1]), /<item 0>/],
    ["sharing", { a: shared, b: shared }, { a: { s: 1 }, b: { s: 1 } }, /sharing differs/],
    ["a cycle and a copy", cyclic(), { a: 1, self: { a: 1, self: {} } }, /\$\.self/],
    ["typed array class", new Float64Array(2), new Float32Array(4), /prototype differs/],
    ["typed array bytes", new Uint8Array([1, 2]), new Uint8Array([1, 3]), /byte 1 is 2 vs 3/],
    ["a view at an offset", new Float64Array(4).subarray(1, 3), new Float64Array(2), /byteOffset 8 vs 0/],
    [
      "a view of a larger buffer",
      new Float64Array(new ArrayBuffer(32), 0, 2),
      new Float64Array(2),
      /\.buffer: 32 bytes vs 16/,
    ],
    ["DataView bytes", new DataView(Uint8Array.of(1).buffer), new DataView(Uint8Array.of(2).buffer), /byte 0/],
    ["Buffer bytes", Buffer.from("ab"), Buffer.from("ac"), /byte 1/],
    ["Date time", new Date(0), new Date(1), /time 0 vs 1/],
    ["Date extra prop", Object.assign(new Date(0), { tz: "UTC" }), new Date(0), /own keys differ/],
    ["RegExp flags", /a/g, /a/i, /RegExp/],
    ["RegExp lastIndex", Object.assign(/a/g, { lastIndex: 2 }), /a/g, /\.lastIndex: 2 vs 0/],
    ["Error code", Object.assign(new Error("x"), { code: "ENOENT" }), new Error("x"), /own keys differ/],
    ["Error class", new TypeError("x"), new Error("x"), /prototype differs/],
    ["boxed values", new Number(1), new Number(2), /boxed 1 vs 2/],
    ["boxed and primitive", new String("a"), "a", /vs "a"/],
    ["frozen", Object.freeze({ a: 1 }), { a: 1 }, /extensibility differs/],
    ["bigint", 1n, 2n, /1n vs 2n/],
  ];
  it.each(differ)("%s differ", (_, a, b, message) => {
    const difference = firstDifference(a, b);
    expect(difference).toMatch(message);
    expect(firstDifference(b, a)).toBeDefined();
  });

  it("equal values of every shape are equal, including sharing and cycles", () => {
    const make = (): unknown => {
      const s = { s: [1] };
      const e = Object.assign(new RangeError("r", { cause: s }), { code: 7 });
      return {
        a: s,
        b: s,
        c: cyclic(),
        m: new Map<unknown, unknown>([[s, e]]),
        t: new Float64Array([1, -0]),
        n: Number.NaN,
        z: -0,
        d: new Date(5),
        h: [1, , 2],
      };
    };
    expect(firstDifference(make(), make())).toMatch(/\.stack|^\$\.m<value 0>/); // two Errors made on different lines
    const one = make();
    expect(observablyEqual(one, one)).toBe(true);
    expect(observablyEqual(Buffer.from("hello world"), Buffer.from(Uint8Array.from(Buffer.from("hello world"))))).toBe(
      true,
    );
  });
});
