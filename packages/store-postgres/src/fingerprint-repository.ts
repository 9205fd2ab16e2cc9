// PostgresFingerprintRepository: context key → fingerprint records, run history and single-flight locks.
import type { FingerprintRepository, RunRecord } from "@ham/core";
import type { FingerprintEntry, FingerprintMeta, ReleaseLock, StoreOpenOptions } from "@ham/core/stores";
import { PostgresConnection } from "./connection.js";
import { LockSession } from "./lock-session.js";
import { type PostgresStoreOptions, resolvePostgresOptions } from "./options.js";

export type PostgresFingerprintRepositoryOptions = PostgresStoreOptions;

interface EntryRow {
  context_key: string;
  fingerprint: string;
  node: string;
  code_version: string;
  created_at: string;
}

// Rows per page when iterating entries(): keyset pagination keeps memory flat without a cursor.
const PAGE_SIZE = 1000;

/**
 * Fingerprint repository in PostgreSQL. Several machines pointed at the same database and
 * `schema`/`tablePrefix` share one team cache. Tables are created by `open()`; `open({ readOnly: true })`
 * only checks that they exist (a role with USAGE on the schema and SELECT on the tables is enough)
 * and refuses every write.
 *
 * ```ts
 * new PostgresFingerprintRepository({ connectionString: process.env.DATABASE_URL })
 * ```
 */
export class PostgresFingerprintRepository implements FingerprintRepository {
  readonly name = "postgres";
  private readonly connection: PostgresConnection;
  readonly #locks: LockSession;

  constructor(options: PostgresFingerprintRepositoryOptions) {
    this.connection = new PostgresConnection(
      this.name,
      resolvePostgresOptions("PostgresFingerprintRepository", options),
      ["fingerprints", "runs"],
    );
    this.#locks = new LockSession(this.connection.options);
  }

  /** Connects and creates or migrates the tables (read-only: checks they exist). Idempotent; reopens after close(). */
  open(options?: StoreOpenOptions): Promise<void> {
    return this.connection.open(options);
  }

  /** Ends the pool made from `connectionString`; a pool you passed in is left open. */
  async close(): Promise<void> {
    await this.#locks.close();
    return this.connection.close();
  }

  async get(contextKey: string): Promise<string | undefined> {
    const { rows } = await this.connection.query<{ fingerprint: string }>(
      `get fingerprint for context key ${short(contextKey)}`,
      `SELECT fingerprint FROM ${this.connection.tables.fingerprints} WHERE context_key = $1`,
      [contextKey],
    );
    return rows[0]?.fingerprint;
  }

  async getMany(contextKeys: readonly string[]): Promise<(string | undefined)[]> {
    if (contextKeys.length === 0) return [];
    // One round trip for the whole batch, whatever its size.
    const { rows } = await this.connection.query<{ context_key: string; fingerprint: string }>(
      `get ${contextKeys.length} fingerprints`,
      `SELECT context_key, fingerprint FROM ${this.connection.tables.fingerprints} WHERE context_key = ANY($1::text[])`,
      [contextKeys],
    );
    const found = new Map(rows.map((r) => [r.context_key, r.fingerprint]));
    return contextKeys.map((k) => found.get(k));
  }

  async getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    const { rows } = await this.connection.query<EntryRow>(
      `get entry for context key ${short(contextKey)}`,
      `SELECT context_key, fingerprint, node, code_version, created_at FROM ${this.connection.tables.fingerprints} WHERE context_key = $1`,
      [contextKey],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  async set(contextKey: string, fingerprint: string, meta: FingerprintMeta): Promise<void> {
    await this.connection.write(
      `set fingerprint for context key ${short(contextKey)}`,
      `INSERT INTO ${this.connection.tables.fingerprints} (context_key, fingerprint, node, code_version, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (context_key) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, node = EXCLUDED.node, code_version = EXCLUDED.code_version, created_at = EXCLUDED.created_at`,
      [contextKey, fingerprint, meta.node, meta.codeVersion, Math.trunc(meta.createdAt)],
    );
  }

  async setMany(entries: readonly FingerprintEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // ON CONFLICT cannot touch one row twice in a statement: keep the last entry for each key.
    const byKey = new Map<string, FingerprintEntry>();
    for (const e of entries) byKey.set(e.contextKey, e);
    const list = [...byKey.values()];
    await this.connection.write(
      `set ${list.length} fingerprints`,
      `INSERT INTO ${this.connection.tables.fingerprints} (context_key, fingerprint, node, code_version, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])
       ON CONFLICT (context_key) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, node = EXCLUDED.node, code_version = EXCLUDED.code_version, created_at = EXCLUDED.created_at`,
      [
        list.map((e) => e.contextKey),
        list.map((e) => e.fingerprint),
        list.map((e) => e.node),
        list.map((e) => e.codeVersion),
        list.map((e) => Math.trunc(e.createdAt)),
      ],
    );
  }

  async delete(contextKey: string): Promise<void> {
    await this.connection.write(
      `delete context key ${short(contextKey)}`,
      `DELETE FROM ${this.connection.tables.fingerprints} WHERE context_key = $1`,
      [contextKey],
    );
  }

  async *entries(): AsyncIterable<FingerprintEntry> {
    let after: string | undefined;
    for (;;) {
      const { rows } = await this.connection.query<EntryRow>(
        "list entries",
        `SELECT context_key, fingerprint, node, code_version, created_at FROM ${this.connection.tables.fingerprints}
         WHERE $1::text IS NULL OR context_key COLLATE "C" > $1 ORDER BY context_key COLLATE "C" LIMIT ${PAGE_SIZE}`,
        [after ?? null],
      );
      for (const row of rows) yield toEntry(row);
      if (rows.length < PAGE_SIZE) return;
      after = rows[rows.length - 1]?.context_key;
    }
  }

  async saveRun(run: RunRecord): Promise<void> {
    await this.connection.write(
      `save run ${run.runId}`,
      `INSERT INTO ${this.connection.tables.runs} (run_id, started_at, record) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (run_id) DO UPDATE SET started_at = EXCLUDED.started_at, record = EXCLUDED.record`,
      [run.runId, Math.trunc(run.startedAt), JSON.stringify(run)],
    );
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    const limit = options.limit;
    const { rows } = await this.connection.query<{ record: RunRecord }>(
      "list runs",
      `SELECT record FROM ${this.connection.tables.runs} ORDER BY started_at DESC, run_id DESC LIMIT $1`,
      [limit === undefined || !Number.isFinite(limit) ? null : Math.max(0, Math.trunc(limit))],
    );
    return rows.map((r) => r.record);
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const { rows } = await this.connection.query<{ record: RunRecord }>(
      `get run ${runId}`,
      `SELECT record FROM ${this.connection.tables.runs} WHERE run_id = $1`,
      [runId],
    );
    return rows[0]?.record;
  }

  async deleteRuns(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.connection.write(
      `delete ${runIds.length} runs`,
      `DELETE FROM ${this.connection.tables.runs} WHERE run_id = ANY($1::text[])`,
      [runIds],
    );
  }

  /**
   * Single-flight: waits for a session-level advisory lock on `contextKey` (scoped to this
   * schema and prefix), held on a connection of its own until the returned function runs. If
   * that connection breaks, the server drops the lock with the session, so a crashed process
   * never leaves a key locked. Each held lock keeps one pool connection busy.
   */
  async acquireLock(contextKey: string): Promise<ReleaseLock> {
    const operation = `lock context key ${short(contextKey)}`;
    await this.connection.ready(operation);
    const lockKey = `ham:${this.connection.options.schema}.${this.connection.options.tablePrefix}:${contextKey}`;
    try {
      return await this.#locks.acquire(lockKey);
    } catch (error) {
      throw this.connection.toStoreError(operation, error);
    }
  }
}

function toEntry(row: EntryRow): FingerprintEntry {
  return {
    contextKey: row.context_key,
    fingerprint: row.fingerprint,
    node: row.node,
    codeVersion: row.code_version,
    createdAt: Number(row.created_at),
  };
}

/** A context key shortened for messages (they can be 4 KiB long). */
export function short(key: string): string {
  return JSON.stringify(key.length > 48 ? `${key.slice(0, 45)}...` : key);
}
