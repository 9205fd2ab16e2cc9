// Signing keys for signed caches: read from withCache({ signingKey }) or HAM_SIGNING_KEY, checked,
// and turned into HMAC-SHA256 helpers (the first key signs, every key verifies).
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from "node:crypto";
import { ConfigurationError } from "../errors.js";

/** One signing key: a string (used as its UTF-8 bytes) or raw bytes. */
export type SigningKey = string | Uint8Array;

/** The environment variable read when `withCache()` is given no `signingKey`. */
export const SIGNING_KEY_ENV = "HAM_SIGNING_KEY";

/** Shortest key accepted: an HMAC key shorter than this is guessable; 32 random bytes is the advice. */
export const MIN_SIGNING_KEY_BYTES = 16;

/** A key ready to use: its bytes and a short public id (a hash, so it reveals nothing of the key). */
export interface ResolvedKey {
  readonly bytes: Buffer;
  /** 8 bytes identifying the key, written beside result signatures so a reader picks the key at once. */
  readonly id: Buffer;
}

/**
 * The keys a cache signs and verifies with, or undefined when signing is off. `option` wins over
 * the environment; `false` turns signing off even when HAM_SIGNING_KEY is set. The environment
 * variable holds one key or several separated by commas (the first signs, all verify).
 */
export function resolveSigningKeys(
  option: SigningKey | readonly SigningKey[] | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedKey[] | undefined {
  if (option === false) return undefined;
  let keys: readonly unknown[];
  let where: string;
  if (option === undefined) {
    const fromEnv = env[SIGNING_KEY_ENV];
    if (fromEnv === undefined) return undefined;
    where = `the ${SIGNING_KEY_ENV} environment variable`;
    keys = keysOfEnv(fromEnv, where);
  } else {
    keys = Array.isArray(option) ? option : [option];
    where = "withCache({ signingKey })";
    if (keys.length === 0) {
      throw new ConfigurationError(
        `${where} is an empty list: give at least one key (the first signs), or leave the option out to turn signing off`,
      );
    }
  }
  const resolved = keys.map((key, index) => {
    const label = keys.length > 1 ? `${where}, key ${index + 1},` : where;
    if (typeof key !== "string" && !(key instanceof Uint8Array)) {
      throw new ConfigurationError(
        `${label} must be a string or a Uint8Array (Buffer), got ${key === null ? "null" : typeof key}`,
      );
    }
    const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
    if (bytes.length < MIN_SIGNING_KEY_BYTES) {
      // The message never includes the key itself.
      throw new ConfigurationError(
        `${label} is ${bytes.length} bytes long; a signing key needs at least ${MIN_SIGNING_KEY_BYTES} (use 32 random bytes, e.g. \`openssl rand -base64 32\`)`,
      );
    }
    return { bytes, id: createHash("sha256").update("ham-signing-key-id\u0000").update(bytes).digest().subarray(0, 8) };
  });
  return resolved;
}

/**
 * The keys listed in HAM_SIGNING_KEY. A variable that is set is a request for signing: empty,
 * blank or a list with an empty entry (",", "k1,,k2", "k1,") is an error, never "signing off" —
 * a CI secret that failed to load must not quietly turn the cache's checks off.
 */
function keysOfEnv(text: string, where: string): string[] {
  if (text.trim() === "") {
    throw new ConfigurationError(
      `${where} is set but ${text === "" ? "empty" : "blank"}: set it to a key (e.g. \`openssl rand -base64 32\`), or unset it (or pass withCache({ signingKey: false })) to turn signing off`,
    );
  }
  const keys = text.split(",").map((k) => k.trim());
  const empty = keys.indexOf("");
  if (empty >= 0) {
    throw new ConfigurationError(
      `${where} holds ${keys.length} comma-separated keys and key ${empty + 1} is empty: list keys as "new,old" with no empty entries (the first signs, all verify)`,
    );
  }
  return keys;
}

/** HMAC-SHA256 of `parts` (each prefixed with its length, so part boundaries cannot be shifted). */
export function hmac(key: ResolvedKey, domain: string, parts: readonly Part[]): Buffer {
  return framed(createHmac("sha256", key.bytes), domain, parts).digest();
}

/** SHA-256 of `parts`, framed like `hmac` (for digests that a MAC then covers). */
export function sha256(domain: string, parts: readonly Part[]): Buffer {
  return framed(createHash("sha256"), domain, parts).digest();
}

/** One framed part: text (as UTF-8), bytes, or bytes given in pieces (framed as their concatenation). */
export type Part = string | Uint8Array | readonly Uint8Array[];

function framed<H extends Hash | Hmac>(hash: H, domain: string, parts: readonly Part[]): H {
  hash.update(domain);
  for (const part of parts) {
    const pieces = typeof part === "string" ? [Buffer.from(part, "utf8")] : part instanceof Uint8Array ? [part] : part;
    let total = 0;
    for (const piece of pieces) total += piece.byteLength;
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(total));
    hash.update(length);
    for (const piece of pieces) hash.update(piece);
  }
  return hash;
}

/** Constant-time comparison of two MACs. */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** A key or context key shortened for messages (context keys may be 4 KiB). */
export function shortKey(key: string): string {
  return key.length > 60 ? `${key.slice(0, 57)}…` : key;
}
