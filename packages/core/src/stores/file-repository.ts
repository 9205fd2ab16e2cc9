// FileFingerprintRepository: context key → fingerprint records in append-only JSON-lines segments,
// loaded once per open() into an in-memory index; run history as appended JSON lines (see RunLog).
import fs from "node:fs";
import path from "node:path";
import type {
  Fingerprint,
  FingerprintEntry,
  FingerprintMeta,
  FingerprintRepository,
  RunRecord,
  StoreOpenOptions,
} from "../contracts.js";
import { ConfigurationError, StoreError } from "../errors.js";
import {
  errorCode,
  fsyncDir,
  openRegularFile,
  readFrom,
  removeStaleTemps,
  writeAll,
  writeError,
  writeNewFile,
  tempPath,
} from "./fs-util.js";
import { BatchedAppends } from "./batched-appends.js";
import { FolderWrites } from "./folder-writes.js";
import { RunLog } from "./run-log.js";
import { compactSegmentName, isSealedSegment, ownSegmentName, segmentPattern } from "./segment-names.js";
import { assertNotClosed, missingFolderWarning, readOnlyError, toStoreError, type StoreState } from "./lifecycle.js";

/** Options of FileFingerprintRepository. */
export interface FileFingerprintRepositoryOptions {
  /** Cache folder (default `.ham_cache`); may be shared with FileResultStore. */
  path?: string;
  /**
   * fdatasync the segment after every `set`/`setMany`/`delete` and every saved run (default
   * false). Off, a crashed process loses nothing it wrote (the data is in the OS); on, records
   * also survive a power loss, at ~100× the cost of an append.
   */
  fsync?: boolean;
  /**
   * Compact sealed segments (of finished processes) into one on `open()` once there are at least
   * this many (default 8). Keeps open() and miss refreshes cheap after many runs.
   */
  compactAfterSegments?: number;
}

/** One line of a segment: a record (`f` set) or a deletion (`d: 1`). `w` orders writes. */
interface SegmentLine {
  k: string;
  f?: string;
  n?: string;
  v?: string;
  t?: number;
  d?: 1;
  w: number;
}

/** The index's view of a key: the newest line seen for it and the segment it came from. */
interface IndexRecord {
  /** Fingerprint, or undefined when the newest line deleted the key. */
  readonly fingerprint: string | undefined;
  readonly node: string;
  readonly codeVersion: string;
  readonly createdAt: number;
  readonly writtenAt: number;
  segment: string;
}

/** Lines waiting for their batch to be appended (BatchedAppends), with the index records they replaced. */
interface QueuedLines {
  readonly bytes: Buffer;
  readonly applied: readonly {
    readonly key: string;
    readonly record: IndexRecord;
    readonly before: IndexRecord | undefined;
  }[];
}

/** Bytes of a segment already applied to the index (up to its last complete line). */
interface SegmentState {
  offset: number;
  size: number;
}

const SEGMENT = segmentPattern("log");
/**
 * A lookup that misses lists the folder again for other processes' new segments at most this often
 * (ms). A cold run misses on every node, and a listing costs tens of µs (five system calls), more in
 * a process whose code is not optimised yet; another process's segment started since is found at the
 * next listing, as if that process had been this much slower (a false miss at worst, never a wrong hit).
 */
export const MISS_LIST_MS = 10;
const NEWLINE = 0x0a;

/**
 * Warm reads cost a Map lookup: every segment in `<path>/meta/` is read once by `open()` (or the
 * first use), then `get`/`getMany` answer from memory. Each open session appends to its own segment
 * (`<time>-<host>-<pid>-<random>.log`, created on the first write, ~4 µs per append), so processes
 * sharing the folder never interleave bytes. A line cut short by a crash has no newline and is
 * ignored; unparsable lines are skipped. When two lines set the same key, the later write (by
 * wall-clock time, then segment order) wins.
 *
 * Seeing other processes: on a miss (`get`, `getEntry`, `getMany` with misses) and before
 * `entries()`, the folder is listed again and only new bytes of other segments are read (a
 * readdir plus one stat per segment, tens of µs), so a second process sees a first one's records
 * without reopening. A `get`/`getMany` miss lists it for new segments at most once every MISS_LIST_MS
 * (10 ms) unless another store of this process wrote there since (a cold run misses on every node); new
 * lines in the segments it knows are read on every miss.
 *
 * Compaction: on open, once `compactAfterSegments` segments are sealed (their process is gone, or
 * from another host and idle for a day), they are merged into one `…-compact-….log` and removed.
 * Segments of live processes are never touched.
 *
 * Opened with `{ readOnly: true }` it writes nothing: no folders, no temp clean-up, no compaction,
 * and every write (`set`, `setMany`, `delete`, `saveRun`, `deleteRuns`) throws a StoreError.
 */
export class FileFingerprintRepository implements FingerprintRepository {
  readonly name: string;
  readonly path: string;
  readonly #metaDir: string;
  readonly #runsDir: string;
  readonly #runs: RunLog;
  readonly #fsync: boolean;
  readonly #compactAfter: number;
  #state: StoreState = "initial";
  #readOnly = false;
  #index = new Map<string, IndexRecord>();
  #segments = new Map<string, SegmentState>();
  #ownSegment: string | undefined;
  #ownFd: number | undefined;
  #lastWrite = 0;
  /** What this process's stores wrote to the meta folder since this store last listed it, and when a miss last listed it. */
  readonly #writes: FolderWrites;
  #listedAt = Number.NEGATIVE_INFINITY;
  readonly #appends = new BatchedAppends<QueuedLines>((queued) => this.#appendQueued(queued));

  constructor(options: FileFingerprintRepositoryOptions = {}) {
    const { path: root = ".ham_cache", fsync = false, compactAfterSegments = 8 } = options;
    if (typeof root !== "string" || root === "") {
      throw new ConfigurationError(
        `FileFingerprintRepository: option "path" must be a non-empty string (a folder), got ${JSON.stringify(root)}`,
      );
    }
    if (typeof fsync !== "boolean")
      throw new ConfigurationError(`FileFingerprintRepository: option "fsync" must be true or false`);
    if (!Number.isInteger(compactAfterSegments) || compactAfterSegments < 2) {
      throw new ConfigurationError(
        `FileFingerprintRepository: option "compactAfterSegments" must be an integer ≥ 2, got ${String(compactAfterSegments)}`,
      );
    }
    this.path = root;
    this.name = `file:${root}`;
    this.#metaDir = path.join(root, "meta");
    this.#writes = new FolderWrites(this.#metaDir);
    this.#runsDir = path.join(root, "runs");
    this.#fsync = fsync;
    this.#compactAfter = compactAfterSegments;
    this.#runs = new RunLog(this.#runsDir, fsync, () => this.#makeFolders());
  }

  async open(options?: StoreOpenOptions): Promise<void> {
    this.#open(options);
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#appends.flush();
    this.#state = "closed";
    this.#readOnly = false;
    const fd = this.#ownFd;
    this.#ownFd = undefined;
    this.#ownSegment = undefined;
    this.#index = new Map();
    this.#segments = new Map();
    try {
      this.#runs.close();
    } catch (error) {
      throw toStoreError(this.name, "close", error, "closing this process's run segment");
    }
    if (fd !== undefined) {
      try {
        if (this.#fsync) fs.fdatasyncSync(fd);
        fs.closeSync(fd);
      } catch (error) {
        throw toStoreError(this.name, "close", error, "closing this process's segment");
      }
    }
  }

  async get(contextKey: string): Promise<Fingerprint | undefined> {
    this.#ready("get", contextKey);
    const found = this.#index.get(contextKey);
    if (found !== undefined) return found.fingerprint;
    this.#refreshOnMiss("get");
    return this.#index.get(contextKey)?.fingerprint;
  }

  async getMany(contextKeys: readonly string[]): Promise<(Fingerprint | undefined)[]> {
    this.#ready("getMany");
    const found = this.#fingerprints(contextKeys);
    if (!found.includes(undefined)) return found;
    this.#refreshOnMiss("getMany");
    return this.#fingerprints(contextKeys);
  }

  /** hotpath (a loop, not a callback made per call: see execution/pending.ts) */
  #fingerprints(contextKeys: readonly string[]): (Fingerprint | undefined)[] {
    const found = new Array<Fingerprint | undefined>(contextKeys.length);
    for (let i = 0; i < contextKeys.length; i++) found[i] = this.#index.get(contextKeys[i] as string)?.fingerprint;
    return found;
  }

  async getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    this.#ready("getEntry", contextKey);
    if (!this.#index.has(contextKey)) this.#refresh("getEntry");
    const found = this.#index.get(contextKey);
    return found?.fingerprint === undefined ? undefined : toEntry(contextKey, found);
  }

  async set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void> {
    this.#ready("set", contextKey);
    if (this.#readOnly) throw readOnlyError(this.name, "set");
    return this.#append("set", [this.#recordLine("set", contextKey, fingerprint, meta)]);
  }

  async setMany(entries: readonly FingerprintEntry[]): Promise<void> {
    this.#ready("setMany");
    if (this.#readOnly) throw readOnlyError(this.name, "setMany");
    if (entries.length === 0) return;
    const lines = entries.map((e) => {
      checkContextKey(this.name, "setMany", e?.contextKey);
      return this.#recordLine("setMany", e.contextKey, e.fingerprint, e);
    });
    return this.#append("setMany", lines);
  }

  async delete(contextKey: string): Promise<void> {
    this.#ready("delete", contextKey);
    if (this.#readOnly) throw readOnlyError(this.name, "delete");
    if (this.#index.get(contextKey)?.fingerprint === undefined) this.#refresh("delete");
    if (this.#index.get(contextKey)?.fingerprint === undefined) return;
    return this.#append("delete", [{ k: contextKey, d: 1, w: this.#writeTime(contextKey) }]);
  }

  async *entries(): AsyncIterable<FingerprintEntry> {
    this.#ready("list entries");
    this.#refresh("list entries");
    const snapshot: FingerprintEntry[] = [];
    for (const [key, record] of this.#index) {
      if (record.fingerprint !== undefined) snapshot.push(toEntry(key, record));
    }
    yield* snapshot;
  }

  async saveRun(run: RunRecord): Promise<void> {
    this.#ready("save run");
    if (this.#readOnly) throw readOnlyError(this.name, "save run");
    if (typeof run?.runId !== "string" || run.runId === "" || run.runId.length > 200) {
      throw new StoreError(this.name, "save run", "the run needs a runId string of 1–200 characters");
    }
    this.#appends.flush(); // the run's records before the run
    try {
      this.#runs.save(run);
    } catch (error) {
      throw writeError(this.name, "save run", error, `appending run "${run.runId}" to ${this.#runsDir}`, this.path);
    }
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunRecord[]> {
    this.#ready("list runs");
    let runs: RunRecord[];
    try {
      runs = this.#runs.list(options.limit);
    } catch (error) {
      throw toStoreError(this.name, "list runs", error, `reading runs in ${this.#runsDir}`);
    }
    runs.sort((a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
    return options.limit === undefined ? runs : runs.slice(0, Math.max(0, options.limit));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    this.#ready("get run");
    if (typeof runId !== "string" || runId === "" || runId.length > 200) return undefined;
    try {
      return this.#runs.get(runId);
    } catch (error) {
      throw toStoreError(this.name, "read run", error, `reading run "${runId}" in ${this.#runsDir}`);
    }
  }

  async deleteRuns(runIds: readonly string[]): Promise<void> {
    this.#ready("delete runs");
    if (this.#readOnly) throw readOnlyError(this.name, "delete runs");
    const valid = runIds.filter((runId) => typeof runId === "string" && runId !== "" && runId.length <= 200);
    try {
      this.#runs.delete(valid);
    } catch (error) {
      throw writeError(this.name, "delete runs", error, `deleting runs in ${this.#runsDir}`, this.path);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------

  #ready(operation: string, contextKey?: unknown): void {
    assertNotClosed(this.#state, this.name, operation);
    if (arguments.length > 1) checkContextKey(this.name, operation, contextKey);
    if (this.#state !== "open") this.#open();
  }

  #open(options?: StoreOpenOptions): void {
    // Read-only lasts until close(): a later plain open() must not start writing.
    if (options?.readOnly === true) this.#readOnly = true;
    if (this.#state === "open") return;
    if (this.#readOnly) {
      if (!fs.existsSync(this.path)) options?.warn?.(missingFolderWarning(this.name, this.path));
    } else {
      try {
        this.#makeFolders();
      } catch (error) {
        throw toStoreError(this.name, "open", error, `creating folders under ${this.path}`);
      }
    }
    // Listed once, for the stale temps and for reading it (the run log does the same with runs/).
    const metaNames = this.#readdir(this.#metaDir, "open");
    if (!this.#readOnly) removeStaleTemps(this.#metaDir, metaNames);
    this.#index = new Map();
    this.#segments = new Map();
    this.#ownSegment = undefined;
    this.#ownFd = undefined;
    this.#refresh("open", metaNames);
    try {
      this.#runs.open(this.#readOnly);
    } catch (error) {
      throw toStoreError(this.name, "open", error, `reading runs in ${this.#runsDir}`);
    }
    this.#state = "open";
    if (!this.#readOnly) this.#compactIfMany();
  }

  #makeFolders(): void {
    fs.mkdirSync(this.#metaDir, { recursive: true });
    fs.mkdirSync(this.#runsDir, { recursive: true });
  }

  // -------------------------------------------------------------------------------------------
  // Reading segments
  // -------------------------------------------------------------------------------------------

  /**
   * A lookup missed: reads what other stores wrote to the folder since it was last listed. New lines
   * in the segments it knows are always read (a stat each). The folder itself is listed again, for
   * segments new to it, when another store of this process wrote there since, or once MISS_LIST_MS
   * have passed since the last miss listed it: a segment another process starts within that time of
   * such a listing is found at the next one, as if that process had been that much slower. (A cold
   * run misses on every node, and listing the folder each time was a sixth of its cost.)
   */
  #refreshOnMiss(operation: string): void {
    if (this.#writes.othersWrote() || performance.now() - this.#listedAt >= MISS_LIST_MS)
      return this.#refresh(operation);
    for (const name of this.#segments.keys()) {
      // A known segment gone: another process compacted it; its lines are in a segment new to this store.
      if (name !== this.#ownSegment && !this.#readSegment(name, operation)) return this.#refresh(operation);
    }
  }

  /**
   * Reads segments that are new or grew since the last look (all of them on open). `listed`: the
   * folder's names when the caller has just listed it.
   */
  #refresh(operation: string, listed?: readonly string[]): void {
    this.#writes.look();
    // Misses share a listing made by a miss (a burst of them, as on a cold run); any other listing does not count.
    this.#listedAt = operation === "get" || operation === "getMany" ? performance.now() : Number.NEGATIVE_INFINITY;
    // A segment can vanish between readdir and read when another process compacts it; its lines
    // are then in a new compact segment, so list again until a pass loses nothing (bounded).
    for (let pass = 0; pass < 3; pass++) {
      let lost = false;
      const names = pass === 0 && listed !== undefined ? listed : this.#readdir(this.#metaDir, operation);
      for (const name of names) {
        if (name === this.#ownSegment || !SEGMENT.test(name)) continue;
        if (!this.#readSegment(name, operation)) lost = true;
      }
      if (!lost) return;
    }
  }

  /** Applies a segment's new complete lines; false when the file disappeared. */
  #readSegment(name: string, operation: string): boolean {
    const file = path.join(this.#metaDir, name);
    const known = this.#segments.get(name);
    let opened: ReturnType<typeof openRegularFile>;
    try {
      if (known !== undefined) {
        // Cheap check first: most refreshes find nothing new.
        const stat = fs.statSync(file, { throwIfNoEntry: false });
        if (stat === undefined) return false;
        if (stat.size === known.size) return true;
      }
      opened = openRegularFile(file);
    } catch (error) {
      throw toStoreError(this.name, operation, error, `reading segment ${file}`);
    }
    if (opened === "missing") return false;
    // A FIFO, socket or folder named like a segment holds no records (and a FIFO would block forever).
    if (opened === "not a regular file") return true;
    const { fd, size } = opened;
    try {
      const state = known ?? { offset: 0, size: 0 };
      this.#segments.set(name, state);
      state.size = size;
      if (size <= state.offset) return true;
      const buffer = readFrom(fd, state.offset, size - state.offset);
      const read = buffer.length;
      if (read === 0) return true;
      // Only complete lines count: the tail may be a line another process is still appending, or
      // one cut short by a crash. It is read again once its newline is there.
      const end = buffer.lastIndexOf(NEWLINE, read - 1);
      if (end < 0) return true;
      this.#applyLines(buffer, end, name);
      state.offset += end + 1;
      return true;
    } catch (error) {
      throw toStoreError(this.name, operation, error, `reading segment ${file}`);
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Applies the lines of `bytes` before `end`. Each line is decoded on its own: a segment decoded
   * whole is one large new string (fresh memory, slow to fill on some machines) for every open. A
   * newline byte never occurs inside a UTF-8 sequence, so the lines read the same either way.
   */
  #applyLines(bytes: Buffer, end: number, segment: string): void {
    for (let start = 0; start < end; ) {
      let stop = bytes.indexOf(NEWLINE, start);
      if (stop < 0 || stop > end) stop = end;
      const line = bytes.toString("utf8", start, stop);
      start = stop + 1;
      if (line === "") continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue; // A torn line (crash mid-append) followed by later appends: skip it.
      }
      if (!isSegmentLine(parsed)) continue;
      const current = this.#index.get(parsed.k);
      if (current !== undefined && current.writtenAt > parsed.w) continue;
      this.#index.set(parsed.k, {
        fingerprint: parsed.d === 1 ? undefined : parsed.f,
        node: parsed.n ?? "",
        codeVersion: parsed.v ?? "",
        createdAt: parsed.t ?? parsed.w,
        writtenAt: parsed.w,
        segment,
      });
    }
  }

  // -------------------------------------------------------------------------------------------
  // Writing
  // -------------------------------------------------------------------------------------------

  #recordLine(operation: string, contextKey: string, fingerprint: unknown, meta: FingerprintMeta): SegmentLine {
    if (typeof fingerprint !== "string" || fingerprint === "") {
      throw new StoreError(
        this.name,
        operation,
        `fingerprint for context key "${contextKey}" must be a non-empty string`,
      );
    }
    if (typeof meta !== "object" || meta === null) {
      throw new StoreError(
        this.name,
        operation,
        `meta for context key "${contextKey}" must be an object { node, codeVersion, createdAt }`,
      );
    }
    return {
      k: contextKey,
      f: fingerprint,
      n: String(meta.node),
      v: String(meta.codeVersion),
      t: Number.isFinite(meta.createdAt) ? meta.createdAt : Date.now(),
      w: this.#writeTime(contextKey),
    };
  }

  /**
   * Wall-clock time of a write of `contextKey`, never going backwards within this process, and later
   * than the line it supersedes: two lines of one key written in the same millisecond to different
   * segments (before and after a reopen, say) would otherwise be read back in folder order, and the
   * older could win (as in the result pack's #writeTime).
   */
  #writeTime(contextKey: string): number {
    const before = this.#index.get(contextKey)?.writtenAt;
    this.#lastWrite = Math.max(this.#lastWrite, Date.now(), before === undefined ? 0 : before + 1);
    return this.#lastWrite;
  }

  /**
   * Updates the index and queues the lines for this session's segment (created on the first write);
   * resolves once they are appended, batched with the others of this turn of the event loop
   * (BatchedAppends). A failed append puts the index back as it was.
   */
  #append(operation: string, lines: SegmentLine[]): Promise<void> {
    let text = "";
    for (const line of lines) text += `${JSON.stringify(line)}\n`;
    const applied: QueuedLines["applied"][number][] = [];
    for (const line of lines) {
      const record: IndexRecord = {
        fingerprint: line.d === 1 ? undefined : line.f,
        node: line.n ?? "",
        codeVersion: line.v ?? "",
        createdAt: line.t ?? line.w,
        writtenAt: line.w,
        segment: this.#ownSegment ?? "",
      };
      applied.push({ key: line.k, record, before: this.#index.get(line.k) });
      this.#index.set(line.k, record);
    }
    const bytes = Buffer.from(text, "utf8");
    return this.#appends.add({ bytes, applied }, bytes.length).catch((error: unknown) => {
      throw writeError(this.name, operation, error, `appending to ${this.#metaDir}`, this.path);
    });
  }

  /** Appends a batch of queued lines in one write (BatchedAppends' writer); on failure, unapplies them. */
  #appendQueued(queued: readonly QueuedLines[]): void {
    const bytes = queued.length === 1 ? (queued[0] as QueuedLines).bytes : Buffer.concat(queued.map((q) => q.bytes));
    try {
      const fd = this.#segmentFd();
      try {
        writeAll(fd, bytes);
        if (this.#fsync) fs.fdatasyncSync(fd);
      } catch (error) {
        // A failed append may have left part of a line; start a new segment next time so the
        // fragment cannot swallow the next line. Readers skip the fragment.
        this.#ownFd = undefined;
        this.#ownSegment = undefined;
        try {
          fs.closeSync(fd);
        } catch {
          // Already failing; the original error is the one to report.
        }
        throw error;
      }
    } catch (error) {
      for (let i = queued.length - 1; i >= 0; i--) {
        const { applied } = queued[i] as QueuedLines;
        for (let j = applied.length - 1; j >= 0; j--) {
          const { key, record, before } = applied[j] as QueuedLines["applied"][number];
          if (this.#index.get(key) !== record) continue; // replaced since
          if (before === undefined) this.#index.delete(key);
          else this.#index.set(key, before);
        }
      }
      throw error;
    }
    this.#writes.wrote();
    const segment = this.#ownSegment ?? "";
    for (const { applied } of queued) for (const { record } of applied) record.segment = segment;
  }

  #segmentFd(): number {
    if (this.#ownFd !== undefined) return this.#ownFd;
    const name = ownSegmentName("log");
    let fd: number;
    try {
      fd = fs.openSync(path.join(this.#metaDir, name), "ax");
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
      this.#makeFolders(); // The cache folder was removed while open.
      fd = fs.openSync(path.join(this.#metaDir, name), "ax");
    }
    if (this.#fsync) fsyncDir(this.#metaDir);
    this.#ownFd = fd;
    this.#ownSegment = name;
    return fd;
  }

  // -------------------------------------------------------------------------------------------
  // Compaction
  // -------------------------------------------------------------------------------------------

  #compactIfMany(): void {
    const sealed = [...this.#segments.keys()].filter((name) => isSealedSegment(this.#metaDir, name));
    if (sealed.length < this.#compactAfter) return;
    const sealedSet = new Set(sealed);
    // Deletions must stay recorded while some other segment may still hold an older value.
    const keepDeletions = this.#segments.size > sealed.length;
    let text = "";
    const moved: IndexRecord[] = [];
    for (const [key, record] of this.#index) {
      if (!sealedSet.has(record.segment)) continue;
      moved.push(record);
      if (record.fingerprint === undefined) {
        if (keepDeletions) text += `${JSON.stringify({ k: key, d: 1, w: record.writtenAt })}\n`;
        continue;
      }
      const line: SegmentLine = {
        k: key,
        f: record.fingerprint,
        n: record.node,
        v: record.codeVersion,
        t: record.createdAt,
        w: record.writtenAt,
      };
      text += `${JSON.stringify(line)}\n`;
    }
    const name = compactSegmentName("log");
    const target = path.join(this.#metaDir, name);
    try {
      const temp = tempPath(this.#metaDir);
      writeNewFile(temp, text, this.#fsync);
      fs.renameSync(temp, target);
      if (this.#fsync) fsyncDir(this.#metaDir);
    } catch {
      // Compaction is an optimisation: on failure the old segments stay and hold everything.
      return;
    }
    for (const old of sealed) {
      try {
        fs.unlinkSync(path.join(this.#metaDir, old));
      } catch {
        // Another process compacting at the same time removed it first.
      }
      this.#segments.delete(old);
    }
    for (const record of moved) record.segment = name;
    const size = Buffer.byteLength(text);
    this.#segments.set(name, { offset: size, size });
    this.#writes.wrote();
  }

  // -------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------

  #readdir(dir: string, operation: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch (error) {
      if (errorCode(error) === "ENOENT") return [];
      throw toStoreError(this.name, operation, error, `listing ${dir}`);
    }
  }
}

function checkContextKey(store: string, operation: string, contextKey: unknown): asserts contextKey is string {
  if (typeof contextKey !== "string" || contextKey === "") {
    throw new StoreError(
      store,
      operation,
      `context key must be a non-empty string, got ${JSON.stringify(contextKey) ?? typeof contextKey}`,
    );
  }
}

function toEntry(contextKey: string, record: IndexRecord): FingerprintEntry {
  return {
    contextKey,
    fingerprint: record.fingerprint as string,
    node: record.node,
    codeVersion: record.codeVersion,
    createdAt: record.createdAt,
  };
}

function isSegmentLine(value: unknown): value is SegmentLine {
  if (typeof value !== "object" || value === null) return false;
  const line = value as Partial<SegmentLine>;
  if (typeof line.k !== "string" || typeof line.w !== "number") return false;
  return line.d === 1 || typeof line.f === "string";
}
