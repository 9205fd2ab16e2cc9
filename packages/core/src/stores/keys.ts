// Result keys and run ids as file names: validation (no path traversal) and case-safe encoding.
import { StoreError } from "../errors.js";

/** Longest result key accepted: file names are limited to 255 bytes (see resultFileName). */
export const MAX_RESULT_KEY_LENGTH = 200;

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
    throw new StoreError(
      store,
      "set",
      `value for result key "${key}" must be a Uint8Array of encoded bytes, got ${bytes === null ? "null" : typeof bytes}`,
    );
  }
}

/** The total length of `setChunks` pieces, after checking they are an array of Uint8Arrays; a StoreError otherwise. */
export function chunksLength(store: string, key: string, chunks: unknown): number {
  let total = 0;
  for (const chunk of Array.isArray(chunks) ? (chunks as unknown[]) : [undefined]) {
    if (!(chunk instanceof Uint8Array)) {
      throw new StoreError(
        store,
        "setChunks",
        `chunks for result key "${key}" must be an array of Uint8Arrays (the encoded bytes in pieces), got ${Array.isArray(chunks) ? `an array holding ${chunk === null ? "null" : typeof chunk}` : chunks === null ? "null" : typeof chunks}`,
      );
    }
    total += chunk.byteLength;
  }
  return total;
}

// Why the suffix: base64url is case-sensitive but the default file systems of macOS and Windows
// are not, so "aB" and "Ab" would share one file. A key with upper-case letters gets "." plus a hex
// bit mask of their positions: case twins then differ in a case-insensitive part of the name, and
// the key itself stays readable in the name. At most 200 + 1 + 50 = 251 characters.
const MASK_SUFFIX = /\.[0-9a-f]+$/;

/** The file name that holds `key` (keys must be valid, see assertResultKey). */
export function resultFileName(key: string): string {
  const mask = caseMask(key);
  return mask === "" ? key : `${key}.${mask}`;
}

/** The key a result file name holds, or undefined for names that are not result files (temp files…). */
export function resultKeyOfFileName(name: string): string | undefined {
  const dot = name.indexOf(".");
  const key = dot < 0 ? name : name.slice(0, dot);
  if (key.length === 0 || key.length > MAX_RESULT_KEY_LENGTH || !RESULT_KEY.test(key)) return undefined;
  if (dot >= 0 && !MASK_SUFFIX.test(name.slice(dot))) return undefined;
  return resultFileName(key) === name ? key : undefined;
}

/** Hex digits where bit j of digit i is set when key[4i + j] is upper case; trailing zeros trimmed. */
function caseMask(key: string): string {
  let mask = "";
  let pending = 0; // zero digits not yet written (trimmed if nothing follows)
  for (let i = 0; i < key.length; i += 4) {
    let nibble = 0;
    for (let j = 0; j < 4 && i + j < key.length; j++) {
      const c = key.charCodeAt(i + j);
      if (c >= 65 && c <= 90) nibble |= 1 << j;
    }
    if (nibble === 0) {
      pending++;
    } else {
      mask += "0".repeat(pending) + nibble.toString(16);
      pending = 0;
    }
  }
  return mask;
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
