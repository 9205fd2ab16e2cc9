// In-memory ResultStore: the reference implementation of the contract, and for tests.
import type { Fingerprint, ResultStore, StoreOpenOptions } from "../contracts.js";
import { assertBytes, assertResultKey } from "./keys.js";
import { assertNotClosed, readOnlyError, type StoreState } from "./lifecycle.js";

interface MemoryResult {
  readonly bytes: Uint8Array;
  lastAccess: number;
}

/**
 * Keeps result bytes in a map. Bytes are copied on `set` and on `get`, because decoded values (typed
 * arrays from v8.deserialize) may be views into the returned buffer: a caller mutating its result
 * must never change what the store holds. Keys follow the same rules as the file store. Opened with
 * `{ readOnly: true }`, reads leave `lastAccess` alone and writes throw a StoreError until `close()`.
 */
export class MemoryResultStore implements ResultStore {
  readonly name = "memory";
  #state: StoreState = "initial";
  #readOnly = false;
  readonly #results = new Map<string, MemoryResult>();

  async open(options?: StoreOpenOptions): Promise<void> {
    if (options?.readOnly === true) this.#readOnly = true;
    this.#state = "open";
  }

  async close(): Promise<void> {
    this.#state = "closed";
    this.#readOnly = false;
  }

  async has(key: Fingerprint): Promise<boolean> {
    this.#check("check", key);
    return this.#results.has(key);
  }

  async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    this.#check("get", key);
    return this.#read(key);
  }

  async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.#check("set", key);
    if (this.#readOnly) throw readOnlyError(this.name, "set");
    // Content-addressed: the same key always holds the same bytes, so an existing entry is kept.
    assertBytes(this.name, key, bytes);
    if (this.#results.has(key)) return;
    this.#results.set(key, { bytes: new Uint8Array(bytes), lastAccess: Date.now() });
  }

  async delete(key: Fingerprint): Promise<void> {
    this.#check("delete", key);
    if (this.#readOnly) throw readOnlyError(this.name, "delete");
    this.#results.delete(key);
  }

  async getMany(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]> {
    assertNotClosed(this.#state, this.name, "getMany");
    for (const key of keys) assertResultKey(this.name, "getMany", key);
    return keys.map((key) => this.#read(key));
  }

  async *list(): AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }> {
    assertNotClosed(this.#state, this.name, "list");
    const snapshot = [...this.#results].map(([key, r]) => ({
      key,
      bytes: r.bytes.byteLength,
      lastAccess: r.lastAccess,
    }));
    yield* snapshot;
  }

  async size(): Promise<number> {
    assertNotClosed(this.#state, this.name, "size");
    let total = 0;
    for (const r of this.#results.values()) total += r.bytes.byteLength;
    return total;
  }

  #read(key: string): Uint8Array | undefined {
    const found = this.#results.get(key);
    if (found === undefined) return undefined;
    if (!this.#readOnly) found.lastAccess = Date.now();
    return found.bytes.slice();
  }

  #check(operation: string, key: unknown): asserts key is string {
    assertNotClosed(this.#state, this.name, operation);
    assertResultKey(this.name, operation, key);
  }
}
