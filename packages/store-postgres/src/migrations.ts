// Idempotent, versioned table migrations, run under an advisory lock so concurrent open()s are safe.
import { StoreError } from "@ham/core";
import type pg from "pg";
import { qualified } from "./options.js";

/** Table names ham uses under one schema and prefix. */
export interface TableNames {
  readonly schemaVersion: string;
  readonly fingerprints: string;
  readonly runs: string;
  readonly results: string;
}

export function tableNames(schema: string, prefix: string): TableNames {
  return {
    schemaVersion: qualified(schema, `${prefix}schema_version`),
    fingerprints: qualified(schema, `${prefix}fingerprints`),
    runs: qualified(schema, `${prefix}runs`),
    results: qualified(schema, `${prefix}results`),
  };
}

interface Migration {
  readonly version: number;
  readonly statements: (t: TableNames, prefix: string) => string[];
}

// Append only: a released migration is never edited, a change is a new version.
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: (t, prefix) => [
      `CREATE TABLE IF NOT EXISTS ${t.fingerprints} (
         context_key text PRIMARY KEY,
         fingerprint text NOT NULL,
         node text NOT NULL,
         code_version text NOT NULL,
         created_at bigint NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${t.runs} (
         run_id text PRIMARY KEY,
         started_at bigint NOT NULL,
         record jsonb NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS "${prefix}runs_started_at" ON ${t.runs} (started_at DESC, run_id DESC)`,
      `CREATE TABLE IF NOT EXISTS ${t.results} (
         key text PRIMARY KEY,
         bytes bytea NOT NULL,
         size bigint NOT NULL,
         last_access bigint NOT NULL)`,
    ],
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

// One lock for every ham migration in the database: migrations are rare and short, and a single
// key also serialises CREATE SCHEMA between caches that use different prefixes.
const MIGRATION_LOCK_KEY = "ham:store-postgres:migrations";

/**
 * Whether the tables under `schema`/`prefix` are at this package's schema version: one statement, so
 * opening an existing cache costs one round trip after connecting (migrate takes six). False when
 * they are missing or at another version (then `migrate` creates them, or says what is wrong).
 */
export async function isCurrent(client: pg.PoolClient, schema: string, prefix: string): Promise<boolean> {
  const t = tableNames(schema, prefix);
  try {
    // A role that may not CREATE in the schema goes through migrate too, and fails there as before:
    // at open, not at its first write.
    const { rows } = await client.query<{ version: number | null; creates: boolean }>(
      `SELECT max(version) AS version, has_schema_privilege($1, 'CREATE') AS creates FROM ${t.schemaVersion}`,
      [schema],
    );
    return rows[0]?.version === LATEST_SCHEMA_VERSION && rows[0].creates;
  } catch {
    return false; // no such schema or table yet (or no right to read it): migrate decides
  }
}

/**
 * Brings the tables under `schema`/`prefix` to the latest version. Safe to run from many processes
 * at once: the transaction-scoped advisory lock makes them take turns, and each re-reads the
 * version after it holds the lock.
 */
export async function migrate(client: pg.PoolClient, storeName: string, schema: string, prefix: string): Promise<void> {
  const t = tableNames(schema, prefix);
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [MIGRATION_LOCK_KEY]);
    // Check before CREATE SCHEMA: a user without CREATE on the database can still use an existing schema.
    const existing = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
    if (existing.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.schemaVersion} (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${t.schemaVersion}`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new StoreError(
        storeName,
        "open",
        `tables ${t.schemaVersion} are at schema version ${current}, newer than this @ham/store-postgres knows (${LATEST_SCHEMA_VERSION}): upgrade @ham/store-postgres on this machine`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements(t, prefix)) await client.query(statement);
      await client.query(`INSERT INTO ${t.schemaVersion} (version) VALUES ($1)`, [migration.version]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * What a read-only open does instead of migrating: checks, with reads only, that `tables` and the
 * schema version table exist at this package's schema version. Throws a StoreError naming what is
 * missing and how to create it (an open without readOnly, by a role that may create tables).
 */
export async function checkTables(
  client: pg.PoolClient,
  storeName: string,
  schema: string,
  prefix: string,
  tables: readonly Exclude<keyof TableNames, "schemaVersion">[],
): Promise<void> {
  const t = tableNames(schema, prefix);
  const wanted = [t.schemaVersion, ...tables.map((name) => t[name])];
  const { rows } = await client.query<{ name: string; present: boolean }>(
    "SELECT name, to_regclass(name) IS NOT NULL AS present FROM unnest($1::text[]) AS name",
    [wanted],
  );
  const missing = rows.filter((r) => !r.present).map((r) => r.name);
  const create = `create them by opening the store once without readOnly (a writing run of the cache, or \`await store.open()\`) as a role that may CREATE in schema "${schema}"`;
  if (missing.length > 0) {
    throw new StoreError(
      storeName,
      "open read-only",
      `table${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ${missing.length > 1 ? "do" : "does"} not exist, and a read-only open creates nothing: ${create}`,
    );
  }
  const { rows: versions } = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${t.schemaVersion}`,
  );
  const current = versions[0]?.version ?? 0;
  if (current !== LATEST_SCHEMA_VERSION) {
    throw new StoreError(
      storeName,
      "open read-only",
      current > LATEST_SCHEMA_VERSION
        ? `tables ${t.schemaVersion} are at schema version ${current}, newer than this @ham/store-postgres knows (${LATEST_SCHEMA_VERSION}): upgrade @ham/store-postgres on this machine`
        : `tables ${t.schemaVersion} are at schema version ${current}, older than this @ham/store-postgres needs (${LATEST_SCHEMA_VERSION}), and a read-only open migrates nothing: ${create.replace("create them", "migrate them")}`,
    );
  }
}
