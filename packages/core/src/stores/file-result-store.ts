// FileResultStore: results as one content-addressed file each under `<path>/results/`, written atomically.
import fs from "node:fs";
import path from "node:path";
import type { Fingerprint, ResultStore, StoreOpenOptions } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { atomicWriteFile, errorCode, isRegularFile, readRegularFile, removeStaleTemps, writeError } from "./fs-util.js";
import { assertBytes, assertResultKey, resultFileName, resultKeyOfFileName, shardOf } from "./keys.js";
import { assertNotClosed, missingFolderWarning, readOnlyError, toStoreError, type StoreState } from "./lifecycle.js";

/** Options of FileResultStore. */
export interface FileResultStoreOptions {
  /** Cache folder (default `.ham_cache`); may be shared with FileFingerprintRepository. */
  path?: string;
  /**
   * fsync each result file and its folder before `set` returns (default false). Off, a crash of
   * the process still never leaves a half-written result (temp file + rename); on, results also
   * survive a power loss or kernel crash, at ~5× the write cost.
   */
  fsync?: boolean;
  /**
   * Record the last access of a result by setting its modification time on every `get`
   * (default true; ~6 µs per read). `list()` reports it as `lastAccess` for LRU clean-up. File
   * access times are not used: mounts with `noatime`/`relatime` make them unreliable.
   */
  trackAccess?: boolean;
}

/**
 * Layout: `<path>/results/<shard>/<name>` where shard is the key's first two characters in lower
 * case and name is the key, plus `.<hex mask of its upper-case positions>` when it has any, so case
 * twins stay apart on case-insensitive file systems (macOS, Windows). Temp files live in `<path>/tmp/` and are renamed into place, so
 * concurrent processes and crashes never expose a partial result; temp files of dead writers are
 * removed by a later `open()` once they are 15 minutes old. Sync fs calls are used because they
 * are several times faster than fs.promises for small files.
 *
 * Opened with `{ readOnly: true }` it writes nothing: no folders, no temp clean-up, no access times
 * (so `trackAccess` is off), and `set`/`delete` throw a StoreError.
 */
export class FileResultStore implements ResultStore {
  readonly name: string;
  readonly path: string;
  readonly #resultsDir: string;
  readonly #tempDir: string;
  readonly #fsync: boolean;
  readonly #trackAccess: boolean;
  #state: StoreState = "initial";
  #readOnly = false;

  constructor(options: FileResultStoreOptions = {}) {
    const { path: root = ".ham_cache", fsync = false, trackAccess = true } = options;
    if (typeof root !== "string" || root === "") {
      throw new ConfigurationError(`FileResultStore: option "path" must be a non-empty string (a folder), got ${JSON.stringify(root)}`);
    }
    if (typeof fsync !== "boolean") throw new ConfigurationError(`FileResultStore: option "fsync" must be true or false`);
    if (typeof trackAccess !== "boolean") {
      throw new ConfigurationError(`FileResultStore: option "trackAccess" must be true or false`);
    }
    this.path = root;
    this.name = `file:${root}`;
    this.#resultsDir = path.join(root, "results");
    this.#tempDir = path.join(root, "tmp");
    this.#fsync = fsync;
    this.#trackAccess = trackAccess;
  }

  async open(options?: StoreOpenOptions): Promise<void> {
    this.#open(options);
  }

  async close(): Promise<void> {
    this.#state = "closed";
    this.#readOnly = false;
  }

  async has(key: Fingerprint): Promise<boolean> {
    this.#ready("check", key);
    return isRegularFile(this.#fileOf(key));
  }

  async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    this.#ready("get", key);
    return this.#read(key);
  }

  async getMany(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]> {
    assertNotClosed(this.#state, this.name, "getMany");
    for (const key of keys) assertResultKey(this.name, "getMany", key);
    this.#open();
    return keys.map((key) => this.#read(key));
  }

  async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.#ready("set", key);
    if (this.#readOnly) throw readOnlyError(this.name, "set");
    assertBytes(this.name, key, bytes);
    const file = this.#fileOf(key);
    // Content-addressed: an existing file already holds these bytes, so the write is skipped.
    if (isRegularFile(file)) return;
    const makeShard = (): void => void fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      // Anything else at the path is no result (see #read) and is replaced: the rename below
      // replaces a FIFO or socket, but not a folder.
      if (fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory()) fs.rmSync(file, { recursive: true, force: true });
      try {
        atomicWriteFile(this.#tempDir, file, bytes, this.#fsync, makeShard);
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw error;
        // The cache folder was removed while open (e.g. `rm -rf .ham_cache`): recreate it, retry once.
        this.#makeFolders();
        atomicWriteFile(this.#tempDir, file, bytes, this.#fsync, makeShard);
      }
    } catch (error) {
      throw writeError(this.name, "set", error, `writing result "${key}" to ${file}`, this.path);
    }
  }

  async delete(key: Fingerprint): Promise<void> {
    this.#ready("delete", key);
    if (this.#readOnly) throw readOnlyError(this.name, "delete");
    try {
      fs.unlinkSync(this.#fileOf(key));
    } catch (error) {
      if (errorCode(error) !== "ENOENT" && errorCode(error) !== "ENOTDIR") {
        throw toStoreError(this.name, "delete", error, `deleting result "${key}"`);
      }
    }
  }

  async *list(): AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }> {
    assertNotClosed(this.#state, this.name, "list");
    this.#open();
    for (const shard of this.#readdir(this.#resultsDir)) {
      const shardDir = path.join(this.#resultsDir, shard);
      for (const name of this.#readdir(shardDir)) {
        const key = resultKeyOfFileName(name);
        if (key === undefined || shardOf(key) !== shard) continue;
        const stat = fs.statSync(path.join(shardDir, name), { throwIfNoEntry: false });
        if (stat === undefined || !stat.isFile()) continue;
        yield { key, bytes: stat.size, lastAccess: Math.max(stat.mtimeMs, stat.atimeMs) };
      }
    }
  }

  async size(): Promise<number> {
    let total = 0;
    for await (const entry of this.list()) total += entry.bytes;
    return total;
  }

  #read(key: string): Uint8Array | undefined {
    const file = this.#fileOf(key);
    let bytes: Buffer | "missing" | "not a regular file";
    try {
      bytes = readRegularFile(file);
    } catch (error) {
      throw toStoreError(this.name, "get", error, `reading result "${key}" from ${file}`);
    }
    // A FIFO, socket, device or folder at a result's path is no result (and reading a FIFO would
    // block forever): it reads as missing, so the cache recomputes, and set() replaces it.
    if (typeof bytes === "string") return undefined;
    if (this.#trackAccess && !this.#readOnly) {
      const now = Date.now() / 1000;
      try {
        fs.utimesSync(file, now, now);
      } catch {
        // Deleted meanwhile, read-only cache or another user's file: access tracking is best effort.
      }
    }
    // A plain Uint8Array, like every other store returns (a Buffer is a subclass with other semantics).
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #fileOf(key: string): string {
    return path.join(this.#resultsDir, shardOf(key), resultFileName(key));
  }

  #readdir(dir: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
      throw toStoreError(this.name, "list", error, `reading folder ${dir}`);
    }
  }

  #ready(operation: string, key: unknown): asserts key is string {
    assertNotClosed(this.#state, this.name, operation);
    assertResultKey(this.name, operation, key);
    this.#open();
  }

  #open(options?: StoreOpenOptions): void {
    // Read-only lasts until close(): a later plain open() must not start writing.
    if (options?.readOnly === true) this.#readOnly = true;
    if (this.#state === "open") return;
    if (this.#readOnly) {
      if (!fs.existsSync(this.path)) options?.warn?.(missingFolderWarning(this.name, this.path));
      this.#state = "open";
      return;
    }
    try {
      this.#makeFolders();
    } catch (error) {
      throw toStoreError(this.name, "open", error, `creating folders under ${this.path}`);
    }
    removeStaleTemps(this.#tempDir);
    this.#state = "open";
  }

  #makeFolders(): void {
    fs.mkdirSync(this.#resultsDir, { recursive: true });
    fs.mkdirSync(this.#tempDir, { recursive: true });
  }
}
