// A lone primitive result (a number, boolean, null, undefined, short ASCII string) in v8's serialization
// format, read and written here without v8's Serializer or Deserializer: a native object and several
// calls per result, which cost more than the bytes themselves on runs of many small results
// (issue 19). The bytes are v8's format, so v8.deserialize reads what writePrimitive writes.
import v8 from "node:v8";

export const NOT_PRIMITIVE = Symbol("not a primitive");
/** The format version this reads primitives of (Node 20–24 write 15); any other goes to v8's deserializer. */
const FORMAT_VERSION = 0x0f;
const CONSTANTS = new Map<number, unknown>([
  [0x54, true], // "T"
  [0x46, false], // "F"
  [0x30, null], // "0"
  [0x5f, undefined], // "_"
]);

/**
 * The value when the bytes hold nothing but one number (int32 "I" or double "N"), boolean, null,
 * undefined or one-byte string ('"'), read straight from v8's format: the same value v8's
 * deserializer returns, without making one (a native object per result, which costs more than the
 * read itself on a warm run of many small results). Anything else, or bytes left over, is
 * NOT_PRIMITIVE and goes to v8, which also reports malformed bytes.
 */
export function readPrimitive(bytes: Uint8Array): unknown {
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== FORMAT_VERSION) return NOT_PRIMITIVE;
  const tag = bytes[2] as number;
  const end = bytes.length;
  if (CONSTANTS.has(tag)) return end === 3 ? CONSTANTS.get(tag) : NOT_PRIMITIVE;
  if (tag === 0x4e) {
    // "N": a float64, little-endian.
    if (end !== 11) return NOT_PRIMITIVE;
    return new DataView(bytes.buffer, bytes.byteOffset + 3, 8).getFloat64(0, true);
  }
  if (tag !== 0x49 && tag !== 0x22) return NOT_PRIMITIVE;
  // "I" (zigzag int32) and '"' (a Latin-1 string's length) are followed by a base-128 varint.
  let varint = 0;
  let at = 3;
  for (let shift = 0; ; shift += 7) {
    if (at >= end || shift > 28) return NOT_PRIMITIVE;
    const byte = bytes[at++] as number;
    varint += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  if (tag === 0x49) {
    if (at !== end || varint > 0xffffffff) return NOT_PRIMITIVE;
    return varint % 2 === 0 ? varint / 2 : -(varint + 1) / 2;
  }
  if (at + varint !== end) return NOT_PRIMITIVE;
  return Buffer.from(bytes.buffer, bytes.byteOffset + at, varint).toString("latin1");
}

/** v8's header on this Node ([0xff, version]); the fast path writes only the version readPrimitive reads. */
const HEADER = Buffer.from(v8.serialize(null)).subarray(0, 2);
const WRITES_PRIMITIVES = HEADER[0] === 0xff && HEADER[1] === FORMAT_VERSION;
/** Strings up to this many characters are written here (longer ones go to v8: the copy dominates). */
const MAX_STRING = 256;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * `prefix` then `value` in v8's format ([0xff, version], tag, payload), when `value` is a lone
 * number, boolean, null, undefined or ASCII string of at most MAX_STRING characters; else undefined
 * (v8 writes it). Integers in int32 range are written as v8 writes a small integer ("I", zigzag
 * varint), other numbers as a float64 ("N", -0 and NaN included): both read back as the same number.
 */
export function writePrimitive(value: unknown, prefix: readonly Uint8Array[]): Buffer | undefined {
  if (!WRITES_PRIMITIVES) return undefined;
  let room = 0;
  for (const bytes of prefix) room += bytes.length;
  let out: Buffer;
  let at: number;
  switch (typeof value) {
    case "number":
      if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX && !Object.is(value, -0)) {
        const zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
        out = Buffer.allocUnsafe(room + 3 + varintLength(zigzag));
        at = writeVarint(out, start(out, prefix, 0x49), zigzag);
      } else {
        out = Buffer.allocUnsafe(room + 3 + 8);
        at = out.writeDoubleLE(value, start(out, prefix, 0x4e));
      }
      break;
    case "boolean":
      out = Buffer.allocUnsafe(room + 3);
      at = start(out, prefix, value ? 0x54 : 0x46);
      break;
    case "undefined":
      out = Buffer.allocUnsafe(room + 3);
      at = start(out, prefix, 0x5f);
      break;
    case "string": {
      if (value.length > MAX_STRING || Buffer.byteLength(value, "utf8") !== value.length) return undefined; // not all ASCII
      out = Buffer.allocUnsafe(room + 3 + varintLength(value.length) + value.length);
      at = writeVarint(out, start(out, prefix, 0x22), value.length);
      at += out.write(value, at, "latin1");
      break;
    }
    case "object":
      if (value !== null) return undefined;
      out = Buffer.allocUnsafe(room + 3);
      at = start(out, prefix, 0x30);
      break;
    default:
      return undefined;
  }
  return at === out.length ? out : undefined;
}

/** Writes the prefix, v8's header and `tag`; returns where the payload starts. */
function start(out: Buffer, prefix: readonly Uint8Array[], tag: number): number {
  let at = 0;
  for (const bytes of prefix) {
    out.set(bytes, at);
    at += bytes.length;
  }
  out[at] = 0xff;
  out[at + 1] = FORMAT_VERSION;
  out[at + 2] = tag;
  return at + 3;
}

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

/** Writes `n` (0 ≤ n < 2³²) as a base-128 varint at `at`; returns the offset after it. */
function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  return at;
}
