// Values JavaScript can tell apart never share a fingerprint (issue 16 cases 4, 5, 10, 12): key,
// Map and Set order, arrays' extra properties, shared vs copied sub-objects, class instances whose
// state ham cannot see, prototypes, and hidden properties.
import { beforeAll, describe, expect, it } from "vitest";
import type { Fingerprinter } from "../contracts.js";
import { isUniqueFingerprint } from "../caching/unique.js";
import {
  FINGERPRINT_METHOD,
  FingerprinterRegistry,
  defaultFingerprinter,
  fingerprintValue,
  hashingReady,
} from "./index.js";

beforeAll(async () => {
  await hashingReady();
});

/** Fingerprint plus the warnings it produced. */
function fingerprintWithWarnings(value: unknown): { fp: string; warnings: string[] } {
  const warnings: string[] = [];
  return { fp: fingerprintValue(value, { warn: (m) => warnings.push(m) }), warnings };
}
const fp = (value: unknown): string => fingerprintWithWarnings(value).fp;

describe("case 4: insertion order is part of the value", () => {
  it("Object.fromEntries with columns x,y then y,x gives different fingerprints", () => {
    const row = (cols: string[]) => Object.fromEntries(cols.map((c) => [c, 0]));
    expect(Object.keys(row(["x", "y"])).join()).not.toBe(Object.keys(row(["y", "x"])).join());
    expect(fp(row(["x", "y"]))).not.toBe(fp(row(["y", "x"])));
    expect(fp(row(["x", "y"]))).toBe(fp({ x: 0, y: 0 }));
  });

  it("integer-like keys are enumerated in ascending order by JavaScript itself, so their creation order does not matter", () => {
    const a = { 10: "a", 2: "b" };
    const b = { 2: "b", 10: "a" };
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(fp(a)).toBe(fp(b));
    expect(fp({ 2: "b", z: 1 })).not.toBe(fp({ z: 1, 2: "c" }));
  });

  it("Map entries and Set members in another order differ", () => {
    expect(
      fp(
        new Map([
          ["x", 0],
          ["y", 0],
        ]),
      ),
    ).not.toBe(
      fp(
        new Map([
          ["y", 0],
          ["x", 0],
        ]),
      ),
    );
    expect(fp(new Set(["x", "y"]))).not.toBe(fp(new Set(["y", "x"])));
    expect(fp({ s: new Set([1, 2]) })).toBe(fp({ s: new Set([1, 2]) }));
  });
});

describe("case 5: arrays' own properties beyond the items", () => {
  it("an extra property of an array is part of its fingerprint", () => {
    const kg = Object.assign([1, 2], { unit: "kg" });
    const g = Object.assign([1, 2], { unit: "g" });
    expect(fp(kg)).not.toBe(fp(g));
    expect(fp(kg)).not.toBe(fp([1, 2]));
    expect(fp(kg)).toBe(fp(Object.assign([1, 2], { unit: "kg" })));
  });

  it("also on large arrays (checked without listing every index)", () => {
    const big = (): number[] => Array.from({ length: 5000 }, (_, i) => i);
    expect(fp(Object.assign(big(), { unit: "kg" }))).not.toBe(fp(Object.assign(big(), { unit: "g" })));
    expect(fp(Object.assign(big(), { unit: "kg" }))).not.toBe(fp(big()));
    expect(fp(big())).toBe(fp(big()));
  });

  it("keeps holes apart from undefined, also in large arrays", () => {
    const holey = new Array<unknown>(3);
    holey[1] = 1;
    expect(fp(holey)).not.toBe(fp([undefined, 1, undefined]));
    const bigHoley = new Array<unknown>(1000);
    bigHoley[999] = 1;
    const bigDense = Array.from<unknown>({ length: 1000 });
    bigDense[999] = 1;
    expect(fp(bigHoley)).not.toBe(fp(bigDense));
  });

  it("an array with extras and holes is not mistaken for one without (counts alone could match)", () => {
    const holey: unknown[] = [];
    holey[1] = 1;
    const withExtra = Object.assign([] as unknown[], { u: 1 });
    withExtra[1] = 1;
    expect(fp(withExtra)).not.toBe(fp(holey));
  });
});

describe("case 10: shared sub-objects", () => {
  /** `o = {a: x, b: x}` nested `levels` deep: 2^levels paths, `levels` + 1 distinct objects. */
  const diamond = (levels: number): unknown => {
    let o: unknown = { leaf: 1 };
    for (let i = 0; i < levels; i++) {
      const x = o;
      o = { a: x, b: x };
    }
    return o;
  };

  it("fingerprints a 40-level diamond of shared references in linear time", () => {
    const started = performance.now();
    const first = fp(diamond(40));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(isUniqueFingerprint(first)).toBe(false);
    expect(fp(diamond(40))).toBe(first);
    expect(fp(diamond(39))).not.toBe(first);
  });

  it("tells a shared structure from the same structure with copies", () => {
    const x = { v: [1, 2] };
    const shared = { a: x, b: x };
    const copied = { a: { v: [1, 2] }, b: { v: [1, 2] } };
    expect(fp(shared)).not.toBe(fp(copied));
    // Sharing in the same places gives the same fingerprint.
    const y = { v: [1, 2] };
    expect(fp(shared)).toBe(fp({ a: y, b: y }));
    // Sharing between other places differs.
    const z = [1, 2];
    expect(fp({ a: { v: z }, b: { v: z } })).not.toBe(fp(shared));
    expect(fp({ a: { v: z }, b: { v: z } })).not.toBe(fp(copied));
  });

  it("tells shared from copied for every kind of object the codec keeps by identity", () => {
    const kinds: (() => object)[] = [
      () => new Date(0),
      () => new Map([["k", 1]]),
      () => new Set([1]),
      () => new Float64Array([1]),
      () => Buffer.from([1]),
      () => /re/g,
      () => new Error("e"),
      () => Object.create(null) as object,
    ];
    for (const [i, make] of kinds.entries()) {
      const one = make();
      expect(fp([one, one]), `kind ${i}`).not.toBe(fp([make(), make()]));
    }
  });

  it("still handles cycles deterministically, and cycles of another shape differ", () => {
    const ring = (n: number): unknown => {
      const first: Record<string, unknown> = { id: 0 };
      let last = first;
      for (let i = 1; i < n; i++) {
        const next = { id: 0 } as Record<string, unknown>;
        last["next"] = next;
        last = next;
      }
      last["next"] = first;
      return first;
    };
    expect(fp(ring(3))).toBe(fp(ring(3)));
    expect(fp(ring(3))).not.toBe(fp(ring(2)));
    const map = new Map<string, unknown>();
    map.set("self", map);
    const other = new Map<string, unknown>();
    other.set("self", new Map([["self", other]]));
    expect(fp(map)).not.toBe(fp(other));
  });

  it("a nested ctx.fingerprint numbers its own objects, so it does not depend on what came before", () => {
    const seen: string[] = [];
    class Box {
      constructor(readonly content: unknown) {}
    }
    const box: Fingerprinter = {
      name: "box",
      accepts: (v) => v instanceof Box,
      fingerprint: (v, ctx) => {
        const inner = ctx.fingerprint((v as Box).content);
        seen.push(inner);
        return inner;
      },
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [box] });
    const content = { k: [1] };
    registry.fingerprint({ before: content, box: new Box(content) });
    registry.fingerprint(new Box({ k: [1] }));
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toBe(fingerprintValue({ k: [1] }));
  });
});

describe("case 12: instances of user classes", () => {
  class Account {
    #balance: number;
    constructor(
      readonly id: string,
      balance: number,
    ) {
      this.#balance = balance;
    }
    get balance(): number {
      return this.#balance;
    }
  }

  it("an instance whose state ham cannot see gets a unique fingerprint and one warning naming the class", () => {
    const warnings: string[] = [];
    const registry = new FingerprinterRegistry({ warn: (m) => warnings.push(m) });
    const a = registry.fingerprint(new Account("x", 1), { node: "acct" });
    const b = registry.fingerprint(new Account("x", 2), { node: "acct" });
    const again = registry.fingerprint(new Account("x", 1), { node: "acct" });
    expect(isUniqueFingerprint(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(a).not.toBe(again);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('node "acct"');
    expect(warnings[0]).toContain("class Account");
    expect(warnings[0]).toContain('Symbol.for("ham.fingerprint")');
  });

  it("also when nested, and for closure-held state", () => {
    const counter = (start: number) => {
      let n = start;
      return new (class Counter {
        next(): number {
          return n++;
        }
      })();
    };
    expect(isUniqueFingerprint(fp({ rows: [counter(1)] }))).toBe(true);
    expect(fp({ rows: [counter(1)] })).not.toBe(fp({ rows: [counter(1)] }));
  });

  it("a class with a FINGERPRINT_METHOD is fingerprinted by what it returns", () => {
    class Money {
      #cents: number;
      constructor(cents: number) {
        this.#cents = cents;
      }
      [FINGERPRINT_METHOD](): unknown {
        return { cents: this.#cents };
      }
    }
    expect(FINGERPRINT_METHOD).toBe(Symbol.for("ham.fingerprint"));
    const { fp: one, warnings } = fingerprintWithWarnings(new Money(1));
    expect(warnings).toEqual([]);
    expect(isUniqueFingerprint(one)).toBe(false);
    expect(fp(new Money(1))).toBe(one);
    expect(fp(new Money(2))).not.toBe(one);
    expect(fp({ cents: 1 })).not.toBe(one);
    expect(fp([new Money(1), new Money(2)])).toBe(fp([new Money(1), new Money(2)]));
  });

  it("a FINGERPRINT_METHOD that returns the instance itself terminates", () => {
    class Self {
      [FINGERPRINT_METHOD](): unknown {
        return { me: this };
      }
    }
    expect(fp(new Self())).toBe(fp(new Self()));
  });

  it("a registered Fingerprinter takes precedence over both", () => {
    const accounts: Fingerprinter = {
      name: "account",
      accepts: (v) => v instanceof Account,
      fingerprint: (v) => `${(v as Account).id}:${(v as Account).balance}`,
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [accounts], warn: () => {} });
    expect(registry.fingerprint(new Account("x", 1))).toBe(registry.fingerprint(new Account("x", 1)));
    expect(registry.fingerprint(new Account("x", 1))).not.toBe(registry.fingerprint(new Account("x", 2)));
  });

  it("a custom fingerprinter can vouch for own fields by handing the instance to the default fingerprinter", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const byFields: Fingerprinter = {
      name: "point",
      accepts: (v) => v instanceof Point,
      fingerprint: (v, ctx) => defaultFingerprinter.fingerprint(v, ctx),
    };
    const registry = new FingerprinterRegistry({ fingerprinters: [byFields] });
    expect(registry.fingerprint(new Point(1, 2))).toBe(registry.fingerprint(new Point(1, 2)));
    expect(registry.fingerprint(new Point(1, 2))).not.toBe(registry.fingerprint(new Point(2, 1)));
    // Also with a context from elsewhere (e.g. the conformance suite's).
    const foreign = {
      node: undefined,
      mode: undefined,
      fingerprint: (v: unknown) => fingerprintValue(v),
      hashBytes: () => "",
      warn: () => {},
    };
    expect(defaultFingerprinter.fingerprint(new Point(1, 2), foreign)).toBe(
      defaultFingerprinter.fingerprint(new Point(1, 2), foreign),
    );
    expect(defaultFingerprinter.fingerprint(new Point(1, 2), foreign)).not.toBe(
      defaultFingerprinter.fingerprint(new Point(2, 1), foreign),
    );
  });

  it("subclasses of built-ins are user classes too (they may hold #private state)", () => {
    class Registry extends Map<string, number> {}
    class Stack extends Array<number> {}
    class Stamp extends Date {}
    class HttpError extends Error {}
    for (const make of [
      () => new Registry([["a", 1]]),
      () => Stack.from([1]),
      () => new Stamp(0),
      () => new HttpError("x"),
    ]) {
      expect(isUniqueFingerprint(fp(make()))).toBe(true);
    }
    // The built-ins themselves, and Node's Buffer, keep their rules.
    for (const make of [
      () => new Map([["a", 1]]),
      () => [1],
      () => new Date(0),
      () => new TypeError("x"),
      () => Buffer.from([1]),
    ]) {
      expect(fp(make())).toBe(fp(make()));
    }
  });
});

describe("other observable differences", () => {
  it("-0 differs from 0, every NaN is one value, also inside containers", () => {
    expect(fp({ v: -0 })).not.toBe(fp({ v: 0 }));
    expect(fp(new Map([["k", -0]]))).not.toBe(fp(new Map([["k", 0]])));
    expect(fp([NaN])).toBe(fp([Number("x")]));
  });

  it("a null-prototype object differs from a plain object with the same keys", () => {
    const bare = Object.assign(Object.create(null) as object, { x: 1 });
    expect(fp(bare)).not.toBe(fp({ x: 1 }));
    expect(fp(bare)).toBe(fp(Object.assign(Object.create(null) as object, { x: 1 })));
  });

  it("symbol-keyed and non-enumerable own properties make the value unfingerprintable, with a warning naming the key", () => {
    const cases: [unknown, string][] = [
      [{ a: 1, [Symbol.for("tag")]: 1 }, "symbol-keyed own property [Symbol(tag)]"],
      [
        Object.defineProperty({ a: 1 }, "hidden", { value: 2, enumerable: false }),
        'non-enumerable own property "hidden"',
      ],
      [Object.assign([1], { [Symbol.for("tag")]: 1 }), "an array with a symbol-keyed"],
      [
        Object.defineProperty(
          Array.from({ length: 500 }, () => 0),
          "meta",
          { value: 2, enumerable: false },
        ),
        'non-enumerable own property "meta"',
      ],
      [Object.assign(new Map([["a", 1]]), { meta: 1 }), 'a Map with an own property "meta"'],
      [Object.assign(new Set([1]), { [Symbol.for("tag")]: 1 }), "a Set with an own property [Symbol(tag)]"],
      [Object.assign(new Date(0), { tz: "UTC" }), 'a Date with an own property "tz"'],
      [Object.defineProperty([1, 2], "unit", { value: "kg" }), 'an array with a non-enumerable own property "unit"'],
      [
        Object.defineProperty(
          Array.from({ length: 40 }, () => 0),
          "unit",
          { value: "kg" },
        ),
        'an array with a non-enumerable own property "unit"',
      ],
      [Object.assign(new Number(1), { unit: "kg" }), 'a Number with an own property "unit"'],
      [Object.assign(new String("ab"), { unit: "kg" }), 'a String with an own property "unit"'],
      [Object.assign(Object(1n) as object, { [Symbol.for("tag")]: 1 }), "a BigInt with an own property [Symbol(tag)]"],
      [Object.assign(new Boolean(true), { unit: "kg" }), 'a Boolean with an own property "unit"'],
      [Object.assign(new ArrayBuffer(2), { unit: "kg" }), 'an ArrayBuffer with an own property "unit"'],
      [Object.assign(new DataView(new ArrayBuffer(2)), { unit: "kg" }), 'a DataView with an own property "unit"'],
      [new Float64Array(4).subarray(1, 3), "a Float64Array viewing bytes 8–24 of a 32-byte ArrayBuffer"],
      [new Uint8Array(new ArrayBuffer(8), 0, 4), "a Uint8Array viewing bytes 0–4 of a 8-byte ArrayBuffer"],
    ];
    for (const [value, expected] of cases) {
      const { fp: first, warnings } = fingerprintWithWarnings({ nested: value });
      expect(isUniqueFingerprint(first), expected).toBe(true);
      expect(warnings[0]).toContain(expected);
      expect(warnings[0]).toContain("$.nested");
    }
  });

  it("a boxed String, a Buffer in Node's pool and a small array without extras keep real fingerprints", () => {
    for (const value of [
      new String("ab"),
      Buffer.from("pooled"),
      [1, "a", [2]],
      Object.assign([1, 2], { unit: "kg" }),
    ]) {
      const { fp: first, warnings } = fingerprintWithWarnings(value);
      expect(isUniqueFingerprint(first)).toBe(false);
      expect(warnings).toEqual([]);
    }
  });

  it("frozen, sealed and non-extensible objects differ from extensible copies and from each other", () => {
    const kinds = (make: () => object): string[] => [
      fp(make()),
      fp(Object.preventExtensions(make())),
      fp(Object.seal(make())),
      fp(Object.freeze(make())),
    ];
    for (const make of [() => ({ a: 1 }), () => [1, 2], () => Object.assign(Object.create(null) as object, { a: 1 })]) {
      const all = kinds(make);
      expect(new Set(all).size, String(make)).toBe(4);
      expect(kinds(make), String(make)).toEqual(all);
    }
    // Without own properties, a non-extensible object is already sealed and frozen (JavaScript says so too).
    for (const make of [() => new Map([[1, 2]]), () => new Date(0), () => new Uint8Array(0), () => ({})]) {
      const [extensible, ...rest] = kinds(make);
      expect(new Set(rest).size, String(make)).toBe(1);
      expect(rest[0], String(make)).not.toBe(extensible);
      expect(Object.isFrozen(Object.preventExtensions(make()))).toBe(true);
    }
    // Nested, and also on an object met again (its level is written where it is first met).
    const shared = Object.freeze({ s: 1 });
    expect(fp({ x: shared, y: shared })).not.toBe(fp({ x: { s: 1 }, y: { s: 1 } }));
    expect(fp({ x: Object.freeze({ s: 1 }) })).not.toBe(fp({ x: { s: 1 } }));
  });
});
