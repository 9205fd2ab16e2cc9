// The default codec: node:v8 structured serialization (no code runs on decode).
import v8 from "node:v8";
import type { Codec } from "../contracts.js";
import { findUnfaithful } from "./faithful.js";

/**
 * Encodes anything the structured clone algorithm handles: primitives incl. bigint, plain objects,
 * arrays, Map, Set, Date, RegExp, built-in Errors, typed arrays, ArrayBuffer, Buffer. v8 would give
 * class instances back as plain objects, so encode refuses them (the cache then leaves the result
 * uncached with a warning; register a codec for such types); functions and symbols throw too.
 * Decoded typed arrays may be views into the input bytes (no copy), so callers pass fresh bytes.
 */
export const v8Codec: Codec = Object.freeze({
  name: "v8",
  accepts: (): boolean => true,
  encode: (value: unknown): Uint8Array => {
    assertFaithful(value);
    return v8.serialize(value);
  },
  decode: (bytes: Uint8Array): unknown => v8.deserialize(bytes),
});

/** Throws when v8 would not give `value` back as the same kinds of objects. */
export function assertFaithful(value: unknown): void {
  const unfaithful = findUnfaithful(value);
  if (unfaithful) {
    throw new TypeError(
      `${unfaithful.kind} at ${unfaithful.path} would come back from v8 serialization as a plain object, losing its class`,
    );
  }
}
