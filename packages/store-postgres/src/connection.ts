// The connection both Postgres classes share: lazy open with migrations (or, read-only, a check
// that the tables exist), lifecycle, error mapping.
import { StoreError, isHamError } from "@ham/core";
import { readOnlyError, type StoreOpenOptions } from "@ham/core/stores";
import pg from "pg";
import { checkTables, isCurrent, migrate, tableNames, type TableNames } from "./migrations.js";
import type { ResolvedPostgresOptions } from "./options.js";

type State = "new" | "opening" | "open" | "closed";

/** One pool (owned or borrowed) plus the tables under one schema and prefix. */
export class PostgresConnection {
  readonly tables: TableNames;
  private pool: pg.Pool | undefined;
  private state: State = "new";
  /** Opened with `{ readOnly: true }`: no migrations, and writes are refused (until close()). */
  private readOnly = false;
  private opening: Promise<void> | undefined;
  private readonly secrets: string[];
  /** Where the database is, for messages: host:port/database, never credentials. */
  readonly where: string;

  constructor(
    private readonly storeName: string,
    readonly options: ResolvedPostgresOptions,
    /** The tables this class reads, checked by a read-only open. */
    private readonly usedTables: readonly Exclude<keyof TableNames, "schemaVersion">[],
  ) {
    this.tables = tableNames(options.schema, options.tablePrefix);
    this.secrets = collectSecrets(options);
    this.where = describeTarget(options);
  }

  /**
   * Connects (making a pool from the connection string if needed) and runs migrations; read-only,
   * it only checks that the tables exist (SELECT privileges are enough). Idempotent.
   */
  async open(options?: StoreOpenOptions): Promise<void> {
    // Read-only lasts until close(): a later plain open() must not start writing.
    if (options?.readOnly === true) this.readOnly = true;
    if (this.state === "open") return;
    if (this.opening) return this.opening;
    this.state = "opening";
    this.opening = this.doOpen().then(
      () => {
        this.state = "open";
        this.opening = undefined;
      },
      (error: unknown) => {
        this.state = "new";
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    let pool = this.options.pool;
    if (pool === undefined) {
      pool = new pg.Pool({ ...this.options.poolConfig, connectionString: this.options.connectionString });
      // An idle client losing its server emits 'error' on the pool; unhandled, that would end the
      // process. The next query reports the failure as a StoreError instead.
      pool.on("error", () => {});
    }
    try {
      const client = await pool.connect();
      try {
        if (this.readOnly)
          await checkTables(client, this.storeName, this.options.schema, this.options.tablePrefix, this.usedTables);
        else if (!(await isCurrent(client, this.options.schema, this.options.tablePrefix)))
          await migrate(client, this.storeName, this.options.schema, this.options.tablePrefix);
      } finally {
        client.release();
      }
    } catch (error) {
      if (this.options.pool === undefined) await pool.end().catch(() => {});
      throw this.toStoreError("open", error);
    }
    this.pool = pool;
  }

  /** Ends the pool ham made (a pool you passed in stays yours to end). Idempotent. */
  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => {});
    const pool = this.pool;
    this.pool = undefined;
    this.state = "closed";
    this.readOnly = false;
    if (pool && this.options.pool === undefined) await pool.end().catch(() => {});
  }

  /** The pool, opening on first use; after close() (without open()) this is a StoreError. */
  async ready(operation: string): Promise<pg.Pool> {
    if (this.state === "closed") {
      throw new StoreError(
        this.storeName,
        operation,
        `it is closed (${this.where}): call open() before using it again`,
      );
    }
    if (this.state !== "open") await this.open();
    // close() may have run while we waited for open().
    if (this.pool === undefined) {
      throw new StoreError(
        this.storeName,
        operation,
        `it was closed during the call (${this.where}): call open() before using it again`,
      );
    }
    return this.pool;
  }

  /** Runs one parameterised statement; any failure becomes a StoreError naming the store and operation. */
  async query<R extends pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    const pool = await this.ready(operation);
    try {
      return await pool.query<R>(text, values);
    } catch (error) {
      throw this.toStoreError(operation, error);
    }
  }

  /** Like `query`, for statements that change data: refused when the store was opened read-only. */
  async write(operation: string, text: string, values: unknown[] = []): Promise<void> {
    await this.ready(operation);
    if (this.readOnly) throw readOnlyError(this.storeName, operation);
    await this.query(operation, text, values);
  }

  /** Wraps an error from pg as a StoreError whose message has no password in it. */
  toStoreError(operation: string, error: unknown): StoreError {
    if (isHamError(error) && error instanceof StoreError) return error;
    return new StoreError(this.storeName, operation, this.redact(`${describeError(error)} (${this.where})`), {
      cause: error,
    });
  }

  redact(text: string): string {
    let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, "$1:***@");
    for (const secret of this.secrets) out = out.split(secret).join("***");
    return out;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "EHOSTUNREACH") {
    return `cannot reach PostgreSQL (${error.message}): is the server running and the connection string right?`;
  }
  const message = error.message || (error instanceof AggregateError ? error.errors.map(String).join("; ") : error.name);
  if (/terminat|Connection ended|ECONNRESET/i.test(message)) {
    return `lost the connection to PostgreSQL (${message}): the server stopped or the connection was cut; check the server and run again`;
  }
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? `${message} (SQLSTATE ${code})` : message;
}

function collectSecrets(options: ResolvedPostgresOptions): string[] {
  const secrets: string[] = [];
  if (options.connectionString) {
    try {
      const url = new URL(options.connectionString);
      if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
    } catch {
      const match = /password=([^\s]+)/.exec(options.connectionString);
      if (match?.[1]) secrets.push(match[1]);
    }
  }
  const poolPassword = (options.pool as { options?: { password?: unknown } } | undefined)?.options?.password;
  if (typeof poolPassword === "string" && poolPassword) secrets.push(poolPassword);
  if (typeof options.poolConfig.password === "string" && options.poolConfig.password)
    secrets.push(options.poolConfig.password);
  return secrets.filter((s) => s.length > 0);
}

function describeTarget(options: ResolvedPostgresOptions): string {
  let host: unknown;
  let port: unknown;
  let database: unknown;
  if (options.connectionString) {
    try {
      const url = new URL(options.connectionString);
      host = url.hostname || url.searchParams.get("host");
      port = url.port;
      database = url.pathname.replace(/^\//, "");
    } catch {
      return `database from connection string, tables ${options.schema}.${options.tablePrefix}*`;
    }
  } else {
    const o = (options.pool as { options?: Record<string, unknown> } | undefined)?.options ?? {};
    host = o.host;
    port = o.port;
    database = o.database;
  }
  const at = `${host || "localhost"}${port ? `:${port}` : ""}/${database || "(default database)"}`;
  return `database ${at}, tables ${options.schema}.${options.tablePrefix}*`;
}
