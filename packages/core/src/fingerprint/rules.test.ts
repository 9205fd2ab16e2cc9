// The default fingerprinter's rules, one by one (docs/fingerprint-spec.md).
import { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { isUniqueFingerprint } from "../caching/unique.js";
import { FINGERPRINT_METHOD, fingerprintValue, hashingReady } from "./index.js";

const fp = (value: unknown): string => fingerprintValue(value, { warn: () => {} });

beforeAll(async () => {
  await hashingReady();
});

describe("default fingerprint: primitives", () => {
  it("is 22 url-safe base64 characters and deterministic", () => {
    expect(fp({ a: [1, "x"] })).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fp({ a: [1, "x"] })).toBe(fp({ a: [1, "x"] }));
  });

  it("keeps 1, '1', 1n, true, null and undefined apart", () => {
    const all = [1, "1", 1n, true, null, undefined, 0, "", false, 0n].map(fp);
    expect(new Set(all).size).toBe(all.length);
  });

  it("treats -0 and 0 as different values (Object.is semantics) and all NaNs as one", () => {
    expect(fp(-0)).not.toBe(fp(0));
    const payloadNaN = new DataView(new Uint8Array([0x7f, 0xf8, 0, 0, 0, 0, 0x12, 0x34]).buffer).getFloat64(0);
    expect(fp(NaN)).toBe(fp(0 / 0));
    expect(fp(NaN)).toBe(fp(payloadNaN));
    expect(fp([NaN])).toBe(fp([payloadNaN]));
  });

  it("does not distinguish 1 from 1.0 (one number type in JavaScript)", () => {
    expect(fp(1)).toBe(fp(1.0));
    expect(fp(1)).not.toBe(fp(1.0000000000000002));
  });

  it("tells lone surrogates apart (they have no UTF-8 form)", () => {
    expect(fp("\ud800")).not.toBe(fp("\udc00"));
    expect(fp("\ud800")).not.toBe(fp("\ufffd"));
    expect(fp("😀")).toBe(fp("\ud83d\ude00"));
  });

  it("hashes long and non-ASCII strings by content", () => {
    const long = "é".repeat(5000);
    expect(fp(long)).toBe(fp(["é"].join("").repeat(5000)));
    expect(fp(long)).not.toBe(fp(`${long}x`));
  });

  it("fingerprints registered symbols by key", () => {
    expect(fp(Symbol.for("a"))).toBe(fp(Symbol.for("a")));
    expect(fp(Symbol.for("a"))).not.toBe(fp("a"));
  });
});

describe("default fingerprint: containers", () => {
  it("keeps a list and an object with index keys apart", () => {
    expect(fp([1, 2])).not.toBe(fp({ 0: 1, 1: 2 }));
  });

  it("orders arrays", () => {
    expect(fp([1, 2])).not.toBe(fp([2, 1]));
  });

  it("keeps object key order (JavaScript observes it), also nested", () => {
    expect(fp({ a: 1, b: { c: 2, d: 3 } })).not.toBe(fp({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fp({ a: 1, b: { c: 2, d: 3 } })).not.toBe(fp({ a: 1, b: { d: 3, c: 2 } }));
    expect(fp({ a: 1, b: { c: 2, d: 3 } })).toBe(fp({ a: 1, b: { c: 2, d: 3 } }));
  });

  it("tells an undefined-valued key from a missing key", () => {
    expect(fp({ a: undefined })).not.toBe(fp({}));
    expect(fp({ a: 1, b: undefined })).not.toBe(fp({ a: 1 }));
  });

  it("tells a hole from undefined in arrays", () => {
    const sparse: unknown[] = [];
    sparse[1] = 1;
    expect(fp(sparse)).not.toBe(fp([undefined, 1]));
  });

  it("keeps Map and Set insertion order (iteration order is observable)", () => {
    expect(
      fp(
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
      ),
    ).not.toBe(
      fp(
        new Map([
          ["b", 2],
          ["a", 1],
        ]),
      ),
    );
    expect(fp(new Set([1, "x", { y: 2 }]))).not.toBe(fp(new Set([{ y: 2 }, "x", 1])));
    expect(
      fp(
        new Map([
          [{ k: 2 }, "b"],
          [{ k: 1 }, "a"],
        ]),
      ),
    ).not.toBe(
      fp(
        new Map([
          [{ k: 1 }, "a"],
          [{ k: 2 }, "b"],
        ]),
      ),
    );
    expect(
      fp(
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
      ),
    ).toBe(
      fp(
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
      ),
    );
  });

  it("keeps Map, object, Set and array with the same content apart", () => {
    const all = [new Map([["a", 1]]), { a: 1 }, new Set(["a", 1]), ["a", 1]].map(fp);
    expect(new Set(all).size).toBe(all.length);
  });

  it("tells Maps with equal-looking keys apart by the order of their values", () => {
    const a = new Map<unknown, unknown>([
      [{}, 1],
      [{}, 2],
    ]);
    const b = new Map<unknown, unknown>([
      [{}, 2],
      [{}, 1],
    ]);
    expect(fp(a)).not.toBe(fp(b));
  });

  it("distinguishes Sets of different sizes with repeated-looking content", () => {
    expect(fp(new Set([{ a: 1 }, { a: 1 }]))).not.toBe(fp(new Set([{ a: 1 }])));
  });

  it("tells a shared reference from two equal copies (the codec keeps sharing)", () => {
    const shared = [1, 2];
    const other = [1, 2];
    expect(fp({ x: shared, y: shared })).not.toBe(fp({ x: [1, 2], y: [1, 2] }));
    expect(fp({ x: shared, y: shared })).toBe(fp({ x: other, y: other }));
  });
});

describe("default fingerprint: cycles and depth", () => {
  it("handles an object that contains itself, deterministically", () => {
    const make = (): unknown => {
      const node: Record<string, unknown> = { name: "a" };
      node["self"] = node;
      return node;
    };
    expect(fp(make())).toBe(fp(make()));
    expect(fp(make())).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("tells cycles of different shape apart", () => {
    const a: Record<string, unknown> = { id: 1 };
    a["next"] = a;
    const b: Record<string, unknown> = { id: 1 };
    const c: Record<string, unknown> = { id: 1, next: b };
    b["next"] = c;
    expect(fp(a)).not.toBe(fp(b));
  });

  it("encodes a cycle relative to where it closes, so a subtree hashes alike anywhere", () => {
    const make = (): unknown[] => {
      const list: unknown[] = [1];
      list.push(list);
      return list;
    };
    expect(fp({ deep: { x: make() } })).toBe(fp({ deep: { x: make() } }));
    expect(fp([make()])).toBe(fp([make()]));
  });

  it("handles cycles through Maps and Sets", () => {
    const make = (): unknown => {
      const map = new Map<string, unknown>();
      map.set("me", map);
      map.set("set", new Set([map]));
      return map;
    };
    expect(fp(make())).toBe(fp(make()));
  });

  it("fingerprints nesting up to maxDepth and gives a unique fingerprint beyond it", () => {
    const nest = (levels: number): unknown => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(fp(nest(64))).toBe(fp(nest(64)));
    expect(fp(nest(65))).not.toBe(fp(nest(65)));
    const shallow = (value: unknown): string => fingerprintValue(value, { maxDepth: 3, warn: () => {} });
    expect(shallow({ a: { b: { c: 1 } } })).toBe(shallow({ a: { b: { c: 1 } } }));
    expect(shallow({ a: { b: { c: {} } } })).not.toBe(shallow({ a: { b: { c: {} } } }));
  });
});

describe("default fingerprint: dates, regexps, boxed values, errors, classes", () => {
  it("fingerprints Dates by time; every invalid Date is the same", () => {
    expect(fp(new Date(5))).toBe(fp(new Date(5)));
    expect(fp(new Date(5))).not.toBe(fp(new Date(6)));
    expect(fp(new Date(5))).not.toBe(fp(5));
    expect(fp(new Date(NaN))).toBe(fp(new Date("nope")));
  });

  it("fingerprints RegExps by source, flags and lastIndex (where the next exec starts)", () => {
    const moved = /a/g;
    moved.lastIndex = 3;
    expect(fp(moved)).not.toBe(fp(/a/g));
    expect(fp(/a/g)).toBe(fp(new RegExp("a", "g")));
    expect(fp(/a/g)).not.toBe(fp(/a/i));
    expect(fp(/a/g)).not.toBe(fp("/a/g"));
  });

  it("keeps boxed primitives apart from primitives", () => {
    expect(fp(new Number(1))).not.toBe(fp(1));
    expect(fp(new String("1"))).not.toBe(fp("1"));
    expect(fp(new Number(1))).toBe(fp(new Number(1)));
  });

  it("fingerprints errors by class, message, cause and own fields, not by stack", () => {
    const a = new RangeError("x");
    const b = new RangeError("x");
    expect(a.stack).not.toBe(b.stack);
    expect(fp(a)).toBe(fp(b));
    expect(fp(new RangeError("x"))).not.toBe(fp(new TypeError("x")));
    expect(fp(new Error("x", { cause: 1 }))).not.toBe(fp(new Error("x", { cause: 2 })));
    expect(fp(Object.assign(new Error("x"), { code: "A" }))).not.toBe(fp(Object.assign(new Error("x"), { code: "B" })));
  });

  it("fingerprints class instances through their FINGERPRINT_METHOD, by class name and what it returns", () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      [FINGERPRINT_METHOD](): unknown {
        return [this.x, this.y];
      }
    }
    class Vector {
      constructor(
        public x: number,
        public y: number,
      ) {}
      [FINGERPRINT_METHOD](): unknown {
        return [this.x, this.y];
      }
    }
    expect(fp(new Point(1, 2))).toBe(fp(new Point(1, 2)));
    expect(fp(new Point(1, 2))).not.toBe(fp(new Point(2, 1)));
    expect(fp(new Point(1, 2))).not.toBe(fp(new Vector(1, 2)));
    expect(fp(new Point(1, 2))).not.toBe(fp({ x: 1, y: 2 }));
    expect(fp({ p: new Point(1, 2) })).toBe(fp({ p: new Point(1, 2) }));
  });

  it("fingerprints URLs by href", () => {
    expect(fp(new URL("https://a.example/x"))).toBe(fp(new URL("https://a.example/x")));
    expect(fp(new URL("https://a.example/x"))).not.toBe(fp(new URL("https://a.example/y")));
  });
});

describe("default fingerprint: bytes", () => {
  it("refuses a view of part of a larger ArrayBuffer (its .buffer shows the rest), naming it", () => {
    const data = Float64Array.from([1.5, 2.5, -3]);
    const backing = new Float64Array(10).fill(9);
    backing.set(data, 4);
    const warnings: string[] = [];
    const log = { warn: (message: string) => void warnings.push(message) };
    for (const view of [
      backing.subarray(4, 7),
      new DataView(new Uint8Array([9, 1, 2, 3, 9]).buffer, 1, 3),
      new Float64Array(backing.buffer, 0, 3),
    ]) {
      const first = fingerprintValue({ view }, log);
      expect(isUniqueFingerprint(first)).toBe(true);
      expect(fingerprintValue({ view }, log)).not.toBe(first);
    }
    expect(warnings[0]).toMatch(
      /Float64Array viewing bytes 32–56 of a 80-byte ArrayBuffer \(pass a copy, x\.slice\(\), to fingerprint its bytes\) at \$\.view/,
    );
    expect(warnings.join("\n")).toMatch(/DataView viewing bytes 1–4 of a 5-byte ArrayBuffer/);
    expect(fp(backing.subarray(4, 7).slice())).toBe(fp(data));
  });

  it("hashes a Buffer by its bytes, wherever it sits in its ArrayBuffer (Node's pool)", () => {
    const pooled = Buffer.from("hello");
    expect(pooled.byteOffset !== 0 || pooled.buffer.byteLength !== 5).toBe(true);
    const backing = new Uint8Array([9, 104, 101, 108, 108, 111, 9]);
    expect(fp(Buffer.from(backing.buffer, 1, 5))).toBe(fp(pooled));
    expect(fp(Buffer.from(new Uint8Array([104, 101, 108, 108, 111]).buffer))).toBe(fp(pooled));
  });

  it("lets the element type matter for the same bytes", () => {
    const bytes = new Uint8Array(16).fill(1);
    const all = [
      bytes,
      new Float64Array(bytes.buffer),
      new Int32Array(bytes.buffer),
      new DataView(bytes.buffer),
      bytes.buffer,
      Buffer.from(bytes.buffer),
    ].map(fp);
    expect(new Set(all).size).toBe(all.length);
  });

  it("keeps a Buffer apart from a Uint8Array with the same bytes (the class is part of the value)", () => {
    expect(fp(Buffer.from([1, 2, 3]))).not.toBe(fp(new Uint8Array([1, 2, 3])));
    expect(fp(Buffer.from([1, 2, 3]))).toBe(fp(Buffer.from(new Uint8Array([0, 1, 2, 3]).buffer, 1, 3)));
  });

  it("changes when one byte changes and when the length changes", () => {
    const a = new Uint8Array(1000);
    const b = new Uint8Array(1000);
    b[999] = 1;
    expect(fp(a)).not.toBe(fp(b));
    expect(fp(new Uint8Array(0))).not.toBe(fp(new Uint8Array(1)));
  });

  it("hashes typed arrays by bytes, so -0 and 0 inside a Float64Array differ too", () => {
    expect(fp(new Float64Array([-0]))).not.toBe(fp(new Float64Array([0])));
  });

  it("fingerprints a large typed array and a JS array of numbers without trouble (throughput sanity)", () => {
    const big = new Float64Array(4 * 1024 * 1024).map((_, i) => i);
    const started = performance.now();
    const first = fp(big);
    const bulkMs = performance.now() - started;
    big[big.length - 1] = -1;
    expect(fp(big)).not.toBe(first);
    const numbers = Array.from({ length: 200_000 }, (_, i) => i / 3);
    const arrayStarted = performance.now();
    expect(fp(numbers)).toBe(fp(numbers.slice()));
    const arrayMs = (performance.now() - arrayStarted) / 2;
    console.info(`32 MiB Float64Array: ${bulkMs.toFixed(1)} ms; 2e5 numbers in an array: ${arrayMs.toFixed(1)} ms`);
  });
});

describe("default fingerprint: values it cannot fingerprint", () => {
  const opaque: [string, () => unknown][] = [
    ["a function", () => () => 1],
    ["a local symbol", () => Symbol("x")],
    ["a WeakMap", () => new WeakMap()],
    ["a WeakSet", () => new WeakSet()],
    ["a Promise", () => Promise.resolve(1)],
    ["a stream", () => Readable.from([])],
    ["an EventEmitter", () => new EventEmitter()],
    ["a generator", () => (function* gen() {})()],
    ["an iterator", () => [1].values()],
    ["a WeakRef", () => new WeakRef({})],
  ];
  for (const [label, make] of opaque) {
    it(`gives ${label} a fresh fingerprint every time, also when nested`, () => {
      expect(fp(make())).not.toBe(fp(make()));
      const value = make();
      expect(fp({ nested: [value] })).not.toBe(fp({ nested: [value] }));
    });
  }
});
