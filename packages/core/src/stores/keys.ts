// Result keys and run ids as file names: validation (no path traversal) and case-safe encoding.
import { StoreError } from "../errors.js";

/** Longest result key accepted: file names are limited to 255 bytes and encoding can grow a key. */
export const MAX_RESULT_KEY_LENGTH = 120;

const RESULT_KEY = /^[A-Za-z0-9_-]+$/;

/** Throws a StoreError naming the key unless it is 1–120 url-safe base64 characters. */
export function assertResultKey(store: string, operation: string, key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_RESULT_KEY_LENGTH || !RESULT_KEY.test(key)) {
    const shown = typeof key === "string" ? JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key) : typeof key;
    throw new StoreError(
      store,
      operation,
      `invalid result key ${shown}: keys are fingerprints of 1–${MAX_RESULT_KEY_LENGTH} url-safe base64 characters [A-Za-z0-9_-]`,
    );
  }
}

/** Throws a StoreError unless `bytes` is a Uint8Array (Buffers are Uint8Arrays). */
export function assertBytes(store: string, key: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new StoreError(store, "set", `value for result key "${key}" must be a Uint8Array of encoded bytes, got ${bytes === null ? "null" : typeof bytes}`);
  }
}

// Why encode: base64url is case-sensitive but the default file systems of macOS and Windows are not,
// so "aB" and "Ab" would share one file. Upper-case letters become "~" + lower case ("~" is not a
// key character, so decoding is unambiguous and every name stays in [a-z0-9_~-]).
const UPPER = /[A-Z]/g;
const ESCAPED = /~([a-z])/g;

/** The file name that holds `key` (keys must be valid, see assertResultKey). */
export function resultFileName(key: string): string {
  return key.replace(UPPER, (c) => `~${c.toLowerCase()}`);
}

/** The key a result file name holds, or undefined for names that are not result files (temp files…). */
export function resultKeyOfFileName(name: string): string | undefined {
  if (!/^(?:[a-z0-9_-]|~[a-z])+$/.test(name)) return undefined;
  return name.replace(ESCAPED, (_, c: string) => c.toUpperCase());
}

/** The shard folder of a key: its first two characters, lower-cased (case-insensitive file systems). */
export function shardOf(key: string): string {
  return key.slice(0, 2).toLowerCase();
}

const PLAIN_RUN_ID = /^[a-z0-9_-]{1,100}$/;

/** File name (without extension) for a run id: readable when it is plain, hex-encoded otherwise. */
export function runFileStem(runId: string): string {
  return PLAIN_RUN_ID.test(runId) ? runId : `~${Buffer.from(runId, "utf8").toString("hex")}`;
}

/** The run id a run file stem holds (inverse of runFileStem), or undefined. */
export function runIdOfFileStem(stem: string): string | undefined {
  if (PLAIN_RUN_ID.test(stem)) return stem;
  if (/^~(?:[0-9a-f]{2})+$/.test(stem)) return Buffer.from(stem.slice(1), "hex").toString("utf8");
  return undefined;
}
