// ResultPack: small results appended to per-process segment files under `<path>/packs/`, indexed in
// memory, with access records for LRU, torn tails ignored and dead space compacted (format: pack-records.ts).
import fs from "node:fs";
import path from "node:path";
import { CorruptResultError } from "../codec/errors.js";
import { BatchedAppends } from "./batched-appends.js";
import { crc32 } from "./crc32.js";
import {
  errorCode,
  fsyncDir,
  listFolder,
  openRegularFile,
  readFrom,
  removeStaleTemps,
  tempPath,
  writeAll,
} from "./fs-util.js";
import { ACCESS, DELETE, encodeRecord, HEADER, packRecords, PUT } from "./pack-records.js";
import {
  compactSegmentName,
  isSealedSegment,
  markSegmentClosed,
  ownSegmentName,
  segmentPattern,
} from "./segment-names.js";

const EXT = "pack";
const SEGMENT = segmentPattern(EXT);
/** A hit is written down as an access record only when the last one for its key is older than this. */
export const ACCESS_GRANULARITY_MS = 60_000;
/** Pending access records are appended at most this long after the hit (and on close and exit). */
const ACCESS_FLUSH_MS = 1000;
/** Sealed segments are merged into one on open once there are this many. */
const MERGE_AFTER_SEGMENTS = 8;
/** A sealed segment is compacted after a delete once this many bytes of it (and half of it) are dead. */
const COMPACT_MIN_DEAD_BYTES = 64 * 1024;

/** readMany reads records of one segment together when at most this many bytes lie between them… */
const RUN_GAP = 4096;
/** …and the read stays within this many bytes. */
const RUN_MAX = 1 << 20;

/** A queued put's data, copied out (a result owns exactly its bytes). */
function queuedBytes(put: QueuedPut): Uint8Array {
  return new Uint8Array(put.record.subarray(put.record.length - put.length));
}

function corrupt(key: string, dir: string, segment: string): CorruptResultError {
  return new CorruptResultError(
    `stored result "${key}" in ${path.join(dir, segment)} fails its checksum: the bytes were damaged; it will be recomputed`,
  );
}

/** The index's view of a key: its newest PUT or DELETE record. */
interface PackEntry {
  readonly segment: Segment;
  /** Offset of the record's first byte in its segment. */
  readonly at: number;
  readonly keyLength: number;
  /** Data length; -1 for a deletion. */
  readonly length: number;
  readonly crc: number;
  readonly time: number;
}

/** A segment file and what of it has been applied to the index. */
interface Segment {
  readonly name: string;
  /** Bytes scanned (up to the last complete, valid record). */
  offset: number;
  /** File size at the last look. */
  size: number;
  /** Bytes of records that are the newest of their key. */
  live: number;
  /** Read descriptor, opened on the first read; for this process's own segment, its append descriptor. */
  fd: number | undefined;
  gone: boolean;
}

/** A put waiting for its batch to be appended (BatchedAppends). */
interface QueuedPut {
  readonly key: string;
  readonly record: Buffer;
  /** Data length. */
  readonly length: number;
  readonly time: number;
}

/** What the pack needs from its owner: where, how, and how to report failures. */
export interface ResultPackOptions {
  readonly dir: string;
  readonly fsync: boolean;
  readonly trackAccess: boolean;
  /** Recreates the cache's folders (after the cache folder was removed while open). */
  readonly makeFolders: () => void;
  /** True while the owner is open read-only: nothing is written (no access records, no compaction). */
  readonly readOnly: () => boolean;
}

/** Stores with access records not yet appended, flushed when the process exits. */
const unflushed = new Set<ResultPack>();
let exitHook = false;

/**
 * Results packed into segments. Each process appends to its own segment
 * (`<time>-<host>-<pid>-<random>.pack`, created on its first write), so writers never interleave
 * bytes; a result costs one append instead of a temp file, a rename and a shard folder. Reads are
 * one positioned read on a kept-open descriptor plus a CRC check. Other processes' records are
 * picked up by `refresh()` (on a miss): only segments that grew are read, from where they were left.
 *
 * Deletions are records too; the newest record of a key (by write time, then reading order) wins.
 * Dead space (deleted or superseded records) of sealed segments — written by a process that is gone
 * or that closed them — is compacted: on open once there are many, after deletes once half a
 * segment is dead. Segments of live writers are never touched.
 */
export class ResultPack {
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #trackAccess: boolean;
  readonly #makeFolders: () => void;
  readonly #readOnly: () => boolean;
  #index = new Map<string, PackEntry>();
  /** Last recorded access per key (from ACCESS records, compaction, or this process's hits). */
  #access = new Map<string, number>();
  #pending = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #segments = new Map<string, Segment>();
  #own: Segment | undefined;
  #lastWrite = 0;
  #refreshedAt = -Infinity;
  /** Puts not yet appended, by key (their bytes are read from here meanwhile). */
  #queued = new Map<string, QueuedPut>();
  readonly #appends = new BatchedAppends<QueuedPut>((puts) => this.#appendQueued(puts));

  constructor(options: ResultPackOptions) {
    this.#dir = options.dir;
    this.#fsync = options.fsync;
    this.#trackAccess = options.trackAccess;
    this.#makeFolders = options.makeFolders;
    this.#readOnly = options.readOnly;
  }

  /** Reads every segment; unless read-only, removes stale temp files and merges many sealed segments. */
  open(): void {
    const readOnly = this.#readOnly();
    const names = listFolder(this.#dir);
    if (!readOnly) removeStaleTemps(this.#dir, names);
    this.refresh(names);
    if (readOnly) return;
    const sealed = [...this.#segments.values()].filter((s) => isSealedSegment(this.#dir, s.name));
    if (sealed.length >= MERGE_AFTER_SEGMENTS) this.#compact(sealed);
  }

  /** Appends pending access records, closes descriptors and forgets the index. */
  close(): void {
    this.#appends.flush();
    this.flushAccess();
    for (const segment of this.#segments.values()) this.#closeFd(segment);
    if (this.#own !== undefined) {
      this.#closeFd(this.#own);
      markSegmentClosed(this.#dir, this.#own.name);
    }
    this.#own = undefined;
    this.#index = new Map();
    this.#access = new Map();
    this.#segments = new Map();
  }

  /** True when a live packed result is indexed under `key`. */
  has(key: string): boolean {
    if (this.#queued.has(key)) return true;
    const entry = this.#index.get(key);
    return entry !== undefined && entry.length >= 0;
  }

  /**
   * The packed bytes of `key`, or undefined when none are indexed. `checked` collects segments
   * already checked in this batch (one fstat per segment and batch, to notice removed segments).
   * Bytes that fail their CRC reject with CorruptResultError.
   */
  read(key: string, checked?: Set<object>): Uint8Array | undefined {
    const queued = this.#queued.get(key);
    if (queued !== undefined) return queuedBytes(queued);
    for (let attempt = 0; attempt < 2; attempt++) {
      const entry = this.#index.get(key);
      if (entry === undefined || entry.length < 0) return undefined;
      const fd = this.#readFd(entry.segment, checked);
      if (fd === undefined) {
        // Removed (compacted by another process, or the cache folder was deleted): look again.
        this.refresh();
        continue;
      }
      const bytes = readFrom(fd, entry.at + HEADER + entry.keyLength, entry.length);
      if (bytes.length !== entry.length || crc32(bytes) !== entry.crc)
        throw corrupt(key, this.#dir, entry.segment.name);
      this.noteAccess(key, entry.time);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return undefined;
  }

  /**
   * `read` of each key, with the records of one segment that lie close together read in one call
   * (a warm run loads its outputs' results, written one after the other, in one read instead of one
   * each). Each result is copied out into bytes of its own, as `read` gives. An entry is undefined
   * where no record is indexed or its segment is gone (read it alone: that refreshes), and is the
   * CorruptResultError `read` would throw where the record fails its checksum.
   */
  readMany(keys: readonly string[], checked: Set<object>): (Uint8Array | CorruptResultError | undefined)[] {
    const out = new Array<Uint8Array | CorruptResultError | undefined>(keys.length);
    const wanted: { index: number; entry: PackEntry; start: number }[] = [];
    for (let index = 0; index < keys.length; index++) {
      const queued = this.#queued.get(keys[index] as string);
      if (queued !== undefined) {
        out[index] = queuedBytes(queued);
        continue;
      }
      const entry = this.#index.get(keys[index] as string);
      if (entry !== undefined && entry.length >= 0)
        wanted.push({ index, entry, start: entry.at + HEADER + entry.keyLength });
    }
    if (wanted.length > 1) wanted.sort(byPlace);
    for (let first = 0; first < wanted.length; ) {
      const segment = (wanted[first] as (typeof wanted)[number]).entry.segment;
      const from = (wanted[first] as (typeof wanted)[number]).start;
      let to = from + (wanted[first] as (typeof wanted)[number]).entry.length;
      let last = first + 1;
      for (; last < wanted.length; last++) {
        const next = wanted[last] as (typeof wanted)[number];
        const end = next.start + next.entry.length;
        if (next.entry.segment !== segment || next.start - to > RUN_GAP || end - from > RUN_MAX) break;
        to = Math.max(to, end);
      }
      const fd = this.#readFd(segment, checked);
      if (fd !== undefined) {
        const run = readFrom(fd, from, to - from);
        for (let i = first; i < last; i++) {
          const { index, entry, start } = wanted[i] as (typeof wanted)[number];
          const offset = start - from;
          const bytes = run.subarray(offset, Math.min(offset + entry.length, run.length));
          if (bytes.length !== entry.length || crc32(bytes) !== entry.crc) {
            out[index] = corrupt(keys[index] as string, this.#dir, segment.name);
            continue;
          }
          this.noteAccess(keys[index] as string, entry.time);
          out[index] = new Uint8Array(bytes); // a copy: a result owns exactly its bytes
        }
      }
      first = last;
    }
    return out;
  }

  /**
   * Appends `bytes` under `key` unless a live copy is indexed (content-addressed: same bytes). The
   * append is batched with the others of this turn of the event loop (BatchedAppends): the promise
   * resolves once it is written (undefined when nothing is to be written); `has` and `read` see it at once.
   */
  put(key: string, bytes: Uint8Array): Promise<void> | undefined {
    if (this.#queued.has(key)) return this.#appends.current;
    if (this.has(key)) return undefined;
    const time = this.#writeTime(this.#index.get(key)?.time);
    const record = encodeRecord(PUT, key, bytes, time, 0);
    const queued: QueuedPut = { key, record, length: bytes.length, time };
    this.#queued.set(key, queued);
    return this.#appends.add(queued, record.length);
  }

  /** Appends a batch of puts in one write and indexes them (BatchedAppends' writer). */
  #appendQueued(puts: readonly QueuedPut[]): void {
    for (const put of puts) this.#queued.delete(put.key);
    let total = 0;
    for (const put of puts) total += put.record.length;
    const own = this.#append(
      puts.length === 1
        ? (puts[0] as QueuedPut).record
        : Buffer.concat(
            puts.map((put) => put.record),
            total,
          ),
    );
    let at = own.size - total;
    for (const { key, record, length, time } of puts) {
      this.#apply(key, { segment: own, at, keyLength: key.length, length, crc: record.readUInt32LE(28), time });
      at += record.length;
    }
  }

  /** Records the deletion of `key` when a packed copy is indexed (another process's too); true if one was. */
  delete(key: string): boolean {
    this.#appends.flush();
    if (this.#index.get(key) === undefined) this.refresh();
    const entry = this.#index.get(key);
    if (entry === undefined || entry.length < 0) return false;
    const time = this.#writeTime(entry.time);
    const record = encodeRecord(DELETE, key, undefined, time, 0);
    const own = this.#append(record);
    this.#apply(key, { segment: own, at: own.size - record.length, keyLength: key.length, length: -1, crc: 0, time });
    this.#pending.delete(key);
    this.#access.delete(key);
    const old = entry.segment;
    if (
      old !== own &&
      !old.gone &&
      old.size - old.live >= Math.max(COMPACT_MIN_DEAD_BYTES, old.size / 2) &&
      isSealedSegment(this.#dir, old.name)
    ) {
      this.#compact([old]);
    }
    return true;
  }

  /** Every live packed key with its size and last access (write time or a later recorded hit). */
  *entries(): Generator<{ key: string; bytes: number; lastAccess: number }> {
    this.#appends.flush();
    for (const [key, entry] of [...this.#index]) {
      if (entry.length >= 0)
        yield { key, bytes: entry.length, lastAccess: Math.max(entry.time, this.#access.get(key) ?? 0) };
    }
  }

  /** The last recorded access of `key`, if any (for results kept one file each). */
  lastAccessOf(key: string): number | undefined {
    return this.#access.get(key);
  }

  /**
   * Notes a hit of `key` whose last known use was at `since`. It is written down (batched: one
   * append for many hits, within a second, on close or at exit) only when the key's last recorded
   * access is older than ACCESS_GRANULARITY_MS, so repeated warm runs append nothing.
   */
  noteAccess(key: string, since = 0): void {
    if (!this.#trackAccess || this.#readOnly()) return;
    const now = Date.now();
    if (now - Math.max(since, this.#access.get(key) ?? 0) < ACCESS_GRANULARITY_MS) return;
    this.#access.set(key, now);
    this.#pending.set(key, now);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flushAccess(), ACCESS_FLUSH_MS);
      this.#timer.unref?.();
    }
    unflushed.add(this);
    if (!exitHook) {
      exitHook = true;
      process.once("exit", () => {
        for (const pack of unflushed) pack.flushAccess();
      });
    }
  }

  /** Appends the pending access records (best effort: access times only order LRU clean-up). */
  flushAccess(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    unflushed.delete(this);
    if (this.#pending.size === 0) return;
    if (this.#readOnly()) {
      this.#pending.clear();
      return;
    }
    const records: Buffer[] = [];
    for (const [key, time] of this.#pending) records.push(encodeRecord(ACCESS, key, undefined, time, 0));
    this.#pending.clear();
    try {
      this.#append(Buffer.concat(records));
    } catch {
      // A full disk or removed folder: the hits stay unrecorded, which only affects LRU order.
    }
  }

  /**
   * Like refresh(), but not again within `ms` of the last one: for `has()`, whose false "no" costs
   * only a second copy of content-addressed bytes, called once per computed node on a cold run.
   */
  refreshUnlessWithin(ms: number): void {
    if (performance.now() - this.#refreshedAt >= ms) this.refresh();
  }

  /**
   * Reads records that are new since the last look (all of them the first time); forgets removed
   * segments. `names`: the folder's listing, when the caller has just made it.
   */
  refresh(names: readonly string[] = listFolder(this.#dir)): void {
    this.#refreshedAt = performance.now();
    const present = new Set<string>();
    for (const name of names) {
      if (!SEGMENT.test(name)) continue;
      present.add(name);
      if (name === this.#own?.name) continue;
      this.#scan(name);
    }
    for (const segment of [...this.#segments.values()]) {
      if (!present.has(segment.name)) this.#forget(segment);
    }
    if (this.#own !== undefined && !present.has(this.#own.name)) this.#forget(this.#own);
  }

  // -------------------------------------------------------------------------------------------
  // Scanning
  // -------------------------------------------------------------------------------------------

  #scan(name: string): void {
    const file = path.join(this.#dir, name);
    let segment = this.#segments.get(name);
    if (segment !== undefined) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat === undefined || stat.size === segment.size) return;
    }
    const opened = openRegularFile(file);
    // Removed meanwhile, or a FIFO, socket or folder named like a segment (reading a FIFO blocks forever).
    if (typeof opened === "string") return;
    try {
      if (segment === undefined) {
        segment = { name, offset: 0, size: 0, live: 0, fd: undefined, gone: false };
        this.#segments.set(name, segment);
      }
      segment.size = opened.size;
      this.#scanRecords(opened.fd, segment);
    } finally {
      fs.closeSync(opened.fd);
    }
  }

  /** Applies the complete, valid records after `segment.offset`; stops at a torn or damaged tail. */
  #scanRecords(fd: number, segment: Segment): void {
    for (const r of packRecords(fd, segment.offset, segment.size)) {
      if (r.type === PUT || r.type === DELETE) {
        this.#apply(r.key, {
          segment,
          at: r.at,
          keyLength: r.key.length,
          length: r.type === PUT ? r.length : -1,
          crc: r.crc,
          time: r.time,
        });
        if (r.type === PUT && r.aux > (this.#access.get(r.key) ?? 0)) this.#access.set(r.key, r.aux);
      } else if (r.type === ACCESS && r.time > (this.#access.get(r.key) ?? 0)) {
        this.#access.set(r.key, r.time);
      }
      segment.offset = r.at + HEADER + r.key.length + (r.type === PUT ? r.length : 0);
    }
  }

  /** Makes `entry` the key's newest record unless a newer one is indexed; keeps live byte counts. */
  #apply(key: string, entry: PackEntry): void {
    const current = this.#index.get(key);
    if (current !== undefined) {
      if (current.time > entry.time) return;
      current.segment.live -= recordSize(current);
    }
    this.#index.set(key, entry);
    entry.segment.live += recordSize(entry);
  }

  /** Drops a segment that is gone from the folder, and the index entries that pointed into it. */
  #forget(segment: Segment): void {
    segment.gone = true;
    this.#closeFd(segment);
    this.#segments.delete(segment.name);
    if (segment === this.#own) this.#own = undefined;
    for (const [key, entry] of this.#index) if (entry.segment === segment) this.#index.delete(key);
  }

  // -------------------------------------------------------------------------------------------
  // Reading and writing
  // -------------------------------------------------------------------------------------------

  /** A descriptor to read `segment`, or undefined when its file was removed. */
  #readFd(segment: Segment, checked: Set<object> | undefined): number | undefined {
    if (segment.gone) return undefined;
    if (segment.fd === undefined) {
      const opened = openRegularFile(path.join(this.#dir, segment.name));
      if (typeof opened === "string") {
        this.#forget(segment);
        return undefined;
      }
      segment.fd = opened.fd;
      checked?.add(segment);
      return segment.fd;
    }
    if (checked?.has(segment) !== true) {
      // An open descriptor still reads a removed file: check it is still linked (one fstat).
      if (fs.fstatSync(segment.fd).nlink === 0) {
        this.#forget(segment);
        return undefined;
      }
      checked?.add(segment);
    }
    return segment.fd;
  }

  /** Appends `bytes` to this process's segment (created on first use); returns the segment. */
  #append(bytes: Uint8Array): Segment {
    let own = this.#own;
    if (own !== undefined && own.fd !== undefined && fs.fstatSync(own.fd).nlink === 0) {
      // The cache folder was removed while open: what this segment held is gone; start anew.
      this.#forget(own);
      own = undefined;
    }
    own ??= this.#createSegment();
    const fd = own.fd as number;
    try {
      writeAll(fd, bytes);
      if (this.#fsync) fs.fdatasyncSync(fd);
    } catch (error) {
      // A failed append may have left part of a record; readers stop there, so this segment is done.
      this.#own = undefined;
      this.#closeFd(own);
      markSegmentClosed(this.#dir, own.name);
      throw error;
    }
    own.size += bytes.length;
    own.offset = own.size;
    return own;
  }

  #createSegment(): Segment {
    const name = ownSegmentName(EXT);
    const file = path.join(this.#dir, name);
    let fd: number;
    try {
      fd = fs.openSync(file, "ax+");
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
      this.#makeFolders();
      fd = fs.openSync(file, "ax+");
    }
    if (this.#fsync) fsyncDir(this.#dir);
    const segment: Segment = { name, offset: 0, size: 0, live: 0, fd, gone: false };
    this.#own = segment;
    this.#segments.set(name, segment);
    return segment;
  }

  #closeFd(segment: Segment): void {
    if (segment.fd === undefined) return;
    try {
      if (segment === this.#own && this.#fsync) fs.fdatasyncSync(segment.fd);
      fs.closeSync(segment.fd);
    } catch {
      // Closing a descriptor of a read or a removed file: nothing to lose.
    }
    segment.fd = undefined;
  }

  /**
   * Wall-clock time of a write, never going backwards within this process, and later than the record
   * it supersedes (`after`): a delete and the put after it in the same millisecond as the record they
   * replace (perhaps in another segment, read back in any order) still index as the newer.
   */
  #writeTime(after?: number): number {
    this.#lastWrite = Math.max(this.#lastWrite, Date.now(), after === undefined ? 0 : after + 1);
    return this.#lastWrite;
  }

  // -------------------------------------------------------------------------------------------
  // Compaction
  // -------------------------------------------------------------------------------------------

  /**
   * Copies the live records of sealed `segments` into one new segment (temp file, then rename) and
   * removes them. Deletions are kept while other segments may hold older copies; last accesses are
   * folded into the copied records. An optimisation: on any failure the old segments stay.
   */
  #compact(segments: Segment[]): void {
    const set = new Set(segments);
    const keepDeletions = [...this.#segments.values()].some((s) => !set.has(s));
    const name = compactSegmentName(EXT);
    const temp = tempPath(this.#dir);
    const moved: [string, PackEntry][] = [];
    let fd: number | undefined;
    try {
      fd = fs.openSync(temp, "wx");
      let size = 0;
      for (const [key, entry] of this.#index) {
        if (!set.has(entry.segment)) continue;
        let record: Buffer;
        if (entry.length < 0) {
          if (!keepDeletions) {
            moved.push([key, entry]);
            continue;
          }
          record = encodeRecord(DELETE, key, undefined, entry.time, 0);
        } else {
          const source = this.#readFd(entry.segment, undefined);
          if (source === undefined) throw new Error("segment removed by another process meanwhile");
          const bytes = readFrom(source, entry.at + HEADER + entry.keyLength, entry.length);
          if (bytes.length !== entry.length || crc32(bytes) !== entry.crc) continue; // Damaged: not carried over.
          record = encodeRecord(PUT, key, bytes, entry.time, this.#access.get(key) ?? 0);
        }
        writeAll(fd, record);
        moved.push([
          key,
          {
            segment: entry.segment,
            at: size,
            keyLength: entry.keyLength,
            length: entry.length,
            crc: entry.crc,
            time: entry.time,
          },
        ]);
        size += record.length;
      }
      if (this.#fsync) fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(temp, path.join(this.#dir, name));
      if (this.#fsync) fsyncDir(this.#dir);
      const compacted: Segment = { name, offset: size, size, live: 0, fd: undefined, gone: false };
      this.#segments.set(name, compacted);
      for (const [key, entry] of moved) {
        const current = this.#index.get(key);
        if (current === undefined || !set.has(current.segment)) continue;
        if (entry.length < 0 && !keepDeletions) {
          this.#index.delete(key);
          continue;
        }
        this.#index.set(key, { ...entry, segment: compacted });
        compacted.live += recordSize(entry);
      }
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(temp, { force: true });
      return;
    }
    for (const segment of segments) {
      this.#closeFd(segment);
      segment.gone = true;
      this.#segments.delete(segment.name);
      fs.rmSync(path.join(this.#dir, segment.name), { force: true });
    }
  }
}

function recordSize(entry: PackEntry): number {
  return HEADER + entry.keyLength + Math.max(0, entry.length);
}

/** Pack entries in file order: by segment, then by offset (a module function: see execution/pending.ts). */
function byPlace(a: { entry: PackEntry; start: number }, b: { entry: PackEntry; start: number }): number {
  return a.entry.segment === b.entry.segment ? a.start - b.start : a.entry.segment.name < b.entry.segment.name ? -1 : 1;
}
