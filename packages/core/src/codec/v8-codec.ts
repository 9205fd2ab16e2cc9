// The default codec: node:v8 structured serialization (no code runs on decode), made faithful: what
// v8 would drop is patched back on decode (faithful.ts, patches.ts) or the value is refused.
import v8 from "node:v8";
import type { Codec } from "../contracts.js";
import { planFaithful } from "./faithful.js";
import { v8HeaderLength } from "./v8-shapes.js";
import { type Patch, applyPatches } from "./patches.js";
import { NOT_PRIMITIVE, readPrimitive, writePrimitive } from "./v8-primitives.js";

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
  const lone = writePrimitive(value, prefix);
  if (lone !== undefined) return lone;
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
