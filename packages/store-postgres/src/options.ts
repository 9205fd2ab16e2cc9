// Options shared by the Postgres repository and result store, and their validation.
import { ConfigurationError } from "@ham/core";
import type pg from "pg";

/** How to reach PostgreSQL: a connection string (ham makes and owns a pool) or your own `pg.Pool`. */
export type PostgresConnectionOptions =
  | { connectionString: string; pool?: undefined }
  | { pool: pg.Pool; connectionString?: undefined };

/** Options common to `PostgresFingerprintRepository` and `PostgresResultStore`. */
export type PostgresStoreOptions = PostgresConnectionOptions & {
  /** Schema that holds ham's tables (created if missing). Default "public". */
  schema?: string;
  /** Prefix of every table name, so several caches can share one schema. Default "ham_". */
  tablePrefix?: string;
  /** Extra `pg.Pool` settings when ham makes the pool from `connectionString` (e.g. `max`). */
  poolConfig?: Omit<pg.PoolConfig, "connectionString">;
};

/** Options after validation, with defaults applied. */
export interface ResolvedPostgresOptions {
  readonly connectionString: string | undefined;
  readonly pool: pg.Pool | undefined;
  readonly schema: string;
  readonly tablePrefix: string;
  readonly poolConfig: Omit<pg.PoolConfig, "connectionString">;
}

// Unquoted-identifier rules, lower case only: a name that needs quoting or folds case is a
// mistake waiting to happen, and anything else (quotes, dots, spaces, semicolons) is rejected
// before it could ever reach SQL text.
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const MAX_IDENTIFIER_BYTES = 63;
// Longest table suffix ham appends to the prefix (see migrations.ts).
export const LONGEST_TABLE_SUFFIX = "schema_version";

export function resolvePostgresOptions(className: string, options: PostgresStoreOptions): ResolvedPostgresOptions {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(`${className}: options must be an object like { connectionString } or { pool }`);
  }
  const { connectionString, pool } = options;
  if ((connectionString === undefined) === (pool === undefined)) {
    throw new ConfigurationError(
      `${className}: give exactly one of options.connectionString (e.g. "postgres://user@host:5432/db") or options.pool (a pg.Pool)`,
    );
  }
  if (connectionString !== undefined && (typeof connectionString !== "string" || connectionString.trim() === "")) {
    throw new ConfigurationError(`${className}: options.connectionString must be a non-empty string`);
  }
  if (
    pool !== undefined &&
    (typeof pool !== "object" || pool === null || typeof (pool as pg.Pool).connect !== "function")
  ) {
    throw new ConfigurationError(`${className}: options.pool must be a pg.Pool (an object with connect() and query())`);
  }
  const schema = options.schema ?? "public";
  const tablePrefix = options.tablePrefix ?? "ham_";
  checkIdentifier(className, "schema", schema, schema);
  // The prefix alone may be empty-ish ("_") but the table names it builds must be identifiers too.
  checkIdentifier(className, "tablePrefix", tablePrefix, `${tablePrefix}${LONGEST_TABLE_SUFFIX}`);
  return {
    connectionString,
    pool,
    schema,
    tablePrefix,
    poolConfig: options.poolConfig ?? {},
  };
}

function checkIdentifier(className: string, option: string, value: unknown, longestUse: string): void {
  if (typeof value !== "string" || !IDENTIFIER.test(value)) {
    throw new ConfigurationError(
      `${className}: options.${option} must be a plain SQL identifier (lower-case letters, digits and "_", not starting with a digit), got ${JSON.stringify(value)}`,
    );
  }
  if (Buffer.byteLength(longestUse) > MAX_IDENTIFIER_BYTES) {
    throw new ConfigurationError(
      `${className}: options.${option} ${JSON.stringify(value)} is too long: PostgreSQL identifiers hold at most ${MAX_IDENTIFIER_BYTES} bytes and ham builds names like "${longestUse}"`,
    );
  }
}

/** `"schema"."name"`: identifiers are validated above, quoting keeps them literal anyway. */
export function qualified(schema: string, name: string): string {
  return `"${schema}"."${name}"`;
}
