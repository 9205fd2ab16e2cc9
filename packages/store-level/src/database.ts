// The LevelDB connection both classes share: options validation, lazy open, sublevels, error mapping.
import fs from "node:fs";
import { ConfigurationError, StoreError, errorMessage } from "@ham/core";
import { readOnlyError, type StoreOpenOptions } from "@ham/core/stores";
import { Level } from "level";
import { readOnlyCopy } from "./read-only-copy.js";

/**
 * A LevelDB database from the `level` package. Typed loosely on purpose: the classes use their own
 * sublevels with their own encodings, so the database's default key/value types do not matter.
 */
// `any`: a Level<K, V> of any default encodings works, since every sublevel sets its own.
export type LevelDatabase = Level<any, any>;

/** Where the data lives: a directory (the store opens and closes it) or a database you opened. */
export type LevelStoreOptions =
  | {
      /** Directory of a LevelDB database the store opens itself (created when missing). */
      readonly location: string;
      readonly db?: undefined;
    }
  | {
      /**
       * A `Level` instance you own: the store uses its own sublevel inside it (so one database can
       * hold the repository and the result store) and never closes it — close it yourself.
       */
      readonly db: LevelDatabase;
      readonly location?: undefined;
    };

type Sublevel = ReturnType<LevelDatabase["sublevel"]>;

/** One open LevelDB database with the sublevels a class asked for. */
export class LevelConnection<Names extends string> {
  readonly name: string;
  readonly #location: string | undefined;
  readonly #ownsDb: boolean;
  readonly #sublevelSpecs: Readonly<Record<Names, { readonly name: string; readonly valueEncoding: string }>>;
  #db: LevelDatabase | undefined;
  #sublevels: Record<Names, Sublevel> | undefined;
  #state: "initial" | "open" | "closed" = "initial";
  #opening: Promise<void> | undefined;
  /** Opened with `{ readOnly: true }`: writes are refused until close(). */
  #readOnly = false;
  /** The private copy a read-only `{ location }` store reads (removed by close()). */
  #copy: { readonly folder: string; remove(): void } | undefined;

  constructor(
    className: string,
    options: LevelStoreOptions,
    sublevels: Readonly<Record<Names, { readonly name: string; readonly valueEncoding: string }>>,
  ) {
    if (options === null || typeof options !== "object") {
      throw new ConfigurationError(`${className} needs options: { location: "path/to/dir" } or { db: new Level(…) }`);
    }
    const { location, db } = options as { location?: unknown; db?: unknown };
    if (location !== undefined && db !== undefined) {
      throw new ConfigurationError(`${className}: give either { location } or { db }, not both`);
    }
    if (db !== undefined) {
      const candidate = db as Partial<LevelDatabase> | null;
      if (
        candidate === null ||
        typeof candidate !== "object" ||
        typeof candidate.sublevel !== "function" ||
        typeof candidate.open !== "function"
      ) {
        throw new ConfigurationError(
          `${className}: option "db" must be a Level instance from the "level" package (new Level(location)), got ${describe(db)}`,
        );
      }
      this.#db = db as LevelDatabase;
      this.#ownsDb = false;
      this.#location =
        typeof (db as { location?: unknown }).location === "string" ? (db as { location: string }).location : undefined;
    } else {
      if (typeof location !== "string" || location.trim() === "") {
        throw new ConfigurationError(
          `${className}: option "location" must be a non-empty directory path (or pass { db: new Level(…) }), got ${describe(location)}`,
        );
      }
      this.#location = location;
      this.#ownsDb = true;
    }
    this.name = `level:${this.#location ?? "(database)"}`;
    this.#sublevelSpecs = sublevels;
  }

  /**
   * Opens the database (when the store owns it) and its sublevels. Idempotent; reopens after close.
   * Read-only with `{ location }`: LevelDB writes to its folder on every open (LOCK, LOG, CURRENT,
   * MANIFEST, a new log file, compactions), so the store opens a private copy of the folder instead
   * and leaves the original untouched (see README "Read-only").
   */
  async open(options?: StoreOpenOptions): Promise<void> {
    // Read-only lasts until close(): a later plain open() must not start writing.
    if (options?.readOnly === true) this.#readOnly = true;
    if (this.#state === "open") return;
    this.#opening ??= this.#open(options).finally(() => {
      this.#opening = undefined;
    });
    await this.#opening;
  }

  async #open(options: StoreOpenOptions | undefined): Promise<void> {
    if (this.#ownsDb) {
      const location = this.#location as string;
      if (this.#readOnly) {
        if (!fs.existsSync(location)) {
          options?.warn?.(
            `store "${this.name}": the LevelDB folder ${location} does not exist; a read-only cache creates nothing, so every node is a miss (computed, not stored)`,
          );
        }
        this.#copy = readOnlyCopy(this.name, location);
        this.#db = new Level(this.#copy.folder);
      } else if (this.#db === undefined || this.#db.location !== location) {
        this.#db = new Level(location);
      }
    }
    const db = this.#db as LevelDatabase;
    try {
      await db.open();
    } catch (error) {
      throw this.#openError(error);
    }
    const sublevels = {} as Record<Names, Sublevel>;
    for (const key of Object.keys(this.#sublevelSpecs) as Names[]) {
      const spec = this.#sublevelSpecs[key];
      sublevels[key] = db.sublevel(spec.name, { valueEncoding: spec.valueEncoding });
    }
    // Sublevels open with their parent; wait for that so the first operation cannot race it.
    await Promise.all(Object.values<Sublevel>(sublevels).map((s) => s.open()));
    this.#sublevels = sublevels;
    this.#state = "open";
  }

  #openError(error: unknown): StoreError {
    const code =
      (error as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (error as { code?: unknown }).code;
    if (code === "LEVEL_LOCKED") {
      return new StoreError(
        this.name,
        "open",
        `the LevelDB database at "${this.#location}" is already open in another process (or another Level instance in this one). LevelDB allows one process at a time: to share a cache between processes or machines use @ham/store-postgres or @ham/store-s3; to keep the repository and the result store in one LevelDB, open it once and pass { db } to both`,
        { cause: error },
      );
    }
    return new StoreError(
      this.name,
      "open",
      `could not open the LevelDB database: ${errorMessage(error)}; check that the directory is writable`,
      { cause: error },
    );
  }

  /** Closes the database when the store owns it; later use without open() throws a StoreError. */
  async close(): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => {});
    if (this.#state !== "open") {
      this.#state = "closed";
      return;
    }
    this.#state = "closed";
    this.#readOnly = false;
    this.#sublevels = undefined;
    const copy = this.#copy;
    this.#copy = undefined;
    try {
      if (this.#ownsDb && this.#db) await this.#db.close();
    } catch (error) {
      throw new StoreError(this.name, "close", `could not close the LevelDB database: ${errorMessage(error)}`, {
        cause: error,
      });
    } finally {
      copy?.remove();
    }
  }

  /** The sublevels for a write; a StoreError when the store was opened read-only. */
  async writableSublevels(operation: string): Promise<Record<Names, Sublevel>> {
    const sublevels = await this.sublevels(operation);
    if (this.#readOnly) throw readOnlyError(this.name, operation);
    return sublevels;
  }

  /** The sublevels, opening on first use; a StoreError after close(). */
  async sublevels(operation: string): Promise<Record<Names, Sublevel>> {
    if (this.#state === "closed") {
      throw new StoreError(this.name, operation, "the store is closed; call open() before using it again");
    }
    if (this.#state === "initial") await this.open();
    return this.#sublevels as Record<Names, Sublevel>;
  }

  /** The database, for batches across sublevels. */
  get db(): LevelDatabase {
    return this.#db as LevelDatabase;
  }

  /** Wraps a LevelDB failure in a StoreError naming the store, the operation and the key. */
  fail(operation: string, key: string | undefined, error: unknown): StoreError {
    if (error instanceof StoreError) return error;
    const code = (error as { code?: unknown }).code;
    const what = key === undefined ? "" : ` for key "${key.length > 80 ? `${key.slice(0, 77)}…` : key}"`;
    const hint =
      code === "LEVEL_DATABASE_NOT_OPEN"
        ? "the database was closed while the store was using it (when you pass { db }, close it only after the stores)"
        : "the database may be damaged or the disk full; delete the directory to start an empty cache";
    return new StoreError(this.name, operation, `LevelDB ${operation}${what} failed: ${errorMessage(error)}; ${hint}`, {
      cause: error,
    });
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return `"${value}"`;
  if (value === null || value === undefined) return String(value);
  return typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value;
}
