// encodeDict / decodeDict: the reversible, deterministic encoding of execution context keys.
import { HamError } from "../errors.js";
import { FINGERPRINT_SPEC_VERSION } from "../fingerprint/encoder.js";

/**
 * Format marker at the start of every encoded dict. It moves with the fingerprint spec version, so a
 * change to how values are fingerprinted gives new keys instead of colliding with old ones.
 */
export const KEY_FORMAT = `f${FINGERPRINT_SPEC_VERSION}.`;

/**
 * Encodes a string-valued dict as a url-safe string: keys sorted, so equal dicts give equal strings;
 * reversible with `decodeDict`. No compression: a context key is built per node on the warm path.
 */
export function encodeDict(dict: Readonly<Record<string, string>>): string {
  const keys = Object.keys(dict);
  if (keys.length > 1) keys.sort();
  // The JSON of the flat [key, value, …] array, written out (JSON.stringify of each string, as of the array).
  let json = "[";
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    json += `${i === 0 ? "" : ","}${JSON.stringify(key)},${JSON.stringify(dict[key])}`;
  }
  return KEY_FORMAT + base64url(`${json}]`);
}

/** `encodeDict({ [key]: value })` without building the object (a computed key costs a hidden class per key). */
export function encodePair(key: string, value: string): string {
  return KEY_FORMAT + base64url(`[${JSON.stringify(key)},${JSON.stringify(value)}]`);
}

/** Reused for the UTF-8 bytes of short texts: `Buffer.from(text)` allocates per call, on the warm path per node. */
const scratch = Buffer.allocUnsafeSlow(1 << 16);

/** base64url of `text`'s UTF-8 bytes. */
function base64url(text: string): string {
  // 3 bytes per UTF-16 unit at most, so the text fits whole.
  if (text.length * 3 > scratch.length) return Buffer.from(text).toString("base64url");
  return scratch.toString("base64url", 0, scratch.write(text, 0, "utf8"));
}

/** The dict an `encodeDict` string came from. Throws HamError on anything else. */
export function decodeDict(encoded: string): Record<string, string> {
  if (typeof encoded !== "string" || !encoded.startsWith(KEY_FORMAT)) {
    throw new HamError(
      `decodeDict: "${String(encoded).slice(0, 40)}" is not an encoded dict (expected the "${KEY_FORMAT}" prefix)`,
    );
  }
  let pairs: unknown;
  try {
    pairs = JSON.parse(Buffer.from(encoded.slice(KEY_FORMAT.length), "base64url").toString("utf8"));
  } catch (cause) {
    throw new HamError(`decodeDict: "${encoded.slice(0, 40)}…" is not valid`, { cause });
  }
  if (!Array.isArray(pairs) || pairs.length % 2 !== 0 || pairs.some((p) => typeof p !== "string")) {
    throw new HamError(`decodeDict: "${encoded.slice(0, 40)}…" does not hold key/value pairs`);
  }
  const dict: Record<string, string> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    // defineProperty, not assignment: a key named "__proto__" must stay a key.
    Object.defineProperty(dict, pairs[i] as string, {
      value: pairs[i + 1],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return dict;
}
