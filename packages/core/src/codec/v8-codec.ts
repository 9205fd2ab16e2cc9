// The default codec: node:v8 structured serialization (no code runs on decode), made faithful: what
// v8 would drop is patched back on decode (faithful.ts, patches.ts) or the value is refused.
import v8 from "node:v8";
import type { Codec } from "../contracts.js";
import { planFaithful } from "./faithful.js";
import { v8HeaderLength } from "./v8-shapes.js";
import { type Patch, applyPatches } from "./patches.js";

/**
 * Marks a payload whose value is stored as `[value, patches]`, right after the v8 header. 0x01 is
 * never the first byte of a v8 value (tags are printable ASCII, padding 0x00, version 0xFF).
 */
const PATCHED = 0x01;
const PATCHED_MARK = Uint8Array.of(PATCHED);

/**
 * Encodes anything the structured clone algorithm handles, keeping what JavaScript can observe:
 * primitives incl. bigint, -0 and NaN; plain and null-prototype objects and arrays (with extra own
 * properties, holes, attributes, frozen/sealed); Map and Set in order; Date, RegExp (with
 * lastIndex), boxed primitives, built-in Errors (prototype, name, message, stack, cause, own props);
 * typed arrays and DataViews that own their ArrayBuffer; Buffers (as their bytes); shared references
 * and cycles. It refuses, naming the path inside the value, class instances, user Error subclasses,
 * accessors, symbol keys, functions and views into part of a larger ArrayBuffer (docs/caching.md).
 * Decoded binary data always owns exactly its bytes: nothing of the input bytes is exposed.
 */
export const v8Codec: Codec = Object.freeze({
  name: "v8",
  accepts: (): boolean => true,
  encode: (value: unknown): Uint8Array => serializeFaithfully(value, []),
  // v8 writes the payload straight after the room: no second copy of it behind the envelope header.
  encodeWithRoom: (value: unknown, room: number): Uint8Array => serializeFaithfully(value, [zeros(room)]),
  decode: (bytes: Uint8Array): unknown => deserializeFaithfully(bytes),
});

const ZEROS = new Uint8Array(256);

/** `room` zero bytes, from a shared block when small (the serializer copies them). */
function zeros(room: number): Uint8Array {
  return room <= ZEROS.length ? ZEROS.subarray(0, room) : new Uint8Array(room);
}

/** Throws a TypeError naming the path and the reason when v8 could not give `value` back as it is. */
export function assertFaithful(value: unknown): Patch[] | undefined {
  const plan = planFaithful(value);
  if (plan.refused) throw new TypeError(`${plan.refused.what} at ${plan.refused.path}: ${plan.refused.why}`);
  return plan.patches;
}

/** v8-serializes `value` after raw `prefix` bytes (room for the result envelope's header), or throws. */
export function serializeFaithfully(value: unknown, prefix: readonly Uint8Array[]): Buffer {
  const patches = assertFaithful(value);
  const serializer = new v8.DefaultSerializer();
  for (const bytes of prefix) serializer.writeRawBytes(bytes);
  serializer.writeHeader();
  if (patches === undefined) {
    serializer.writeValue(value);
  } else {
    serializer.writeRawBytes(PATCHED_MARK);
    serializer.writeValue([value, patches]);
  }
  return serializer.releaseBuffer();
}

/** Decodes what serializeFaithfully wrote (or plain v8.serialize bytes). */
export function deserializeFaithfully(bytes: Uint8Array): unknown {
  const primitive = readPrimitive(bytes);
  if (primitive !== NOT_PRIMITIVE) return primitive;
  const deserializer = new OwningDeserializer(bytes);
  deserializer.readHeader();
  if (bytes[v8HeaderLength(bytes)] !== PATCHED) return deserializer.readValue();
  deserializer.readRawBytes(1);
  const [value, patches] = deserializer.readValue() as [unknown, Patch[]];
  applyPatches(patches);
  return value;
}

interface HostObjectReader {
  _readHostObject(): ArrayBufferView;
}

/**
 * Node's deserializer returns typed arrays and Buffers as views into the bytes it reads (the whole
 * file) or into its 8 KiB Buffer pool; each is copied here into an ArrayBuffer of exactly its size.
 */
class OwningDeserializer extends v8.DefaultDeserializer {
  _readHostObject(): ArrayBufferView {
    const view = (v8.DefaultDeserializer.prototype as unknown as HostObjectReader)._readHostObject.call(this);
    const { buffer, byteOffset, byteLength } = view;
    if (byteOffset === 0 && buffer.byteLength === byteLength) return view;
    const own = buffer.slice(byteOffset, byteOffset + byteLength);
    if (Buffer.isBuffer(view)) return Buffer.from(own);
    if (view instanceof DataView) return new DataView(own);
    return new (view.constructor as new (buffer: ArrayBufferLike) => ArrayBufferView)(own);
  }
}

const NOT_PRIMITIVE = Symbol("not a primitive");
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
function readPrimitive(bytes: Uint8Array): unknown {
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
