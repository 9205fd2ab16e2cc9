// Golden vectors of spec v3 (from @ham/conformance's source, so core does not depend on it), and
// the spec's byte encoding rebuilt by hand from docs/fingerprint-spec.md and hashed with the
// reference libraries, so the document and the code cannot drift apart.
import murmur from "murmurhash3js-revisited";
import xxhash from "xxhash-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { isUniqueFingerprint } from "../caching/unique.js";
import {
  FINGERPRINT_VECTORS_SPEC_VERSION,
  checkFingerprintVectors,
  fingerprintVectors,
  viewAtOffset,
} from "../../../conformance/src/vectors/index.js";
import {
  FINGERPRINT_METHOD,
  FINGERPRINT_SPEC_VERSION,
  FingerprinterRegistry,
  defaultFingerprinter,
  fingerprintValue,
  hashingReady,
} from "./index.js";

let h64: (bytes: Uint8Array, seed?: bigint) => bigint;

beforeAll(async () => {
  await hashingReady();
  const api = await xxhash();
  h64 = (bytes, seed = 0n) => api.h64Raw(bytes, seed);
});

/**
 * The spec's output for an encoding, built with the reference libraries: murmur3 x86 128 (seed 3,
 * the spec version) of the encoding up to 65536 bytes, and above that of "L" + u64 length + the
 * xxh64 (seed 3) of each 65536-byte block; as 22 url-safe base64 characters.
 */
function specHash(...parts: (number[] | Uint8Array)[]): string {
  const encoding = Buffer.concat(parts.map((part) => Uint8Array.from(part)));
  const block = 65_536;
  let hashed: Uint8Array = encoding;
  if (encoding.length > block) {
    const digests: number[] = [];
    for (let at = 0; at < encoding.length; at += block)
      digests.push(...u64(h64(encoding.subarray(at, at + block), 3n)));
    hashed = Uint8Array.from([ascii("L"), ...u64(BigInt(encoding.length)), ...digests]);
  }
  return Buffer.from(murmur.x86.hash128(hashed, 3), "hex").toString("base64url");
}
const u32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
const u64 = (n: bigint): number[] => [...Buffer.from(new BigUint64Array([n]).buffer)];
const f64 = (n: number): number[] => [...Buffer.from(new Float64Array([n]).buffer)];
const str = (s: string): number[] => {
  const utf8 = [...Buffer.from(s, "utf8")];
  return [0x73, ...u32(utf8.length), ...utf8];
};
const ascii = (c: string): number => c.charCodeAt(0);
const quiet = { warn: () => {} };

describe("golden vectors (spec v3)", () => {
  it("belong to the spec version the code implements", () => {
    expect(FINGERPRINT_VECTORS_SPEC_VERSION).toBe(FINGERPRINT_SPEC_VERSION);
    expect(FINGERPRINT_SPEC_VERSION).toBe(3);
  });

  it("differ from the v2 fingerprints, also where the bytes did not change (the hash seed moved)", () => {
    // Spec v2's golden fingerprints: a v2 result stored under one of them can never be read as a v3 value.
    const v2: [unknown, string][] = [
      [undefined, "aNuOkvx67fj8eu34_Hrt-A"],
      [null, "WCY2sZOlw66TpcOuk6XDrg"],
      [true, "q228I-w_yTTsP8k07D_JNA"],
      [0, "4jQKHajmV_2o5lf9qOZX_Q"],
    ];
    for (const [value, old] of v2) expect(fingerprintValue(value)).not.toBe(old);
  });

  it("differ from the v1 fingerprints, also where the bytes did not change (the hash seed moved)", () => {
    // Spec v1's golden fingerprints: a v1 result stored under one of them can never be read as a v2 value.
    const v1: [unknown, string][] = [
      [undefined, "635ih2KaUW1imlFtYppRbQ"],
      [1, "MW5Mj9RmYlUwnf8m0POHYQ"],
      ["hello-world", "J74o2EB-Hz8pNdcDZmBrvg"],
      [{ a: 1, b: 2 }, "siTPjoCwLUGqjRqPp1G4PQ"],
      [new Uint8Array([1, 2, 3]), "MKHUSt5fPAgooz7masefLw"],
    ];
    for (const [value, old] of v1) expect(fingerprintValue(value)).not.toBe(old);
    expect(fingerprintValue(undefined)).toBe(specHash([ascii("U")]));
  });

  it("has at least 40 vectors, with distinct names and distinct fingerprints", () => {
    expect(fingerprintVectors.length).toBeGreaterThanOrEqual(40);
    expect(new Set(fingerprintVectors.map((v) => v.name)).size).toBe(fingerprintVectors.length);
    expect(new Set(fingerprintVectors.map((v) => v.fingerprint)).size).toBe(fingerprintVectors.length);
  });

  it("every vector, variant and re-offset view gives the expected fingerprint", () => {
    expect(checkFingerprintVectors((value) => fingerprintValue(value, quiet))).toEqual([]);
  });

  it("a registry with no custom fingerprinters gives the same fingerprints", () => {
    const registry = new FingerprinterRegistry(quiet);
    expect(checkFingerprintVectors((value) => registry.fingerprint(value))).toEqual([]);
  });

  it("views at many offsets of a larger buffer: a Buffer gives the vector's fingerprint, any other view a unique one", () => {
    for (const vector of fingerprintVectors) {
      const value = vector.make();
      if (!ArrayBuffer.isView(value)) continue;
      const size = (value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      for (let offset = 0; offset <= 8 * size; offset += size) {
        const view = viewAtOffset(value, offset);
        if (Buffer.isBuffer(value))
          expect(fingerprintValue(view), `${vector.name} at ${offset}`).toBe(vector.fingerprint);
        else expect(isUniqueFingerprint(fingerprintValue(view, quiet)), `${vector.name} at ${offset}`).toBe(true);
      }
    }
  });

  it("a checker catches a wrong fingerprinter", () => {
    const mismatches = checkFingerprintVectors((value) =>
      fingerprintValue(typeof value === "number" ? value + 1 : value, quiet),
    );
    expect(mismatches.length).toBeGreaterThan(0);
    expect(mismatches[0]).toMatchObject({ construction: "value" });
  });
});

describe("the byte encoding in docs/fingerprint-spec.md", () => {
  it("encodes the single-byte values", () => {
    expect(fingerprintValue(undefined)).toBe(specHash([ascii("U")]));
    expect(fingerprintValue(null)).toBe(specHash([ascii("N")]));
    expect(fingerprintValue(true)).toBe(specHash([ascii("T")]));
    expect(fingerprintValue(false)).toBe(specHash([ascii("F")]));
  });

  it("encodes numbers as d + float64 LE, NaN as 00 00 00 00 00 00 f8 7f", () => {
    expect(fingerprintValue(1)).toBe(specHash([ascii("d"), ...f64(1)]));
    expect(fingerprintValue(-0)).toBe(specHash([ascii("d"), 0, 0, 0, 0, 0, 0, 0, 0x80]));
    expect(fingerprintValue(NaN)).toBe(specHash([ascii("d"), 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]));
  });

  it("encodes strings as s + u32 UTF-8 length + UTF-8, ill-formed ones as w + UTF-16LE", () => {
    expect(fingerprintValue("1")).toBe(specHash(str("1")));
    expect(fingerprintValue("héllo")).toBe(specHash(str("héllo")));
    expect(fingerprintValue("a\ud800")).toBe(specHash([ascii("w"), ...u32(4), 0x61, 0, 0x00, 0xd8]));
  });

  it("hashes an encoding longer than 65536 bytes as L + u64 length + the xxh64 of each 65536-byte block", () => {
    const exact = "a".repeat(65_531); // s + u32 + 65531 bytes = 65536: hashed whole
    const over = "a".repeat(65_532);
    expect(fingerprintValue(exact)).toBe(specHash(str(exact)));
    expect(fingerprintValue(over)).toBe(specHash(str(over)));
    const whole = Buffer.from(murmur.x86.hash128(Uint8Array.from(str(over)), 3), "hex").toString("base64url");
    expect(fingerprintValue(over)).not.toBe(whole);
    // 20000 numbers: 180013 bytes, two whole blocks and a partial one.
    const numbers = Array.from({ length: 20_000 }, (_, i) => i / 3);
    const items = numbers.flatMap((n) => [ascii("d"), ...f64(n)]);
    expect(fingerprintValue(numbers)).toBe(specHash([ascii("A"), ...u32(numbers.length), ...items, ...u32(0)]));
  });

  it("encodes bigints as i + the decimal string, registered symbols as y + the key", () => {
    expect(fingerprintValue(-12n)).toBe(specHash([ascii("i"), ...str("-12")]));
    expect(fingerprintValue(Symbol.for("k"))).toBe(specHash([ascii("y"), ...str("k")]));
  });

  it("encodes arrays as A + u32 length + items (holes as h) + u32 count + extra (key, value) pairs", () => {
    const sparse: unknown[] = [];
    sparse[1] = "1";
    expect(fingerprintValue([1, "1"])).toBe(
      specHash([ascii("A"), ...u32(2), ascii("d"), ...f64(1), ...str("1"), ...u32(0)]),
    );
    expect(fingerprintValue(sparse)).toBe(specHash([ascii("A"), ...u32(2), ascii("h"), ...str("1"), ...u32(0)]));
    expect(fingerprintValue(Object.assign([true], { unit: "kg" }))).toBe(
      specHash([ascii("A"), ...u32(1), ascii("T"), ...u32(1), ...str("unit"), ...str("kg")]),
    );
  });

  it("encodes plain objects as O + u32 count + (key, value) pairs in own order, null-prototype ones as o", () => {
    expect(fingerprintValue({ b: 1, a: null })).toBe(
      specHash([ascii("O"), ...u32(2), ...str("b"), ascii("d"), ...f64(1), ...str("a"), ascii("N")]),
    );
    expect(fingerprintValue(Object.assign(Object.create(null) as object, { a: null }))).toBe(
      specHash([ascii("o"), ...u32(1), ...str("a"), ascii("N")]),
    );
  });

  it("encodes a non-extensible object as z + level (1 non-extensible, 2 sealed, 3 frozen) before the object", () => {
    const body = [ascii("O"), ...u32(1), ...str("a"), ascii("d"), ...f64(1)];
    expect(fingerprintValue(Object.preventExtensions({ a: 1 }))).toBe(specHash([ascii("z"), 1, ...body]));
    expect(fingerprintValue(Object.seal({ a: 1 }))).toBe(specHash([ascii("z"), 2, ...body]));
    expect(fingerprintValue(Object.freeze({ a: 1 }))).toBe(specHash([ascii("z"), 3, ...body]));
    expect(fingerprintValue({ a: 1 })).toBe(specHash(body));
    expect(fingerprintValue(Object.freeze([true]))).toBe(
      specHash([ascii("z"), 3, ascii("A"), ...u32(1), ascii("T"), ...u32(0)]),
    );
  });

  it("encodes class instances as C + class name + E(what FINGERPRINT_METHOD returns), vouched ones as V + name + fields", () => {
    class P {
      x = 1;
      [FINGERPRINT_METHOD](): unknown {
        return "p";
      }
    }
    expect(fingerprintValue(new P())).toBe(specHash([ascii("C"), ...str("P"), ...str("p")]));
    const registry = new FingerprinterRegistry({
      fingerprinters: [
        {
          name: "p",
          accepts: (v) => v instanceof P,
          fingerprint: (v, ctx) => defaultFingerprinter.fingerprint(v, ctx),
        },
      ],
    });
    const vouched = specHash([ascii("V"), ...str("P"), ...u32(1), ...str("x"), ascii("d"), ...f64(1)]);
    expect(registry.fingerprint(new P())).toBe(specHash([ascii("X"), ...str("p"), ...str(vouched)]));
  });

  it("encodes Sets and Maps with entries in insertion order", () => {
    expect(fingerprintValue(new Set(["x", 2]))).toBe(
      specHash([ascii("S"), ...u32(2), ...str("x"), ascii("d"), ...f64(2)]),
    );
    expect(fingerprintValue(new Map([["k", true]]))).toBe(specHash([ascii("M"), ...u32(1), ...str("k"), ascii("T")]));
  });

  it("encodes Dates and RegExps", () => {
    expect(fingerprintValue(new Date(3))).toBe(specHash([ascii("D"), ...f64(3)]));
    expect(fingerprintValue(/a/g)).toBe(specHash([ascii("R"), ...str("a"), ...str("g"), ascii("d"), ...f64(0)]));
  });

  it("encodes byte payloads as B + kind + u64 length + u64 xxh64 + class name", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const hash = u64(h64(bytes));
    expect(fingerprintValue(bytes)).toBe(specHash([ascii("B"), 2, ...u64(3n), ...hash, ...str("")]));
    expect(fingerprintValue(Buffer.from(bytes))).toBe(specHash([ascii("B"), 2, ...u64(3n), ...hash, ...str("Buffer")]));
    const floats = new Float64Array([1.5]);
    expect(fingerprintValue(floats)).toBe(
      specHash([ascii("B"), 9, ...u64(8n), ...u64(h64(new Uint8Array(floats.buffer))), ...str("")]),
    );
  });

  it("encodes an object met before (cycle or shared) as r + u32 its number in order of first meeting", () => {
    const list: unknown[] = [];
    list.push(list);
    expect(fingerprintValue(list)).toBe(specHash([ascii("A"), ...u32(1), ascii("r"), ...u32(0), ...u32(0)]));
    const shared = {};
    const empty = [ascii("O"), ...u32(0)];
    expect(fingerprintValue([shared, [shared]])).toBe(
      specHash([ascii("A"), ...u32(2), ...empty, ascii("A"), ...u32(1), ascii("r"), ...u32(1), ...u32(0), ...u32(0)]),
    );
  });

  it("encodes an enclosing object outside a nested ctx.fingerprint as ^ + u32 levels up", () => {
    class Node {
      next: unknown = undefined;
    }
    let inner = "";
    const registry = new FingerprinterRegistry({
      fingerprinters: [
        {
          name: "n",
          accepts: (v) => v instanceof Node,
          fingerprint: (v, ctx) => (inner = ctx.fingerprint([(v as Node).next])),
        },
      ],
    });
    const node = new Node();
    node.next = node;
    registry.fingerprint(node);
    expect(inner).toBe(specHash([ascii("A"), ...u32(1), ascii("^"), ...u32(2), ...u32(0)]));
  });

  it("encodes a custom fingerprinter's output as X + name + output", () => {
    const registry = new FingerprinterRegistry({
      fingerprinters: [{ name: "dates-by-day", accepts: (v) => v instanceof Date, fingerprint: () => "day-1" }],
    });
    expect(registry.fingerprint(new Date(0))).toBe(specHash([ascii("X"), ...str("dates-by-day"), ...str("day-1")]));
  });
});
