// Golden vectors of ham's default fingerprinter, spec v3 (docs/fingerprint-spec.md): values built
// in code (most cannot be JSON) with the fingerprint every implementation must give them, values
// that must get a unique fingerprint every time, and a checker that also rebuilds each value in
// other constructions and at other buffer offsets (the same fingerprint for a Buffer, a unique one
// for any other view of part of a larger ArrayBuffer).
// Standalone on purpose (no @ham/core import), so @ham/core's own tests can run these vectors.

/** One golden vector: a value and the fingerprint spec v3 gives it. */
export interface FingerprintVector {
  /** What the vector covers, unique among the vectors. */
  readonly name: string;
  /** Builds a fresh copy of the value. */
  readonly make: () => unknown;
  /** Other constructions of an equal value (other objects, integer keys created in another order, …): same fingerprint. */
  readonly variants?: () => readonly unknown[];
  /** The expected fingerprint: 22 url-safe base64 characters. */
  readonly fingerprint: string;
}

/** A vector whose value (or one of its variants) got another fingerprint. */
export interface FingerprintVectorMismatch {
  readonly name: string;
  /** "value", "variant 0", "view at byte offset 8", … */
  readonly construction: string;
  readonly expected: string;
  readonly actual: string;
}

/** A value that must get a fresh, unique fingerprint every time it is fingerprinted. */
export interface UniqueFingerprintVector {
  readonly name: string;
  readonly make: () => unknown;
}

/** The fingerprint spec version these vectors belong to. */
export const FINGERPRINT_VECTORS_SPEC_VERSION = 3;

/** `Symbol.for("ham.fingerprint")`: the method a class defines to be fingerprinted (FINGERPRINT_METHOD in @ham/core). */
const FINGERPRINT_METHOD = Symbol.for("ham.fingerprint");

/** A class fingerprinted through its FINGERPRINT_METHOD: class name + what the method returns. */
class Money {
  readonly #cents: number;
  constructor(cents: number) {
    this.#cents = cents;
  }
  [FINGERPRINT_METHOD](): unknown {
    return { cents: this.#cents };
  }
}

/** A class without the method: its #private state is invisible, so every instance is unique. */
class Point {
  readonly #x: number;
  constructor(x: number) {
    this.#x = x;
  }
  get x(): number {
    return this.#x;
  }
}

/** An Array subclass: a user class (it could hold #private state), so unique too. */
class Stack extends Array<unknown> {}

/** `o = {a: x, b: x}` nested `levels` deep: one object per level, shared twice. */
function diamond(levels: number): unknown {
  let o: unknown = { leaf: 1 };
  for (let i = 0; i < levels; i++) {
    const x = o;
    o = { a: x, b: x };
  }
  return o;
}

/** A number whose NaN carries a payload (not the canonical quiet NaN). */
function nanWithPayload(): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, 0x7ff80000 | 0x1234);
  view.setUint32(4, 0xdeadbeef);
  return view.getFloat64(0);
}

/**
 * A copy of `view` placed `byteOffset` bytes into a larger buffer with other bytes around it.
 * For typed arrays `byteOffset` must be a multiple of the element size.
 */
export function viewAtOffset<T extends ArrayBufferView>(view: T, byteOffset: number): T {
  const backing = new ArrayBuffer(byteOffset + view.byteLength + 16);
  const bytes = new Uint8Array(backing);
  bytes.fill(0xa5);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), byteOffset);
  const proto = Object.getPrototypeOf(view) as object;
  if (typeof Buffer !== "undefined" && Buffer.isBuffer(view)) {
    return Buffer.from(backing, byteOffset, view.byteLength) as unknown as T;
  }
  if (view instanceof DataView) return new DataView(backing, byteOffset, view.byteLength) as unknown as T;
  const Ctor = (proto as { constructor: new (buffer: ArrayBuffer, offset: number, length: number) => T }).constructor;
  const elementSize = (view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return new Ctor(backing, byteOffset, view.byteLength / elementSize);
}

/** The golden vectors (value → fingerprint), spec v3. */
export const fingerprintVectors: readonly FingerprintVector[] = [
  // Primitives: type tags keep 1, "1", 1n, true, null and undefined apart.
  { name: "undefined", make: () => undefined, fingerprint: "7v1jsD_5NHw_-TR8P_k0fA" },
  { name: "null", make: () => null, fingerprint: "Dk-oPrP3N_iz9zf4s_c3-A" },
  { name: "true", make: () => true, fingerprint: "iVx29p4fjOmeH4zpnh-M6Q" },
  { name: "false", make: () => false, fingerprint: "UqVy3A0ehYENHoWBDR6FgQ" },
  { name: "number 0", make: () => 0, fingerprint: "4d2Al7K-J_Wyvif1sr4n9Q" },
  { name: "number -0 (differs from 0)", make: () => -0, fingerprint: "w58Lib-7S-eSAppdv7tL5w" },
  { name: "number 1", make: () => 1, variants: () => [1.0, 0.5 * 2], fingerprint: "MoQmObUd3j55mmFyh6arKQ" },
  { name: "number -1", make: () => -1, fingerprint: "ntx6ZykCHCucuWdlys0VIg" },
  { name: "number 1.5", make: () => 1.5, fingerprint: "TjHIq2LwboFOnItUM7nt5Q" },
  { name: "number 7 (seed A)", make: () => 7, fingerprint: "svEFHZ0aLpTdrxLY82TUhA" },
  {
    name: "NaN (canonical)",
    make: () => NaN,
    variants: () => [0 / 0, Number("x"), nanWithPayload()],
    fingerprint: "85NqlywRsfNcOhyJuNAOcg",
  },
  { name: "Infinity", make: () => Infinity, fingerprint: "BJ8LCBWRrR_LFumF0YVh6Q" },
  { name: "-Infinity", make: () => -Infinity, fingerprint: "_jX9jKP8-cL2g9ObYfboOA" },
  { name: "Number.MAX_SAFE_INTEGER", make: () => Number.MAX_SAFE_INTEGER, fingerprint: "RZ11Gn0IfHwD2w5Lm_psrw" },
  { name: "Number.MIN_VALUE", make: () => Number.MIN_VALUE, fingerprint: "Nra5c18HQDxfB0A8XwdAPA" },
  { name: "empty string", make: () => "", fingerprint: "yRcQko5-TzmOfk85jn5POQ" },
  { name: 'string "1"', make: () => "1", fingerprint: "XhqP4BdUaPjvZ9NP72fTTw" },
  {
    name: 'string "hello-world" (seed E)',
    make: () => "hello-world",
    variants: () => [["hello", "world"].join("-")],
    fingerprint: "3gBWfZe-yiCF180SKrZgHw",
  },
  { name: "non-ASCII string", make: () => "héllo wörld ✓ 😀", fingerprint: "9tCH5Ul4TAsY203DNo5Wxw" },
  { name: "lone surrogate string", make: () => "a\ud800b", fingerprint: "-q2n-RFw_Lot9goeTD35Yw" },
  {
    name: "long string (above the ASCII fast path)",
    make: () => "x".repeat(100),
    variants: () => [Array(101).join("x")],
    fingerprint: "ss60Ue1BlfQ8jQtHMQEWRA",
  },
  {
    name: "string whose encoding is exactly one block (65536 bytes: hashed whole)",
    make: () => "a".repeat(65_531),
    fingerprint: "vdiTh8Wdx_Baxoif-jQhOA",
  },
  {
    name: "string whose encoding is one byte over a block (hashed by blocks)",
    make: () => "a".repeat(65_532),
    fingerprint: "c_FLkBgVt1OQz7oU8VJxCg",
  },
  { name: "bigint 0n", make: () => 0n, fingerprint: "PCWFwrjztyI_gmT-P4Jk_g" },
  { name: "bigint 1n", make: () => 1n, fingerprint: "DS-n6d77hKip8lqEqfJahA" },
  {
    name: "large negative bigint",
    make: () => -123456789012345678901234567890n,
    fingerprint: "NN2oadfal0P1DvK1BPOzeA",
  },
  { name: 'registered symbol Symbol.for("ham")', make: () => Symbol.for("ham"), fingerprint: "X7iRHIj3SEc-sNZS5dnY8w" },

  // Arrays: ordered.
  { name: "empty array", make: () => [], fingerprint: "bbUBCwMFGOUDBRjlAwUY5Q" },
  {
    name: "array of mixed primitives",
    make: () => [1, "1", 1n, true, null, undefined],
    fingerprint: "ByPlxEwL4tpS5U39gMYXyA",
  },
  { name: "nested arrays", make: () => [1, [2, [3, []]]], fingerprint: "_m7aQvrq0aZxaw7YCEeakw" },
  { name: "array of numbers", make: () => [0.5, -0, NaN, 3, 1e300], fingerprint: "3sbMd4yCYmsDyQzvaXGDKw" },
  {
    name: "sparse array (hole differs from undefined)",
    make: () => {
      const a: unknown[] = [];
      a[1] = 1;
      return a;
    },
    fingerprint: "ATOlTNcCRyuEBDOFroXxhA",
  },
  { name: "array with undefined", make: () => [undefined, 1], fingerprint: "J85NSbIPz5o4k-4kbNJwvw" },
  {
    name: "array with an extra property",
    make: () => Object.assign([1, 2], { unit: "kg" }),
    fingerprint: "lp_vv9ySjy4rIdjNn4UAwA",
  },
  {
    name: "array with another extra property",
    make: () => Object.assign([1, 2], { unit: "g" }),
    fingerprint: "aWoRW5xYBAbqd-dQ-hrQYQ",
  },

  // Plain objects: key order matters (integer-like keys come first, ascending, in JavaScript
  // itself); an undefined-valued key differs from a missing one.
  { name: "empty object", make: () => ({}), fingerprint: "gV7c1f1BMLn9QTC5_UEwuQ" },
  {
    name: "object {a: 1, b: 2}",
    make: () => ({ a: 1, b: 2 }),
    variants: () => [
      Object.fromEntries([
        ["a", 1],
        ["b", 2],
      ]),
    ],
    fingerprint: "9Ah3YuUdvGDw3Ra6nusW7Q",
  },
  {
    name: "object {b: 2, a: 1} (differs from {a: 1, b: 2})",
    make: () => ({ b: 2, a: 1 }),
    fingerprint: "Ubdd7UuC1PdEJplzEQKgkw",
  },
  { name: "object {a: undefined}", make: () => ({ a: undefined }), fingerprint: "tzgkuZvd3zNetbdsG1TwSw" },
  {
    name: "nested object",
    make: () => ({ user: { name: "ada", tags: ["x", "y"], age: 36 }, n: 1 }),
    variants: () => [JSON.parse('{"user":{"name":"ada","tags":["x","y"],"age":36},"n":1}')],
    fingerprint: "B6CvLz7_sh_xJUyVr2Gjmw",
  },
  {
    name: "null-prototype object (differs from a plain one)",
    make: () => Object.assign(Object.create(null) as object, { x: 1 }),
    fingerprint: "igdBzcFpWc1pVjozkqeg2Q",
  },
  {
    name: "seed F result",
    make: () => ({ "hello-world": "hello-world".repeat(3) }),
    fingerprint: "3H4P2bgvz6h5RbHQHXQ2pA",
  },
  {
    name: "object with non-ASCII and numeric keys",
    make: () => ({ 10: "a", 2: "b", é: "c", z: "d" }),
    variants: () => [{ 2: "b", é: "c", 10: "a", z: "d" }],
    fingerprint: "3lv-7OD3eHiaszvbmaDQbg",
  },
  {
    name: "object with the same keys, string keys in another order",
    make: () => ({ 10: "a", 2: "b", z: "d", é: "c" }),
    fingerprint: "qBD4eTj51iN_U6_n7BNR5A",
  },

  // Maps and Sets: insertion order matters.
  { name: "empty Map", make: () => new Map(), fingerprint: "nXpuo_BtLkDwbS5A8G0uQA" },
  {
    name: "Map with mixed keys",
    make: () =>
      new Map<unknown, unknown>([
        ["a", 1],
        [2, "b"],
        [1n, null],
      ]),
    fingerprint: "iwaaFEN3X3qGRne_F8BKnA",
  },
  {
    name: "Map with mixed keys in another order",
    make: () =>
      new Map<unknown, unknown>([
        [1n, null],
        [2, "b"],
        ["a", 1],
      ]),
    fingerprint: "jgUOqSkF2fS9vkyMhMlyOw",
  },
  {
    name: "Map with object keys",
    make: () =>
      new Map<unknown, unknown>([
        [{ k: 1 }, "one"],
        [[1], "array"],
      ]),
    fingerprint: "o9AG3e1msbVOfe21itpZkw",
  },
  { name: "empty Set", make: () => new Set(), fingerprint: "XHTO7AYa0bsGGtG7BhrRuw" },
  { name: "Set of 1, '1', 1n", make: () => new Set([1, "1", 1n]), fingerprint: "R0_pQYdEtqDAE0rEzk4B1w" },
  { name: "Set of 1n, '1', 1", make: () => new Set([1n, "1", 1]), fingerprint: "9gwcCdspgcoufcMJKu_THw" },
  { name: "Set of objects", make: () => new Set([{ a: 1 }, { a: 2 }, [3]]), fingerprint: "traExwxXfF5aw4agB9WR-Q" },
  {
    name: "Map inside Set inside object",
    make: () => ({ s: new Set([new Map([["x", [1, 2]]]), "y"]) }),
    fingerprint: "PUarN-Xaj5Tps_uNz-eI1g",
  },

  // Dates, RegExps, boxed primitives, errors, class instances, URLs.
  { name: "Date(0)", make: () => new Date(0), fingerprint: "Jf_i7PDX3u3w197t8Nfe7Q" },
  {
    name: "Date(2023-11-14T22:13:20Z)",
    make: () => new Date(1_700_000_000_000),
    variants: () => [new Date("2023-11-14T22:13:20.000Z")],
    fingerprint: "r07byVIWiizVByDSSxC8DA",
  },
  {
    name: "invalid Date",
    make: () => new Date(NaN),
    variants: () => [new Date("not a date")],
    fingerprint: "NCZccpXCVebLfmEvVml3bw",
  },
  {
    name: "RegExp /ab+c/gi",
    make: () => /ab+c/gi,
    variants: () => [new RegExp("ab+c", "ig")],
    fingerprint: "yKoDKb0panfqob_3jZPq3g",
  },
  { name: "boxed Number(1)", make: () => new Number(1), fingerprint: "oqro6p5vo1SBw8Udnm-jVA" },
  { name: 'boxed String("1")', make: () => new String("1"), fingerprint: "_PKLgveMqOYtBaIeLQWiHg" },
  { name: "boxed Boolean(false)", make: () => new Boolean(false), fingerprint: "8-bWhGxlL9tsZS_bbGUv2w" },
  { name: "boxed BigInt(1n)", make: () => Object(1n) as object, fingerprint: "7YKDLH0hnb-A9M1XgPTNVw" },
  { name: 'Error("boom")', make: () => new Error("boom"), fingerprint: "p196pLn68th92DDucCnlwg" },
  {
    name: "TypeError with cause and code",
    make: () => Object.assign(new TypeError("bad", { cause: new Error("inner") }), { code: "E_BAD" }),
    fingerprint: "j6ryeJ_D06deepfMjIInYQ",
  },
  {
    name: "class instance with a FINGERPRINT_METHOD",
    make: () => new Money(150),
    fingerprint: "xMI2mx6vQU2aDPk06FbjRA",
  },
  { name: "URL", make: () => new URL("https://example.com/a?b=1#c"), fingerprint: "P3YIYxwBhC74wtK4jKjYeQ" },
  { name: "URLSearchParams", make: () => new URLSearchParams("a=1&b=2"), fingerprint: "3cORcJotPBReetRiihFY_A" },

  // Bytes: hashed in bulk; element type and class matter; a Buffer's offset (in Node's pool) does not.
  { name: "empty Uint8Array", make: () => new Uint8Array(0), fingerprint: "QfWQQBdrp1qRH39S3Ayo5w" },
  { name: "Uint8Array [1, 2, 3]", make: () => new Uint8Array([1, 2, 3]), fingerprint: "s0H4FAVkRrZH0D5BGW5GmQ" },
  {
    name: "Buffer [1, 2, 3] (differs from Uint8Array)",
    make: () => Buffer.from([1, 2, 3]),
    fingerprint: "gF0T_jZWfkZxSZBIUuN6RQ",
  },
  { name: "Int8Array [-1, 0, 1]", make: () => new Int8Array([-1, 0, 1]), fingerprint: "SERoXLV38hHVirXxs6XzZQ" },
  {
    name: "Uint8ClampedArray [0, 255]",
    make: () => new Uint8ClampedArray([0, 255]),
    fingerprint: "z8pktecCSXbYe6ED5kGgjw",
  },
  { name: "Int16Array [-1, 2, 300]", make: () => new Int16Array([-1, 2, 300]), fingerprint: "UIOplg-jmpwxsVend2VOOg" },
  { name: "Uint16Array [65535]", make: () => new Uint16Array([65535]), fingerprint: "c-Y3oGKMjsnb9A4cEQC0hg" },
  { name: "Int32Array [-2, 70000]", make: () => new Int32Array([-2, 70000]), fingerprint: "i8wgyYRs2XmhS7xVw2iweQ" },
  {
    name: "Uint32Array [4294967295]",
    make: () => new Uint32Array([4294967295]),
    fingerprint: "Fuf1C5uFk-O5XKHLa1on3A",
  },
  { name: "Float32Array [0.1, -0]", make: () => new Float32Array([0.1, -0]), fingerprint: "FqRn6r4bmSOrhc0YDGDWRw" },
  {
    name: "Float64Array [1.5, -0, NaN]",
    make: () => new Float64Array([1.5, -0, NaN]),
    fingerprint: "gD8yjIBPUwfkBiSZzKRIWQ",
  },
  {
    name: "Float64Array of 4096 values",
    make: () => Float64Array.from({ length: 4096 }, (_, i) => i / 7),
    fingerprint: "LC2s7H2lhu31qMOOPUNnoQ",
  },
  // Large payloads: @ham/core hashes these natively where @node-rs/xxhash loads and with WASM where
  // it does not (its tests run them both ways); the 3 MiB one also crosses WASM's 1 MiB streaming chunks.
  {
    name: "Float64Array of 2^18 values (2 MiB)",
    make: () => Float64Array.from({ length: 1 << 18 }, (_, i) => i / 7),
    fingerprint: "h-bdakWvnFl-97NVnCCNIw",
  },
  {
    name: "Buffer of 64 KiB + 3 bytes",
    make: () => Buffer.from(Uint8Array.from({ length: 65539 }, (_, i) => (i * 31 + 11) & 255)),
    fingerprint: "DCkCSDoylpLgCg694YrhmA",
  },
  {
    name: "Uint8Array of 3 MiB + 5 bytes",
    make: () => Uint8Array.from({ length: (3 << 20) + 5 }, (_, i) => (i * 131 + (i >> 9)) & 255),
    fingerprint: "vSIlSdfRI8-zxHvcytZ4xg",
  },
  { name: "BigInt64Array [-1n, 2n]", make: () => new BigInt64Array([-1n, 2n]), fingerprint: "-f4Ve7KM9Ob5OhM0i2TIjg" },
  {
    name: "BigUint64Array [2n ** 64n - 1n]",
    make: () => new BigUint64Array([2n ** 64n - 1n]),
    fingerprint: "zIDBtiBHDMSexE6XF9ykkA",
  },
  {
    name: "DataView over [1, 2, 3, 4]",
    make: () => new DataView(new Uint8Array([1, 2, 3, 4]).buffer),
    fingerprint: "If7g0QkZ6nTNuhjLCQuLPg",
  },
  {
    name: "ArrayBuffer of [1, 2, 3, 4]",
    make: () => new Uint8Array([1, 2, 3, 4]).buffer,
    fingerprint: "VjJoiDo3CcVa6757hFx5eA",
  },
  {
    name: "object holding a Float64Array",
    make: () => ({ data: new Float64Array([1, 2]), label: "x" }),
    fingerprint: "EuJ4_5AB3H5EyyJBXX69CQ",
  },

  // Cycles and shared references.
  {
    name: "object that contains itself",
    make: () => {
      const node: Record<string, unknown> = { name: "a" };
      node["self"] = node;
      return node;
    },
    fingerprint: "-KbUIW7A3LHvMT8ZSIMsbg",
  },
  {
    name: "array that contains itself",
    make: () => {
      const list: unknown[] = [1];
      list.push(list);
      return list;
    },
    fingerprint: "6SxUTBaMTsNBrquOYeJgcA",
  },
  {
    name: "two-node cycle",
    make: () => {
      const a: Record<string, unknown> = { id: "a" };
      const b: Record<string, unknown> = { id: "b", next: a };
      a["next"] = b;
      return a;
    },
    fingerprint: "3lQ1CAnbcFBU8KUiyMElOw",
  },
  {
    name: "shared reference (differs from two equal copies)",
    make: () => {
      const shared = { v: [1, 2] };
      return { x: shared, y: shared };
    },
    fingerprint: "zLepmvNB2biQ4BsO1DfMaw",
  },
  // Integrity: a non-extensible, sealed or frozen object differs from an extensible copy.
  { name: "frozen object { a: 1 }", make: () => Object.freeze({ a: 1 }), fingerprint: "n4ZwVkkcld3jv474fr4w4Q" },
  { name: "sealed object { a: 1 }", make: () => Object.seal({ a: 1 }), fingerprint: "ngFJ04wwx56P6__QXt8KzA" },
  {
    name: "non-extensible object { a: 1 }",
    make: () => Object.preventExtensions({ a: 1 }),
    fingerprint: "FfX5Zc1DpBwicrQ1U9_N-Q",
  },
  {
    name: "frozen array [1] in an object",
    make: () => ({ list: Object.freeze([1]) }),
    fingerprint: "4SPkNoE3HA6G4pz_pr2iBw",
  },
  {
    name: "two equal copies",
    make: () => ({ x: { v: [1, 2] }, y: { v: [1, 2] } }),
    fingerprint: "g0FQw11FLRgFd7SRgHWEeg",
  },
  {
    name: "the same Date twice",
    make: () => {
      const date = new Date(0);
      return [date, date];
    },
    fingerprint: "4PkKHjmE65FpZX2HIJQlew",
  },
  {
    name: "diamond of shared references 40 levels deep",
    make: () => diamond(40),
    fingerprint: "ZtlsKzqH5RRKC1oAhhJt2g",
  },
  {
    name: "20000 records (an encoding of many blocks, the last one partial)",
    make: () => Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `user-${i}`, pair: [i / 7, `t${i}`] })),
    fingerprint: "MVybv08VpeiGpm_5Cy_L8w",
  },
];

/** Values every implementation must give a fresh fingerprint each time (spec v3). */
export const uniqueFingerprintVectors: readonly UniqueFingerprintVector[] = [
  { name: "class instance with #private state and no FINGERPRINT_METHOD", make: () => new Point(1) },
  { name: "Array subclass", make: () => Stack.from([1, 2]) },
  { name: "Map subclass", make: () => new (class Registry extends Map<string, number> {})([["a", 1]]) },
  { name: "object with a symbol-keyed property", make: () => ({ a: 1, [Symbol.for("tag")]: 1 }) },
  {
    name: "object with a non-enumerable property",
    make: () => Object.defineProperty({ a: 1 }, "hidden", { value: 1 }),
  },
  { name: "a function", make: () => () => 1 },
  { name: "Float64Array viewing part of a larger ArrayBuffer", make: () => new Float64Array(4).subarray(1, 3) },
  { name: "boxed Number with an own property", make: () => Object.assign(new Number(1), { unit: "kg" }) },
  { name: "boxed String with an own property", make: () => Object.assign(new String("ab"), { unit: "kg" }) },
  { name: "ArrayBuffer with an own property", make: () => Object.assign(new ArrayBuffer(2), { unit: "kg" }) },
  {
    name: "small array with a non-enumerable property",
    make: () => Object.defineProperty([1, 2], "unit", { value: "kg" }),
  },
  { name: "a Promise nested in an object", make: () => ({ pending: Promise.resolve(1) }) },
];

const VIEW_OFFSETS = [8, 24, 64];

/**
 * Checks `fingerprint` (e.g. `(value) => fingerprintValue(value)` from @ham/core) against every
 * vector, every variant, every Buffer rebuilt at other byte offsets, and that every unique vector
 * and every other typed array / DataView rebuilt at an offset into a larger ArrayBuffer gets a
 * different fingerprint each time. Returns the mismatches (empty when all agree).
 */
export function checkFingerprintVectors(fingerprint: (value: unknown) => string): FingerprintVectorMismatch[] {
  const mismatches: FingerprintVectorMismatch[] = [];
  const checkUnique = (name: string, construction: string, make: () => unknown): void => {
    const first = fingerprint(make());
    if (fingerprint(make()) === first)
      mismatches.push({ name, construction, expected: "a unique fingerprint each time", actual: first });
  };
  const check = (vector: FingerprintVector, construction: string, value: unknown): void => {
    const actual = fingerprint(value);
    if (actual !== vector.fingerprint) {
      mismatches.push({ name: vector.name, construction, expected: vector.fingerprint, actual });
    }
  };
  for (const vector of fingerprintVectors) {
    const value = vector.make();
    check(vector, "value", value);
    (vector.variants?.() ?? []).forEach((variant, index) => {
      check(vector, `variant ${index}`, variant);
    });
    if (ArrayBuffer.isView(value)) {
      const elementSize = (value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const offsets = elementSize === 1 ? [1, 3, ...VIEW_OFFSETS] : VIEW_OFFSETS;
      for (const offset of offsets) {
        const construction = `view at byte offset ${offset}`;
        if (typeof Buffer !== "undefined" && Buffer.isBuffer(value))
          check(vector, construction, viewAtOffset(value, offset));
        else checkUnique(vector.name, construction, () => viewAtOffset(value, offset));
      }
    }
  }
  for (const vector of uniqueFingerprintVectors) checkUnique(vector.name, "fingerprinted twice", vector.make);
  return mismatches;
}
