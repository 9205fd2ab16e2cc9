// LevelFingerprintRepository: context key → fingerprint records and run history in LevelDB sublevels.
import { type Fingerprint, type FingerprintRepository, type RunRecord, StoreError } from "@ham/core";
import type { FingerprintEntry, FingerprintMeta, StoreOpenOptions } from "@ham/core/stores";
import { LevelConnection, type LevelStoreOptions } from "./database.js";

/** Options of LevelFingerprintRepository: `{ location }` (a directory) or `{ db }` (a Level instance you own). */
export type LevelFingerprintRepositoryOptions = LevelStoreOptions;

/** A record as stored: short field names, as there is one per node and run. */
interface StoredRecord {
  f: string;
  n: string;
  v: string;
  t: number;
}

/** Sublevel names inside the database; stable, as they are the on-disk layout. */
const SUBLEVELS = {
  records: { name: "ham-fingerprints", valueEncoding: "json" },
  runs: { name: "ham-runs", valueEncoding: "json" },
  runsByTime: { name: "ham-runs-by-time", valueEncoding: "utf8" },
} as const;

/** Sorts run-index keys by start time: zero-padded milliseconds, then the run id. */
function timeKey(run: { startedAt: number; runId: string }): string {
  return `${String(Math.max(0, Math.trunc(run.startedAt))).padStart(16, "0")}:${run.runId}`;
}

/**
 * Keeps `contextKey → fingerprint` records in LevelDB (sublevel `ham-fingerprints`) and the run
 * history in `ham-runs` (by id) with an index by start time (`ham-runs-by-time`), so `listRuns`
 * reads only the newest runs. Batch methods map to LevelDB's `getMany` and `batch`.
 *
 * LevelDB allows one process at a time per directory: to share a repository across processes use
 * `@ham/store-postgres`.
 */
export class LevelFingerprintRepository implements FingerprintRepository {
  readonly name: string;
  readonly #connection: LevelConnection<keyof typeof SUBLEVELS>;

  constructor(options: LevelFingerprintRepositoryOptions) {
    this.#connection = new LevelConnection("LevelFingerprintRepository", options, SUBLEVELS);
    this.name = this.#connection.name;
  }

  /**
   * Opens the database (or, with `{ db }`, its sublevels). Idempotent; reopens after close().
   * `{ readOnly: true }` reads a private copy of a `{ location }` folder and refuses writes.
   */
  async open(options?: StoreOpenOptions): Promise<void> {
    await this.#connection.open(options);
  }

  /** Closes the database when this repository opened it; a `{ db }` you passed stays open. Idempotent. */
  async close(): Promise<void> {
    await this.#connection.close();
  }

  async get(contextKey: string): Promise<Fingerprint | undefined> {
    return (await this.getEntry(contextKey))?.fingerprint;
  }

  async getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    this.#checkKey("read", contextKey);
    const { records } = await this.#connection.sublevels("read");
    try {
      const stored = (await records.get(contextKey)) as StoredRecord | undefined;
      return stored === undefined ? undefined : toEntry(contextKey, stored);
    } catch (error) {
      throw this.#connection.fail("read", contextKey, error);
    }
  }

  async getMany(contextKeys: readonly string[]): Promise<(Fingerprint | undefined)[]> {
    for (const key of contextKeys) this.#checkKey("read", key);
    if (contextKeys.length === 0) return [];
    const { records } = await this.#connection.sublevels("read");
    try {
      const stored = (await records.getMany(contextKeys as string[])) as (StoredRecord | undefined)[];
      return stored.map((record) => record?.f);
    } catch (error) {
      throw this.#connection.fail("read", contextKeys[0], error);
    }
  }

  async set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void> {
    this.#checkKey("write", contextKey);
    const record = toStored(this.name, contextKey, fingerprint, meta);
    const { records } = await this.#connection.writableSublevels("write");
    try {
      await records.put(contextKey, record);
    } catch (error) {
      throw this.#connection.fail("write", contextKey, error);
    }
  }

  async setMany(entries: readonly FingerprintEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const operations = entries.map((entry) => {
      this.#checkKey("write", entry.contextKey);
      return {
        type: "put" as const,
        key: entry.contextKey,
        value: toStored(this.name, entry.contextKey, entry.fingerprint, entry),
      };
    });
    const { records } = await this.#connection.writableSublevels("write");
    try {
      // One atomic batch; for a repeated key the later entry wins, as LevelDB applies them in order.
      await records.batch(operations);
    } catch (error) {
      throw this.#connection.fail("write", entries[0]?.contextKey, error);
    }
  }

  async delete(contextKey: string): Promise<void> {
    this.#checkKey("delete", contextKey);
    const { records } = await this.#connection.writableSublevels("delete");
    try {
      await records.del(contextKey);
    } catch (error) {
      throw this.#connection.fail("delete", contextKey, error);
    }
  }

  async *entries(): AsyncIterable<FingerprintEntry> {
    const { records } = await this.#connection.sublevels("list");
    try {
      for await (const [key, value] of records.iterator()) yield toEntry(key as string, value as StoredRecord);
    } catch (error) {
      throw this.#connection.fail("list", undefined, error);
    }
  }

  async saveRun(run: RunRecord): Promise<void> {
    if (typeof run?.runId !== "string" || run.runId === "" || !Number.isFinite(run.startedAt)) {
      throw new StoreError(this.name, "save run", "a run needs a non-empty runId and a numeric startedAt");
    }
    const { runs, runsByTime } = await this.#connection.writableSublevels("save run");
    try {
      const previous = (await runs.get(run.runId)) as RunRecord | undefined;
      await this.#connection.db.batch([
        ...(previous ? [{ type: "del" as const, sublevel: runsByTime, key: timeKey(previous) }] : []),
        { type: "put", sublevel: runs, key: run.runId, value: run },
        { type: "put", sublevel: runsByTime, key: timeKey(run), value: run.runId },
      ]);
    } catch (error) {
      throw this.#connection.fail("save run", run.runId, error);
    }
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (limit <= 0) return [];
    const { runs, runsByTime } = await this.#connection.sublevels("list runs");
    try {
      const ids = (await runsByTime
        .values({ reverse: true, ...(Number.isFinite(limit) ? { limit } : {}) })
        .all()) as string[];
      if (ids.length === 0) return [];
      const found = (await runs.getMany(ids)) as (RunRecord | undefined)[];
      return found.filter((run): run is RunRecord => run !== undefined);
    } catch (error) {
      throw this.#connection.fail("list runs", undefined, error);
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const { runs } = await this.#connection.sublevels("read run");
    try {
      return ((await runs.get(runId)) as RunRecord | undefined) ?? undefined;
    } catch (error) {
      throw this.#connection.fail("read run", runId, error);
    }
  }

  async deleteRuns(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    const { runs, runsByTime } = await this.#connection.writableSublevels("delete runs");
    try {
      const found = (await runs.getMany(runIds as string[])) as (RunRecord | undefined)[];
      const operations = found.flatMap((run) =>
        run
          ? [
              { type: "del" as const, sublevel: runs, key: run.runId },
              { type: "del" as const, sublevel: runsByTime, key: timeKey(run) },
            ]
          : [],
      );
      if (operations.length > 0) await this.#connection.db.batch(operations);
    } catch (error) {
      throw this.#connection.fail("delete runs", runIds[0], error);
    }
  }

  #checkKey(operation: string, key: unknown): asserts key is string {
    if (typeof key !== "string" || key.length === 0) {
      throw new StoreError(
        this.name,
        operation,
        `context keys must be non-empty strings, got ${typeof key === "string" ? '""' : typeof key}`,
      );
    }
  }
}

function toStored(store: string, contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): StoredRecord {
  if (typeof fingerprint !== "string" || fingerprint === "") {
    throw new StoreError(
      store,
      "write",
      `the fingerprint for context key "${contextKey.slice(0, 80)}" must be a non-empty string`,
    );
  }
  return { f: fingerprint, n: meta.node, v: meta.codeVersion, t: meta.createdAt };
}

function toEntry(contextKey: string, stored: StoredRecord): FingerprintEntry {
  return { contextKey, fingerprint: stored.f, node: stored.n, codeVersion: stored.v, createdAt: stored.t };
}
