// LevelResultStore: result bytes in a LevelDB sublevel, with a small meta record per key for list/size.
import { type Fingerprint, type ResultStore, StoreError } from "@ham/core";
import type { StoreOpenOptions } from "@ham/core/stores";
import { LevelConnection, type LevelStoreOptions } from "./database.js";

/** Options of LevelResultStore: `{ location }` (a directory) or `{ db }` (a Level instance you own). */
export type LevelResultStoreOptions = LevelStoreOptions;

/** What is stored beside each result: its size and when it was written. */
interface ResultMeta {
  /** Size in bytes. */
  b: number;
  /** Written at, in milliseconds since the epoch. */
  t: number;
}

/** Sublevel names inside the database; stable, as they are the on-disk layout. */
const SUBLEVELS = {
  results: { name: "ham-results", valueEncoding: "view" },
  meta: { name: "ham-results-meta", valueEncoding: "json" },
} as const;

/**
 * Stores result bytes in LevelDB (sublevel `ham-results`), binary as written (`valueEncoding:
 * "view"`). Each value and its meta record are written in one atomic batch. Content-addressed: a
 * `set` of a key that is already stored is skipped. `list()` reports the write time as
 * `lastAccess`, because recording reads would turn every cache hit into a write.
 *
 * LevelDB allows one process at a time per directory: to share a cache across processes use
 * `@ham/store-postgres` or `@ham/store-s3`.
 */
export class LevelResultStore implements ResultStore {
  readonly name: string;
  readonly #connection: LevelConnection<keyof typeof SUBLEVELS>;

  constructor(options: LevelResultStoreOptions) {
    this.#connection = new LevelConnection("LevelResultStore", options, SUBLEVELS);
    this.name = this.#connection.name;
  }

  /**
   * Opens the database (or, with `{ db }`, its sublevels). Idempotent; reopens after close().
   * `{ readOnly: true }` reads a private copy of a `{ location }` folder and refuses writes.
   */
  async open(options?: StoreOpenOptions): Promise<void> {
    await this.#connection.open(options);
  }

  /** Closes the database when this store opened it; a `{ db }` you passed stays open. Idempotent. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  async has(key: Fingerprint): Promise<boolean> {
    this.#checkKey("check", key);
    const { meta } = await this.#connection.sublevels("check");
    try {
      return (await meta.get(key)) !== undefined;
    } catch (error) {
      throw this.#connection.fail("check", key, error);
    }
  }

  async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    this.#checkKey("read", key);
    const { results } = await this.#connection.sublevels("read");
    try {
      return ((await results.get(key)) as Uint8Array | undefined) ?? undefined;
    } catch (error) {
      throw this.#connection.fail("read", key, error);
    }
  }

  async getMany(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]> {
    for (const key of keys) this.#checkKey("read", key);
    if (keys.length === 0) return [];
    const { results } = await this.#connection.sublevels("read");
    try {
      return (await results.getMany(keys as Fingerprint[])) as (Uint8Array | undefined)[];
    } catch (error) {
      throw this.#connection.fail(
        "read",
        keys.length === 1 ? keys[0] : `${keys[0]}" and ${keys.length - 1} more "`,
        error,
      );
    }
  }

  async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.#checkKey("write", key);
    if (!(bytes instanceof Uint8Array)) {
      throw new StoreError(this.name, "write", `the value for key "${key}" must be a Uint8Array, got ${typeof bytes}`);
    }
    const { results, meta } = await this.#connection.writableSublevels("write");
    try {
      // Content-addressed: an existing key already holds these bytes, so skip rewriting them.
      if ((await meta.get(key)) !== undefined) return;
      const record: ResultMeta = { b: bytes.byteLength, t: Date.now() };
      await this.#connection.db.batch([
        { type: "put", sublevel: results, key, value: bytes },
        { type: "put", sublevel: meta, key, value: record },
      ]);
    } catch (error) {
      throw this.#connection.fail("write", key, error);
    }
  }

  async delete(key: Fingerprint): Promise<void> {
    this.#checkKey("delete", key);
    const { results, meta } = await this.#connection.writableSublevels("delete");
    try {
      await this.#connection.db.batch([
        { type: "del", sublevel: results, key },
        { type: "del", sublevel: meta, key },
      ]);
    } catch (error) {
      throw this.#connection.fail("delete", key, error);
    }
  }

  async *list(): AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }> {
    const { meta } = await this.#connection.sublevels("list");
    try {
      for await (const [key, value] of meta.iterator()) {
        const record = value as ResultMeta;
        yield { key: key as string, bytes: record.b, lastAccess: record.t };
      }
    } catch (error) {
      throw this.#connection.fail("list", undefined, error);
    }
  }

  async size(): Promise<number> {
    const { meta } = await this.#connection.sublevels("size");
    let total = 0;
    try {
      for await (const value of meta.values()) total += (value as ResultMeta).b;
    } catch (error) {
      throw this.#connection.fail("size", undefined, error);
    }
    return total;
  }

  #checkKey(operation: string, key: unknown): asserts key is string {
    if (typeof key !== "string" || key.length === 0) {
      throw new StoreError(
        this.name,
        operation,
        `keys must be non-empty strings (fingerprints), got ${typeof key === "string" ? '""' : typeof key}`,
      );
    }
  }
}
