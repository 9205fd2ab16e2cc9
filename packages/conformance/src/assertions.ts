// Small assertion helpers whose failure messages say what a store got wrong (no 32 MiB diffs).
import { AssertionError } from "node:assert";

/** Fails with `message`. */
export function fail(message: string): never {
  throw new AssertionError({ message: `[ham conformance] ${message}` });
}

/** Asserts `condition`, else fails with `message`. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Deterministic pseudo-random bytes (xorshift32), so every run writes the same values. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(length / 4));
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < length; i++) bytes[i] = (seed + i) & 0xff;
  return bytes;
}

/** Asserts `actual` holds exactly `expected`'s bytes; the message names the first difference. */
export function checkBytes(actual: unknown, expected: Uint8Array, what: string): void {
  if (!(actual instanceof Uint8Array)) {
    fail(`${what}: expected a Uint8Array of ${expected.byteLength} bytes, got ${describe(actual)}`);
  }
  if (actual.byteLength !== expected.byteLength) {
    fail(`${what}: expected ${expected.byteLength} bytes, got ${actual.byteLength}`);
  }
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.equals(e)) {
    let at = 0;
    while (at < a.length && a[at] === e[at]) at++;
    fail(`${what}: bytes differ first at offset ${at} (expected ${e[at]}, got ${a[at]})`);
  }
}

/** Asserts `actual === expected` with a readable message. */
export function checkEqual<V>(actual: V, expected: V, what: string): void {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
}

/** Asserts a promise rejects with a StoreError (by name, so duplicated installs still match). */
export async function checkRejectsWithStoreError(
  promise: Promise<unknown>,
  storeName: string,
  what: string,
): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    const named = error as { name?: unknown; message?: unknown; store?: unknown };
    check(
      named?.name === "StoreError" && typeof named.message === "string" && named.message.startsWith("[ham]"),
      `${what}: expected a StoreError from @ham/core, got ${error instanceof Error ? `${error.name}: ${error.message}` : describe(error)}`,
    );
    check(
      named.store === storeName,
      `${what}: the StoreError should name the store "${storeName}" (error.store), got ${describe(named.store)}`,
    );
    return;
  }
  fail(`${what}: expected a StoreError, but it resolved with ${describe(outcome)}`);
}

/** A short description of a value for messages. */
export function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.byteLength} bytes)`;
  if (typeof value === "string")
    return value.length > 80 ? `"${value.slice(0, 77)}…" (${value.length} chars)` : `"${value}"`;
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined || value === null || typeof value !== "object") return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 197)}…` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
