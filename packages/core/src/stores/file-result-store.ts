// FileResultStore: small results packed into append-only segments under `<path>/packs/`, large ones one
// content-addressed file each under `<path>/results/`, written atomically.
import fs from "node:fs";
import path from "node:path";
import type { Fingerprint, ResultStore, StoreOpenOptions } from "../contracts.js";
import { CorruptResultError } from "../codec/errors.js";
import { ConfigurationError } from "../errors.js";
import {
  atomicWriteFile,
  atomicWriteFileInBackground,
  errorCode,
  isRegularFile,
  listFolder,
  readRegularFile,
  removeStaleTemps,
  writeError,
} from "./fs-util.js";
import { assertBytes, assertResultKey, chunksLength, resultFileName, resultKeyOfFileName, shardOf } from "./keys.js";
import { assertNotClosed, missingFolderWarning, readOnlyError, toStoreError, type StoreState } from "./lifecycle.js";
import { ResultPack } from "./result-pack.js";
import { ResultShards } from "./result-shards.js";

/** `has()` looks for other processes' new records and result files at most this often (ms); `get()` on every miss. */
const HAS_REFRESH_MS = 100;

/** Results of at least this many bytes are written on the thread pool (see set). */
const BACKGROUND_WRITE_BYTES = 1024 * 1024;

/** Default of `packMaxBytes` (see docs/stores.md for the measurement behind it). */
export const DEFAULT_PACK_MAX_BYTES = 32 * 1024;

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
   * Record the last access of a result for LRU clean-up (default true). `list()` reports it as
   * `lastAccess`. Hits are noted in memory and appended as small access records in one batch (at
   * most a second later, on close and at exit), at most once a minute per result: no write per hit.
   */
  trackAccess?: boolean;
  /**
   * Results of at most this many bytes are appended to this process's pack segment under
   * `<path>/packs/` (default 32 KiB); larger ones get a file each under `<path>/results/`. 0 writes
   * every result as a file of its own (the layout before packs, which is always read).
   */
  packMaxBytes?: number;
}

/**
 * Layout: small results are records in append-only segments, `<path>/packs/<time>-<host>-<pid>-<random>.pack`
 * (see ResultPack: one append per result, a CRC per record, a torn tail from a crash is never
 * read, dead space compacted). Larger ones are `<path>/results/<shard>/<name>` where shard is the key's first two characters in lower
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
  readonly #packMaxBytes: number;
  readonly #pack: ResultPack;
  readonly #shards: ResultShards;
  #state: StoreState = "initial";
  #readOnly = false;

  constructor(options: FileResultStoreOptions = {}) {
    const {
      path: root = ".ham_cache",
      fsync = false,
      trackAccess = true,
      packMaxBytes = DEFAULT_PACK_MAX_BYTES,
    } = options;
    if (typeof root !== "string" || root === "") {
      throw new ConfigurationError(
        `FileResultStore: option "path" must be a non-empty string (a folder), got ${JSON.stringify(root)}`,
      );
    }
    if (typeof fsync !== "boolean")
      throw new ConfigurationError(`FileResultStore: option "fsync" must be true or false`);
    if (typeof trackAccess !== "boolean") {
      throw new ConfigurationError(`FileResultStore: option "trackAccess" must be true or false`);
    }
    if (!Number.isSafeInteger(packMaxBytes) || packMaxBytes < 0) {
      throw new ConfigurationError(
        `FileResultStore: option "packMaxBytes" must be an integer ≥ 0 (bytes), got ${String(packMaxBytes)}`,
      );
    }
    this.path = root;
    this.name = `file:${root}`;
    this.#resultsDir = path.join(root, "results");
    this.#shards = new ResultShards(this.#resultsDir, HAS_REFRESH_MS);
    this.#tempDir = path.join(root, "tmp");
    this.#fsync = fsync;
    this.#trackAccess = trackAccess;
    this.#packMaxBytes = packMaxBytes;
    this.#pack = new ResultPack({
      dir: path.join(root, "packs"),
      fsync,
      trackAccess,
      makeFolders: () => this.#makeFolders(),
      readOnly: () => this.#readOnly,
    });
  }

  async open(options?: StoreOpenOptions): Promise<void> {
    this.#open(options);
  }

  async close(): Promise<void> {
    if (this.#state === "open") this.#pack.close();
    this.#state = "closed";
    this.#readOnly = false;
  }

  async has(key: Fingerprint): Promise<boolean> {
    this.#ready("check", key);
    if (this.#pack.has(key) || (this.#shards.mayExist(shardOf(key)) && isRegularFile(this.#fileOf(key)))) return true;
    this.#pack.refreshUnlessWithin(HAS_REFRESH_MS);
    return this.#pack.has(key);
  }

  async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    this.#ready("get", key);
    return this.#read(key, undefined);
  }

  async getMany(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]> {
    assertNotClosed(this.#state, this.name, "getMany");
    for (const key of keys) assertResultKey(this.name, "getMany", key);
    this.#open();
    const checked = new Set<object>();
    let packed: (Uint8Array | CorruptResultError | undefined)[];
    try {
      packed = this.#pack.readMany(keys, checked);
    } catch (error) {
      throw toStoreError(this.name, "get", error, `reading results from ${path.join(this.path, "packs")}`);
    }
    const out = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const found = packed[i];
      if (found instanceof CorruptResultError) throw found;
      out[i] = found ?? this.#read(keys[i] as Fingerprint, checked);
    }
    return out;
  }

  async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.#ready("set", key);
    if (this.#readOnly) throw readOnlyError(this.name, "set");
    assertBytes(this.name, key, bytes);
    const writing = this.#write(key, bytes, "set");
    if (writing !== undefined) await writing;
  }

  /** Large results in pieces (a table's record batches) are written piece by piece, with no copy into one buffer. */
  async setChunks(key: Fingerprint, chunks: readonly Uint8Array[]): Promise<void> {
    this.#ready("setChunks", key);
    if (this.#readOnly) throw readOnlyError(this.name, "setChunks");
    const total = chunksLength(this.name, key, chunks);
    // Packed results and those written synchronously take one buffer; a copy costs less than their write.
    if (total <= this.#packMaxBytes || total < BACKGROUND_WRITE_BYTES)
      await this.#write(key, Buffer.concat(chunks, total), "setChunks");
    else await this.#writeFile(key, chunks, total, "setChunks");
  }

  #write(key: Fingerprint, bytes: Uint8Array, operation: string): Promise<void> | undefined {
    if (bytes.byteLength > this.#packMaxBytes) return this.#writeFile(key, bytes, bytes.byteLength, operation);
    const failed = (error: unknown): never => {
      throw writeError(
        this.name,
        operation,
        error,
        `appending result "${key}" to ${path.join(this.path, "packs")}`,
        this.path,
      );
    };
    let appended: Promise<void> | undefined;
    try {
      appended = this.#pack.put(key, bytes);
    } catch (error) {
      failed(error);
    }
    return appended?.catch(failed);
  }

  /** Writes a result file (atomically): one buffer, or pieces when it is large enough for the background write. */
  async #writeFile(
    key: Fingerprint,
    bytes: Uint8Array | readonly Uint8Array[],
    size: number,
    operation: string,
  ): Promise<void> {
    const file = this.#fileOf(key);
    // Content-addressed: an existing file already holds these bytes, so the write is skipped.
    if (isRegularFile(file)) return;
    const makeShard = (): void => void fs.mkdirSync(path.dirname(file), { recursive: true });
    // Large results are written on the thread pool: the cache writes them behind the run, so the
    // next nodes compute meanwhile. Small ones synchronously, which is several times cheaper.
    const write = async (): Promise<void> =>
      size >= BACKGROUND_WRITE_BYTES
        ? atomicWriteFileInBackground(this.#tempDir, file, bytes, this.#fsync, makeShard)
        : atomicWriteFile(this.#tempDir, file, bytes as Uint8Array, this.#fsync, makeShard); // pieces only when large (setChunks)
    try {
      // Anything else at the path is no result (see #read) and is replaced: the rename below
      // replaces a FIFO or socket, but not a folder.
      if (fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory())
        fs.rmSync(file, { recursive: true, force: true });
      try {
        await write();
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw error;
        // The cache folder was removed while open (e.g. `rm -rf .ham_cache`): recreate it, retry once.
        this.#makeFolders();
        await write();
      }
    } catch (error) {
      throw writeError(this.name, operation, error, `writing result "${key}" to ${file}`, this.path);
    }
    this.#shards.wrote(shardOf(key));
  }

  async delete(key: Fingerprint): Promise<void> {
    this.#ready("delete", key);
    if (this.#readOnly) throw readOnlyError(this.name, "delete");
    try {
      this.#pack.delete(key);
    } catch (error) {
      throw writeError(
        this.name,
        "delete",
        error,
        `recording the deletion of result "${key}" in ${path.join(this.path, "packs")}`,
        this.path,
      );
    }
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
    this.#pack.refresh();
    for (const entry of this.#pack.entries()) yield entry;
    for (const shard of this.#readdir(this.#resultsDir)) {
      const shardDir = path.join(this.#resultsDir, shard);
      for (const name of this.#readdir(shardDir)) {
        const key = resultKeyOfFileName(name);
        if (key === undefined || shardOf(key) !== shard || this.#pack.has(key)) continue;
        const stat = fs.statSync(path.join(shardDir, name), { throwIfNoEntry: false });
        if (stat === undefined || !stat.isFile()) continue;
        yield {
          key,
          bytes: stat.size,
          lastAccess: Math.max(stat.mtimeMs, stat.atimeMs, this.#pack.lastAccessOf(key) ?? 0),
        };
      }
    }
  }

  async size(): Promise<number> {
    let total = 0;
    for await (const entry of this.list()) total += entry.bytes;
    return total;
  }

  #read(key: string, checked: Set<object> | undefined): Uint8Array | undefined {
    const packed = this.#readPacked(key, checked);
    if (packed !== undefined) return packed;
    const file = this.#fileOf(key);
    let bytes: Buffer | "missing" | "not a regular file";
    try {
      bytes = readRegularFile(file);
    } catch (error) {
      throw toStoreError(this.name, "get", error, `reading result "${key}" from ${file}`);
    }
    // A FIFO, socket, device or folder at a result's path is no result (and reading a FIFO would
    // block forever): it reads as missing, so the cache recomputes, and set() replaces it.
    if (bytes === "not a regular file") return undefined;
    if (bytes === "missing") {
      // Maybe another process packed it since this one last looked.
      this.#pack.refresh();
      return this.#readPacked(key, checked);
    }
    this.#pack.noteAccess(key);
    // A plain Uint8Array, like every other store returns (a Buffer is a subclass with other semantics).
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #readPacked(key: string, checked: Set<object> | undefined): Uint8Array | undefined {
    try {
      return this.#pack.read(key, checked);
    } catch (error) {
      if (error instanceof CorruptResultError) throw error;
      throw toStoreError(this.name, "get", error, `reading result "${key}" from ${path.join(this.path, "packs")}`);
    }
  }

  #fileOf(key: string): string {
    return path.join(this.#resultsDir, shardOf(key), resultFileName(key));
  }

  #readdir(dir: string): string[] {
    try {
      return listFolder(dir);
    } catch (error) {
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
      this.#openPack();
      this.#state = "open";
      return;
    }
    try {
      this.#makeFolders();
    } catch (error) {
      throw toStoreError(this.name, "open", error, `creating folders under ${this.path}`);
    }
    removeStaleTemps(this.#tempDir);
    this.#openPack();
    this.#state = "open";
  }

  #openPack(): void {
    try {
      this.#pack.open();
    } catch (error) {
      throw toStoreError(this.name, "open", error, `reading the packs under ${path.join(this.path, "packs")}`);
    }
  }

  #makeFolders(): void {
    fs.mkdirSync(path.join(this.path, "packs"), { recursive: true });
    fs.mkdirSync(this.#resultsDir, { recursive: true });
    fs.mkdirSync(this.#tempDir, { recursive: true });
  }
}
