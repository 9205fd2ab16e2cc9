// Golden vectors of ham's default fingerprinter, spec v2 (docs/fingerprint-spec.md): values built
// in code (most cannot be JSON) with the fingerprint every implementation must give them, values
// that must get a unique fingerprint every time, and a checker that also rebuilds each value in
// other constructions and at other buffer offsets (the same fingerprint for a Buffer, a unique one
// for any other view of part of a larger ArrayBuffer).
// Standalone on purpose (no @ham/core import), so @ham/core's own tests can run these vectors.

/** One golden vector: a value and the fingerprint spec v2 gives it. */
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
export const FINGERPRINT_VECTORS_SPEC_VERSION = 2;

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

/** The golden vectors (value → fingerprint), spec v2. */
export const fingerprintVectors: readonly FingerprintVector[] = [
  // Primitives: type tags keep 1, "1", 1n, true, null and undefined apart.
  { name: "undefined", make: () => undefined, fingerprint: "aNuOkvx67fj8eu34_Hrt-A" },
  { name: "null", make: () => null, fingerprint: "WCY2sZOlw66TpcOuk6XDrg" },
  { name: "true", make: () => true, fingerprint: "q228I-w_yTTsP8k07D_JNA" },
  { name: "false", make: () => false, fingerprint: "6WL93fkGTEX5BkxF-QZMRQ" },
  { name: "number 0", make: () => 0, fingerprint: "4jQKHajmV_2o5lf9qOZX_Q" },
  { name: "number -0 (differs from 0)", make: () => -0, fingerprint: "Q1BhS4WJQ0NYyhndhYlDQw" },
  { name: "number 1", make: () => 1, variants: () => [1.0, 0.5 * 2], fingerprint: "72AoJ_fvj5YlyiPqsAWjvA" },
  { name: "number -1", make: () => -1, fingerprint: "GWQF3alXDGCH8DYISV-EIg" },
  { name: "number 1.5", make: () => 1.5, fingerprint: "PSHmhg2V-wWLcnWcoktWxA" },
  { name: "number 7 (seed A)", make: () => 7, fingerprint: "5eHWhXLf-SqC8efJRB96nQ" },
  {
    name: "NaN (canonical)",
    make: () => NaN,
    variants: () => [0 / 0, Number("x"), nanWithPayload()],
    fingerprint: "c7LqzEzzUxPUoCwqMEHcQg",
  },
  { name: "Infinity", make: () => Infinity, fingerprint: "j5TtGzSDQsVSNp2PJrju9w" },
  { name: "-Infinity", make: () => -Infinity, fingerprint: "NP-SNlkzKbh1xpXWCKRIrw" },
  { name: "Number.MAX_SAFE_INTEGER", make: () => Number.MAX_SAFE_INTEGER, fingerprint: "XAlPVQqtkKnLPT-7oKKP_g" },
  { name: "Number.MIN_VALUE", make: () => Number.MIN_VALUE, fingerprint: "MilulUNvDHBDbwxwQ28McA" },
  { name: "empty string", make: () => "", fingerprint: "WbrIg9kQpVjZEKVY2RClWA" },
  { name: 'string "1"', make: () => "1", fingerprint: "zPBON5zQqR4KVS_qClUv6g" },
  {
    name: 'string "hello-world" (seed E)',
    make: () => "hello-world",
    variants: () => [["hello", "world"].join("-")],
    fingerprint: "RxiY6OeWKByqWLWzBY-RFg",
  },
  { name: "non-ASCII string", make: () => "héllo wörld ✓ 😀", fingerprint: "mxuBPqNeRadOgjDYmi_OPg" },
  { name: "lone surrogate string", make: () => "a\ud800b", fingerprint: "E4s0x5PoyPFg6dkB-kiRgQ" },
  {
    name: "long string (above the ASCII fast path)",
    make: () => "x".repeat(100),
    variants: () => [Array(101).join("x")],
    fingerprint: "i6V2PTTDJCJ0y7-jjpPuPQ",
  },
  { name: "bigint 0n", make: () => 0n, fingerprint: "Q6Fo7Z1jbly24qsOtuKrDg" },
  { name: "bigint 1n", make: () => 1n, fingerprint: "Ug3gXhPEhLHSOg-a0joPmg" },
  {
    name: "large negative bigint",
    make: () => -123456789012345678901234567890n,
    fingerprint: "oq3gtcz0fNfdXcKBQ_2mxQ",
  },
  { name: 'registered symbol Symbol.for("ham")', make: () => Symbol.for("ham"), fingerprint: "wMFsUUWsYnhwwU0Vup4bXg" },

  // Arrays: ordered.
  { name: "empty array", make: () => [], fingerprint: "hzOTEbXpS8S16UvEtelLxA" },
  {
    name: "array of mixed primitives",
    make: () => [1, "1", 1n, true, null, undefined],
    fingerprint: "altCT7R0LmV2TMmvT0bBsA",
  },
  { name: "nested arrays", make: () => [1, [2, [3, []]]], fingerprint: "Zm8wPKhZe74KdJpAhc8AbA" },
  { name: "array of numbers", make: () => [0.5, -0, NaN, 3, 1e300], fingerprint: "o3WwNW7u8VSDUqeNabJRfw" },
  {
    name: "sparse array (hole differs from undefined)",
    make: () => {
      const a: unknown[] = [];
      a[1] = 1;
      return a;
    },
    fingerprint: "a0vNP-wvfbhDu3UViO7yow",
  },
  { name: "array with undefined", make: () => [undefined, 1], fingerprint: "FvLyKqSOmPhdssk3X6ksmw" },
  {
    name: "array with an extra property",
    make: () => Object.assign([1, 2], { unit: "kg" }),
    fingerprint: "yXgjvFQSNruf3v5b81Hy5w",
  },
  {
    name: "array with another extra property",
    make: () => Object.assign([1, 2], { unit: "g" }),
    fingerprint: "JDu7SR6D2MFYDWDijd0S4Q",
  },

  // Plain objects: key order matters (integer-like keys come first, ascending, in JavaScript
  // itself); an undefined-valued key differs from a missing one.
  { name: "empty object", make: () => ({}), fingerprint: "5k_BuZib5jqYm-Y6mJvmOg" },
  {
    name: "object {a: 1, b: 2}",
    make: () => ({ a: 1, b: 2 }),
    variants: () => [
      Object.fromEntries([
        ["a", 1],
        ["b", 2],
      ]),
    ],
    fingerprint: "Vcj5vH-0e6Mv91C_pdI2Qw",
  },
  {
    name: "object {b: 2, a: 1} (differs from {a: 1, b: 2})",
    make: () => ({ b: 2, a: 1 }),
    fingerprint: "rXeiyuNbD-bPn4djU4BHdw",
  },
  { name: "object {a: undefined}", make: () => ({ a: undefined }), fingerprint: "KHEBNcLm4CxjmKXYAgxQpQ" },
  {
    name: "nested object",
    make: () => ({ user: { name: "ada", tags: ["x", "y"], age: 36 }, n: 1 }),
    variants: () => [JSON.parse('{"user":{"name":"ada","tags":["x","y"],"age":36},"n":1}')],
    fingerprint: "3Uz5nXkF-ZIDRX12BLVRbA",
  },
  {
    name: "null-prototype object (differs from a plain one)",
    make: () => Object.assign(Object.create(null) as object, { x: 1 }),
    fingerprint: "iTx5O1LHyGxz2YbBIbkLUw",
  },
  {
    name: "seed F result",
    make: () => ({ "hello-world": "hello-world".repeat(3) }),
    fingerprint: "-hrbM6x--EZPAUXyRZ4JWg",
  },
  {
    name: "object with non-ASCII and numeric keys",
    make: () => ({ 10: "a", 2: "b", é: "c", z: "d" }),
    variants: () => [{ 2: "b", é: "c", 10: "a", z: "d" }],
    fingerprint: "cZLg9tAQndb-1nzMdmbXRA",
  },
  {
    name: "object with the same keys, string keys in another order",
    make: () => ({ 10: "a", 2: "b", z: "d", é: "c" }),
    fingerprint: "Q2uyIEo8-BgcrUwP2uO9OA",
  },

  // Maps and Sets: insertion order matters.
  { name: "empty Map", make: () => new Map(), fingerprint: "wo85eUZbq8lGW6vJRluryQ" },
  {
    name: "Map with mixed keys",
    make: () =>
      new Map<unknown, unknown>([
        ["a", 1],
        [2, "b"],
        [1n, null],
      ]),
    fingerprint: "pnq0FMsJwxrhbXv4gmr0Fw",
  },
  {
    name: "Map with mixed keys in another order",
    make: () =>
      new Map<unknown, unknown>([
        [1n, null],
        [2, "b"],
        ["a", 1],
      ]),
    fingerprint: "_NB8wBn3Z3n6iAYsNYVGjg",
  },
  {
    name: "Map with object keys",
    make: () =>
      new Map<unknown, unknown>([
        [{ k: 1 }, "one"],
        [[1], "array"],
      ]),
    fingerprint: "1LO9tiqJ27KiJst8s1_bcw",
  },
  { name: "empty Set", make: () => new Set(), fingerprint: "vlfcC9Sn4BvUp-Ab1KfgGw" },
  { name: "Set of 1, '1', 1n", make: () => new Set([1, "1", 1n]), fingerprint: "j-dVVBt9HVoJAurZS7AXDQ" },
  { name: "Set of 1n, '1', 1", make: () => new Set([1n, "1", 1]), fingerprint: "xx_Y6pyCBkqvesTtI6VCYw" },
  { name: "Set of objects", make: () => new Set([{ a: 1 }, { a: 2 }, [3]]), fingerprint: "WbFLgikhmlPZOlYmJsNYkg" },
  {
    name: "Map inside Set inside object",
    make: () => ({ s: new Set([new Map([["x", [1, 2]]]), "y"]) }),
    fingerprint: "IfTsy-jQ1zrEoDBIwT9j1Q",
  },

  // Dates, RegExps, boxed primitives, errors, class instances, URLs.
  { name: "Date(0)", make: () => new Date(0), fingerprint: "SsWt3zhLSHQ4S0h0OEtIdA" },
  {
    name: "Date(2023-11-14T22:13:20Z)",
    make: () => new Date(1_700_000_000_000),
    variants: () => [new Date("2023-11-14T22:13:20.000Z")],
    fingerprint: "frQHxt1s2FOP3C7NLL8tBQ",
  },
  {
    name: "invalid Date",
    make: () => new Date(NaN),
    variants: () => [new Date("not a date")],
    fingerprint: "O8RwpaX9jT832SLHROcrmw",
  },
  {
    name: "RegExp /ab+c/gi",
    make: () => /ab+c/gi,
    variants: () => [new RegExp("ab+c", "ig")],
    fingerprint: "qT6n7qAMhaEH69gaUwHGug",
  },
  { name: "boxed Number(1)", make: () => new Number(1), fingerprint: "63ynYzouq9xtjK3xOi6r3A" },
  { name: 'boxed String("1")', make: () => new String("1"), fingerprint: "9QzyZbvXnqGgwq0loMKtJQ" },
  { name: "boxed Boolean(false)", make: () => new Boolean(false), fingerprint: "3p0gYFZEaHhWRGh4VkRoeA" },
  { name: "boxed BigInt(1n)", make: () => Object(1n) as object, fingerprint: "ZMWalW6PQ6jXHgfO1x4Hzg" },
  { name: 'Error("boom")', make: () => new Error("boom"), fingerprint: "1BCnvv-jeJ5QT7w0XV4dRg" },
  {
    name: "TypeError with cause and code",
    make: () => Object.assign(new TypeError("bad", { cause: new Error("inner") }), { code: "E_BAD" }),
    fingerprint: "z08PmqPEHtB4ctKz-do0Mw",
  },
  {
    name: "class instance with a FINGERPRINT_METHOD",
    make: () => new Money(150),
    fingerprint: "dOvn1yJCGpR8HmiKJTvrUw",
  },
  { name: "URL", make: () => new URL("https://example.com/a?b=1#c"), fingerprint: "aDvFaqg_g_K96yANzW2ttA" },
  { name: "URLSearchParams", make: () => new URLSearchParams("a=1&b=2"), fingerprint: "pkGf50BWxzedgNTUtjPRZA" },

  // Bytes: hashed in bulk; element type and class matter; a Buffer's offset (in Node's pool) does not.
  { name: "empty Uint8Array", make: () => new Uint8Array(0), fingerprint: "C4yviNCb-NKKHGwVyUxXXQ" },
  { name: "Uint8Array [1, 2, 3]", make: () => new Uint8Array([1, 2, 3]), fingerprint: "uF6ZrnrAQts8wGQICAs3_A" },
  {
    name: "Buffer [1, 2, 3] (differs from Uint8Array)",
    make: () => Buffer.from([1, 2, 3]),
    fingerprint: "hZjiN64D-zgknF9Unq2Idg",
  },
  { name: "Int8Array [-1, 0, 1]", make: () => new Int8Array([-1, 0, 1]), fingerprint: "nqlNNeRYZajlf3XSwvnnuA" },
  {
    name: "Uint8ClampedArray [0, 255]",
    make: () => new Uint8ClampedArray([0, 255]),
    fingerprint: "Ln9bOEnnbYju0mXdTyqamQ",
  },
  { name: "Int16Array [-1, 2, 300]", make: () => new Int16Array([-1, 2, 300]), fingerprint: "2A5JQoTvZzkHRv6cNFpK-g" },
  { name: "Uint16Array [65535]", make: () => new Uint16Array([65535]), fingerprint: "Y5J7AXMeyYQeQUw5v7rORw" },
  { name: "Int32Array [-2, 70000]", make: () => new Int32Array([-2, 70000]), fingerprint: "cEHVFZm4dE5RX2m_mcfxtg" },
  {
    name: "Uint32Array [4294967295]",
    make: () => new Uint32Array([4294967295]),
    fingerprint: "E-QG8zrZB5b03XSx4X2w9A",
  },
  { name: "Float32Array [0.1, -0]", make: () => new Float32Array([0.1, -0]), fingerprint: "CQ5ftSqJz7z4Dnmfw0pI1w" },
  {
    name: "Float64Array [1.5, -0, NaN]",
    make: () => new Float64Array([1.5, -0, NaN]),
    fingerprint: "WOoPf0REikF6TWF2jCQ3Iw",
  },
  {
    name: "Float64Array of 4096 values",
    make: () => Float64Array.from({ length: 4096 }, (_, i) => i / 7),
    fingerprint: "hrf3LxP2gQf9cnt7udIYrQ",
  },
  // Large payloads: @ham/core hashes these natively where @node-rs/xxhash loads and with WASM where
  // it does not (its tests run them both ways); the 3 MiB one also crosses WASM's 1 MiB streaming chunks.
  {
    name: "Float64Array of 2^18 values (2 MiB)",
    make: () => Float64Array.from({ length: 1 << 18 }, (_, i) => i / 7),
    fingerprint: "spL-EIOGacruTS1yUhnHEg",
  },
  {
    name: "Buffer of 64 KiB + 3 bytes",
    make: () => Buffer.from(Uint8Array.from({ length: 65539 }, (_, i) => (i * 31 + 11) & 255)),
    fingerprint: "W81ZcdsMmOzm7lmPsk2YpA",
  },
  {
    name: "Uint8Array of 3 MiB + 5 bytes",
    make: () => Uint8Array.from({ length: (3 << 20) + 5 }, (_, i) => (i * 131 + (i >> 9)) & 255),
    fingerprint: "kUVVgjzKfdJ91eJlPROZjg",
  },
  { name: "BigInt64Array [-1n, 2n]", make: () => new BigInt64Array([-1n, 2n]), fingerprint: "F3zz9_REvg_xNWvCjkcB6Q" },
  {
    name: "BigUint64Array [2n ** 64n - 1n]",
    make: () => new BigUint64Array([2n ** 64n - 1n]),
    fingerprint: "tzXzVRHBPe9G2WYlF0-Vwg",
  },
  {
    name: "DataView over [1, 2, 3, 4]",
    make: () => new DataView(new Uint8Array([1, 2, 3, 4]).buffer),
    fingerprint: "CgXzJN2bIbohKCoXf7H32w",
  },
  {
    name: "ArrayBuffer of [1, 2, 3, 4]",
    make: () => new Uint8Array([1, 2, 3, 4]).buffer,
    fingerprint: "8wCyMHIaNng_LEw9MgSBIQ",
  },
  {
    name: "object holding a Float64Array",
    make: () => ({ data: new Float64Array([1, 2]), label: "x" }),
    fingerprint: "KOEFdeXIAW7mFbEb3_Bsuw",
  },

  // Cycles and shared references.
  {
    name: "object that contains itself",
    make: () => {
      const node: Record<string, unknown> = { name: "a" };
      node["self"] = node;
      return node;
    },
    fingerprint: "0vB_zBzD3v_xIDQd413IKQ",
  },
  {
    name: "array that contains itself",
    make: () => {
      const list: unknown[] = [1];
      list.push(list);
      return list;
    },
    fingerprint: "sss-R-6Ld41UXIhz2VRuqA",
  },
  {
    name: "two-node cycle",
    make: () => {
      const a: Record<string, unknown> = { id: "a" };
      const b: Record<string, unknown> = { id: "b", next: a };
      a["next"] = b;
      return a;
    },
    fingerprint: "JPBqKef4wwcU1Pa5nL31gQ",
  },
  {
    name: "shared reference (differs from two equal copies)",
    make: () => {
      const shared = { v: [1, 2] };
      return { x: shared, y: shared };
    },
    fingerprint: "P37PkJSM2Ehjy3YPJywm3w",
  },
  // Integrity: a non-extensible, sealed or frozen object differs from an extensible copy.
  { name: "frozen object { a: 1 }", make: () => Object.freeze({ a: 1 }), fingerprint: "e5Fc_LD8jH3Dl3gqLwZtXA" },
  { name: "sealed object { a: 1 }", make: () => Object.seal({ a: 1 }), fingerprint: "DPAk9nkWu90G688716Cv7g" },
  {
    name: "non-extensible object { a: 1 }",
    make: () => Object.preventExtensions({ a: 1 }),
    fingerprint: "eHrrQPVK8_P7OjZM5ADDHQ",
  },
  {
    name: "frozen array [1] in an object",
    make: () => ({ list: Object.freeze([1]) }),
    fingerprint: "siBRceBKH3v2CmirQ2bKDg",
  },
  {
    name: "two equal copies",
    make: () => ({ x: { v: [1, 2] }, y: { v: [1, 2] } }),
    fingerprint: "U6L3EkNqEH7tZSikFeLkZg",
  },
  {
    name: "the same Date twice",
    make: () => {
      const date = new Date(0);
      return [date, date];
    },
    fingerprint: "iPtgA35E-_hQsIOfyLccJw",
  },
  {
    name: "diamond of shared references 40 levels deep",
    make: () => diamond(40),
    fingerprint: "4IhrnSTruS44s-zKCXWkSw",
  },
];

/** Values every implementation must give a fresh fingerprint each time (spec v2). */
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
