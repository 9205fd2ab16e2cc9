// The default codec: node:v8 structured serialization (no code runs on decode).
import v8 from "node:v8";
import type { Codec } from "../contracts.js";

/**
 * Encodes anything the structured clone algorithm handles: primitives incl. bigint, plain objects,
 * arrays, Map, Set, Date, RegExp, Error, typed arrays, ArrayBuffer, Buffer. Class instances come
 * back as plain objects; functions and symbols cannot be encoded (encode throws).
 * Decoded typed arrays may be views into the input bytes (no copy), so callers pass fresh bytes.
 */
export const v8Codec: Codec = Object.freeze({
  name: "v8",
  accepts: (): boolean => true,
  encode: (value: unknown): Uint8Array => v8.serialize(value),
  decode: (bytes: Uint8Array): unknown => v8.deserialize(bytes),
});
