// Golden vectors of ham's default fingerprinter, spec v1 (docs/fingerprint-spec.md): values built
// in code (most cannot be JSON) with the fingerprint every implementation must give them, plus a
// checker that also rebuilds each value in other insertion orders and at other buffer offsets.
// Standalone on purpose (no @ham/core import), so @ham/core's own tests can run these vectors.

/** One golden vector: a value and the fingerprint spec v1 gives it. */
export interface FingerprintVector {
  /** What the vector covers, unique among the vectors. */
  readonly name: string;
  /** Builds a fresh copy of the value. */
  readonly make: () => unknown;
  /** Other constructions of an equal value (key, Map and Set insertion order, …): same fingerprint. */
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

/** The fingerprint spec version these vectors belong to. */
export const FINGERPRINT_VECTORS_SPEC_VERSION = 1;

/** A class whose instances are fingerprinted by class name and own enumerable fields. */
class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

/** An Array subclass: an array whose class name is part of its fingerprint. */
class Stack extends Array<unknown> {}

function pointWithFieldsInOtherOrder(): Point {
  const point = Object.create(Point.prototype) as Point;
  point.y = 2;
  point.x = 1;
  return point;
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

/** The golden vectors (value → fingerprint), spec v1. */
export const fingerprintVectors: readonly FingerprintVector[] = [
  // Primitives: type tags keep 1, "1", 1n, true, null and undefined apart.
  { name: "undefined", make: () => undefined, fingerprint: "635ih2KaUW1imlFtYppRbQ" },
  { name: "null", make: () => null, fingerprint: "vSdVHzyw1-88sNfvPLDX7w" },
  { name: "true", make: () => true, fingerprint: "MSZY1NMsuhHTLLoR0yy6EQ" },
  { name: "false", make: () => false, fingerprint: "uWzryl3b6Vdd2-lXXdvpVw" },
  { name: "number 0", make: () => 0, fingerprint: "kRXrN2XP899lz_PfZc_z3w" },
  { name: "number -0 (differs from 0)", make: () => -0, fingerprint: "irf0Cu_cow2hwaVF79yjDQ" },
  { name: "number 1", make: () => 1, variants: () => [1.0, 0.5 * 2], fingerprint: "MW5Mj9RmYlUwnf8m0POHYQ" },
  { name: "number -1", make: () => -1, fingerprint: "RlPKIXNm3tDKQn7y8Lx52A" },
  { name: "number 1.5", make: () => 1.5, fingerprint: "9VyaoiHuUkbu3ApKC3Q7RQ" },
  { name: "number 7 (seed A)", make: () => 7, fingerprint: "pbtIUiKb474I4CQeDdsa6A" },
  { name: "NaN (canonical)", make: () => NaN, variants: () => [0 / 0, Number("x"), nanWithPayload()], fingerprint: "0VSe4HByBLlcGOitDePX7Q" },
  { name: "Infinity", make: () => Infinity, fingerprint: "rH3NHQB5EH8qEYTHNUM0pQ" },
  { name: "-Infinity", make: () => -Infinity, fingerprint: "KEbZHzucpzf8tn1HmrjyYQ" },
  { name: "Number.MAX_SAFE_INTEGER", make: () => Number.MAX_SAFE_INTEGER, fingerprint: "evjngbQIdTyq-Q0_-8NJHw" },
  { name: "Number.MIN_VALUE", make: () => Number.MIN_VALUE, fingerprint: "wZAMlxgpBGwYKQRsGCkEbA" },
  { name: "empty string", make: () => "", fingerprint: "axw0s7vaf2W72n9lu9p_ZQ" },
  { name: 'string "1"', make: () => "1", fingerprint: "zKI4_PZ99Hqf-9gVn_vYFQ" },
  { name: 'string "hello-world" (seed E)', make: () => "hello-world", variants: () => [["hello", "world"].join("-")], fingerprint: "J74o2EB-Hz8pNdcDZmBrvg" },
  { name: "non-ASCII string", make: () => "héllo wörld ✓ 😀", fingerprint: "nBKDf2VU6IJPhFLp1DXslQ" },
  { name: "lone surrogate string", make: () => "a\ud800b", fingerprint: "2mewjLRHE2Rf6dHxH0cg1A" },
  { name: "long string (above the ASCII fast path)", make: () => "x".repeat(100), variants: () => [Array(101).join("x")], fingerprint: "Wx_vcYEz4s9pcrgEd761og" },
  { name: "bigint 0n", make: () => 0n, fingerprint: "xkbLITQdbXuBj2PMgY9jzA" },
  { name: "bigint 1n", make: () => 1n, fingerprint: "h4Ik7OSbCS8ufplfLn6ZXw" },
  { name: "large negative bigint", make: () => -123456789012345678901234567890n, fingerprint: "E6OxqI-h5x68dEOHnovP1w" },
  { name: 'registered symbol Symbol.for("ham")', make: () => Symbol.for("ham"), fingerprint: "EOPoDxR-9kiikMIdcK1nBg" },

  // Arrays: ordered.
  { name: "empty array", make: () => [], fingerprint: "kMsWqNfiQ3bX4kN21-JDdg" },
  { name: "array of mixed primitives", make: () => [1, "1", 1n, true, null, undefined], fingerprint: "Kx0ak9ixbD_kGuT8O180pw" },
  { name: "nested arrays", make: () => [1, [2, [3, []]]], fingerprint: "CRhRR_PVluxzNopIICJnKg" },
  { name: "array of numbers", make: () => [0.5, -0, NaN, 3, 1e300], fingerprint: "W7eAfeCTnalPAq7dnDWBSQ" },
  { name: "sparse array (hole differs from undefined)", make: () => { const a: unknown[] = []; a[1] = 1; return a; }, fingerprint: "1_Ab09PaHTBxPGssOBD-Pw" },
  { name: "array with undefined", make: () => [undefined, 1], fingerprint: "sIweysRbL8av8wOo2nSAHg" },
  { name: "Array subclass", make: () => Stack.from([1, 2]), fingerprint: "Fh3ypJNjbVQvdou1xYICfA" },

  // Plain objects: key order does not matter; an undefined-valued key differs from a missing one.
  { name: "empty object", make: () => ({}), fingerprint: "NyOkVDc9zkU3Pc5FNz3ORQ" },
  { name: "object {a: 1, b: 2}", make: () => ({ a: 1, b: 2 }), variants: () => [{ b: 2, a: 1 }], fingerprint: "siTPjoCwLUGqjRqPp1G4PQ" },
  { name: "object {a: undefined}", make: () => ({ a: undefined }), fingerprint: "EZM6ZKAyxwiuqtm6fjcaow" },
  {
    name: "nested object",
    make: () => ({ user: { name: "ada", tags: ["x", "y"], age: 36 }, n: 1 }),
    variants: () => [{ n: 1, user: { age: 36, tags: ["x", "y"], name: "ada" } }],
    fingerprint: "mFAoWQsjuxbR9Lgi4K8rdg",
  },
  {
    name: "null-prototype object (same as a plain one)",
    make: () => Object.assign(Object.create(null) as object, { x: 1 }),
    variants: () => [{ x: 1 }],
    fingerprint: "22QC1ZxfJAzIP7zX37mo_A",
  },
  { name: "seed F result", make: () => ({ "hello-world": "hello-world".repeat(3) }), fingerprint: "BztxXEFbfdMJuJfOz-EfjQ" },
  { name: "object with non-ASCII and numeric keys", make: () => ({ 10: "a", 2: "b", é: "c", z: "d" }), variants: () => [{ z: "d", é: "c", 2: "b", 10: "a" }], fingerprint: "z5YCNQE9Vacr9JIZuw0Qyg" },

  // Maps and Sets: insertion order does not matter.
  { name: "empty Map", make: () => new Map(), fingerprint: "8T3KgWAcU2hgHFNoYBxTaA" },
  {
    name: "Map with mixed keys",
    make: () => new Map<unknown, unknown>([["a", 1], [2, "b"], [1n, null]]),
    variants: () => [new Map<unknown, unknown>([[1n, null], [2, "b"], ["a", 1]])],
    fingerprint: "yPA0aSL8hKd1mnOAqjCCQg",
  },
  {
    name: "Map with object keys",
    make: () => new Map<unknown, unknown>([[{ k: 1 }, "one"], [[1], "array"]]),
    variants: () => [new Map<unknown, unknown>([[[1], "array"], [{ k: 1 }, "one"]])],
    fingerprint: "KjHrSkAviV1m0j7QN7kByg",
  },
  { name: "empty Set", make: () => new Set(), fingerprint: "xL1m94KbMamCmzGpgpsxqQ" },
  { name: "Set of 1, '1', 1n", make: () => new Set([1, "1", 1n]), variants: () => [new Set([1n, "1", 1])], fingerprint: "f0L3qyn5i8mQrI-AYhYsYA" },
  {
    name: "Set of objects",
    make: () => new Set([{ a: 1 }, { a: 2 }, [3]]),
    variants: () => [new Set([[3], { a: 2 }, { a: 1 }])],
    fingerprint: "b0LsybKQDBU88NksGnC--Q",
  },
  {
    name: "Map inside Set inside object",
    make: () => ({ s: new Set([new Map([["x", [1, 2]]]), "y"]) }),
    variants: () => [{ s: new Set(["y", new Map([["x", [1, 2]]])]) }],
    fingerprint: "DvaGMa25JsRg8v-eo0RhOg",
  },

  // Dates, RegExps, boxed primitives, errors, class instances, URLs.
  { name: "Date(0)", make: () => new Date(0), fingerprint: "tt7Fo93_yJjd_8iY3f_ImA" },
  { name: "Date(2023-11-14T22:13:20Z)", make: () => new Date(1_700_000_000_000), variants: () => [new Date("2023-11-14T22:13:20.000Z")], fingerprint: "ljRGLGCAkgFNOallpl6Tjg" },
  { name: "invalid Date", make: () => new Date(NaN), variants: () => [new Date("not a date")], fingerprint: "elXFyKtD4EtMCER0-PyBww" },
  { name: "RegExp /ab+c/gi", make: () => /ab+c/gi, variants: () => [new RegExp("ab+c", "ig")], fingerprint: "slS1PpPxlewyzJJ2QWDNpA" },
  { name: "boxed Number(1)", make: () => new Number(1), fingerprint: "jFIJ8Qw8KPoSxTG2DDwo-g" },
  { name: 'boxed String("1")', make: () => new String("1"), fingerprint: "ET5XuuTMFm3lEOVF5RDlRQ" },
  { name: "boxed Boolean(false)", make: () => new Boolean(false), fingerprint: "fGb2uaRbXQykW10MpFtdDA" },
  { name: "boxed BigInt(1n)", make: () => Object(1n) as object, fingerprint: "qmps8MhPQhYgtYQAILWEAA" },
  { name: 'Error("boom")', make: () => new Error("boom"), fingerprint: "XJiWNIsAWqohLukifgfMLQ" },
  { name: "TypeError with cause and code", make: () => Object.assign(new TypeError("bad", { cause: new Error("inner") }), { code: "E_BAD" }), fingerprint: "n0igchaaD8HNbwLV6h3JkA" },
  { name: "class instance Point(1, 2)", make: () => new Point(1, 2), variants: () => [pointWithFieldsInOtherOrder()], fingerprint: "c1jMhIXT2jEKcUqpmoZrTw" },
  { name: "URL", make: () => new URL("https://example.com/a?b=1#c"), fingerprint: "4mel6UE0pYAZ6xPiuU5lKA" },
  { name: "URLSearchParams", make: () => new URLSearchParams("a=1&b=2"), fingerprint: "ZY69kiVMJRJhxvd1c-J71w" },

  // Bytes: hashed in bulk; element type and class matter; the view's offset does not.
  { name: "empty Uint8Array", make: () => new Uint8Array(0), fingerprint: "Y6LysZyGBPwb12O_FhrxeA" },
  { name: "Uint8Array [1, 2, 3]", make: () => new Uint8Array([1, 2, 3]), fingerprint: "MKHUSt5fPAgooz7masefLw" },
  { name: "Buffer [1, 2, 3] (differs from Uint8Array)", make: () => Buffer.from([1, 2, 3]), fingerprint: "1A_8nmhOgONzbzzLtVseWQ" },
  { name: "Int8Array [-1, 0, 1]", make: () => new Int8Array([-1, 0, 1]), fingerprint: "Vmr_Gtyj0cKQur6-43CafQ" },
  { name: "Uint8ClampedArray [0, 255]", make: () => new Uint8ClampedArray([0, 255]), fingerprint: "1k6yZ_u3k_Q_9OPl4d0Vpg" },
  { name: "Int16Array [-1, 2, 300]", make: () => new Int16Array([-1, 2, 300]), fingerprint: "3IYCpjcS9U5ndrHJUQfMdg" },
  { name: "Uint16Array [65535]", make: () => new Uint16Array([65535]), fingerprint: "s8cvhpdvAIQz1DNRjl5Nyw" },
  { name: "Int32Array [-2, 70000]", make: () => new Int32Array([-2, 70000]), fingerprint: "y9hBM1kdBfTFoPMe_3zUMQ" },
  { name: "Uint32Array [4294967295]", make: () => new Uint32Array([4294967295]), fingerprint: "__jokx513Fwf4FlDEpTDBQ" },
  { name: "Float32Array [0.1, -0]", make: () => new Float32Array([0.1, -0]), fingerprint: "3HYd17b9-lr8tV90h_BdRA" },
  { name: "Float64Array [1.5, -0, NaN]", make: () => new Float64Array([1.5, -0, NaN]), fingerprint: "15rlgN6LKxa-MH4YUfaZiw" },
  { name: "Float64Array of 4096 values", make: () => Float64Array.from({ length: 4096 }, (_, i) => i / 7), fingerprint: "I5arOQxR9c280fXD270KSw" },
  { name: "BigInt64Array [-1n, 2n]", make: () => new BigInt64Array([-1n, 2n]), fingerprint: "UfZjuxiD5R-mAii3_2Z1ww" },
  { name: "BigUint64Array [2n ** 64n - 1n]", make: () => new BigUint64Array([2n ** 64n - 1n]), fingerprint: "MR2JTrwCElsKKSrpT-gq1g" },
  { name: "DataView over [1, 2, 3, 4]", make: () => new DataView(new Uint8Array([1, 2, 3, 4]).buffer), fingerprint: "EjufBKif4FPD8e5U2-G3JA" },
  { name: "ArrayBuffer of [1, 2, 3, 4]", make: () => new Uint8Array([1, 2, 3, 4]).buffer, fingerprint: "FaRl8ZjwxmcTwmjZKuYhfw" },
  { name: "object holding a Float64Array", make: () => ({ data: new Float64Array([1, 2]), label: "x" }), fingerprint: "jHRjE5rCKRq7_NJ0TWNovQ" },

  // Cycles and shared references.
  {
    name: "object that contains itself",
    make: () => {
      const node: Record<string, unknown> = { name: "a" };
      node["self"] = node;
      return node;
    },
    fingerprint: "vscuxFTUAlmi_7OlFju-nA",
  },
  {
    name: "array that contains itself",
    make: () => {
      const list: unknown[] = [1];
      list.push(list);
      return list;
    },
    fingerprint: "XKE54Kx080FZST2rdWosqg",
  },
  {
    name: "two-node cycle",
    make: () => {
      const a: Record<string, unknown> = { id: "a" };
      const b: Record<string, unknown> = { id: "b", next: a };
      a["next"] = b;
      return a;
    },
    fingerprint: "8dHaHRa0YxltY6AgmTnQQw",
  },
  {
    name: "shared reference (same as two equal copies)",
    make: () => {
      const shared = { v: [1, 2] };
      return { x: shared, y: shared };
    },
    variants: () => [{ x: { v: [1, 2] }, y: { v: [1, 2] } }],
    fingerprint: "HIhTYqLT2oSZCleikGWAqA",
  },
];

const VIEW_OFFSETS = [8, 24, 64];

/**
 * Checks `fingerprint` (e.g. `(value) => fingerprintValue(value)` from @ham/core) against every
 * vector, every variant, and every typed array / DataView / Buffer rebuilt at other byte offsets.
 * Returns the mismatches (empty when all agree).
 */
export function checkFingerprintVectors(fingerprint: (value: unknown) => string): FingerprintVectorMismatch[] {
  const mismatches: FingerprintVectorMismatch[] = [];
  const check = (vector: FingerprintVector, construction: string, value: unknown): void => {
    const actual = fingerprint(value);
    if (actual !== vector.fingerprint) {
      mismatches.push({ name: vector.name, construction, expected: vector.fingerprint, actual });
    }
  };
  for (const vector of fingerprintVectors) {
    const value = vector.make();
    check(vector, "value", value);
    (vector.variants?.() ?? []).forEach((variant, index) => check(vector, `variant ${index}`, variant));
    if (ArrayBuffer.isView(value)) {
      const elementSize = (value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      const offsets = elementSize === 1 ? [1, 3, ...VIEW_OFFSETS] : VIEW_OFFSETS;
      for (const offset of offsets) check(vector, `view at byte offset ${offset}`, viewAtOffset(value, offset));
    }
  }
  return mismatches;
}
