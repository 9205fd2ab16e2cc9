// RunLog: the file repository's run history as appended JSON lines, one segment per process under
// `<path>/runs/`; run files of the older layout (`<run>.json`) are still read and deleted.
import fs from "node:fs";
import path from "node:path";
import type { RunRecord } from "../contracts.js";
import {
  errorCode,
  fsyncDir,
  listFolder,
  openRegularFile,
  readFrom,
  readRegularFile,
  removeStaleTemps,
  tempPath,
  writeAll,
  writeNewFile,
} from "./fs-util.js";
import { runFileStem, runIdOfFileStem } from "./keys.js";
import { LineEncoder } from "./run-line.js";
import {
  compactSegmentName,
  isSealedSegment,
  markSegmentClosed,
  ownSegmentName,
  segmentPattern,
} from "./segment-names.js";

const EXT = "runs";
const SEGMENT = segmentPattern(EXT);
const NEWLINE = 0x0a;
const GONE = Symbol("segment removed");
/** Sealed segments are merged on open once there are this many, or once this many of their bytes are dead. */
const MERGE_AFTER_SEGMENTS = 8;
const MERGE_AFTER_DEAD_BYTES = 1 << 20;
/**
 * A tier merge copies at most this many bytes (internal; tests lower it). Merging a tier copies it,
 * so without a bound the 512th run of a graph whose records are 400 KB would copy 200 MB while it
 * opens; segments this large are left as they are (the history is read lazily, so they cost nothing
 * until it is read).
 */
export const runLogLimits = { maxMergeBytes: 64 * 1024 * 1024 };
/**
 * The envelope before a line's run: its write time, run id, start and the byte length of the rest
 * (`"b"`, from `"run":` to the newline), read without parsing the run. With `"b"` a scan jumps from
 * line to line reading only their heads; lines without it (or whose length does not end at a newline)
 * are read through to their newline.
 */
const ENVELOPE = /^\{"w":(\d+),"id":("(?:[^"\\]|\\.)*"),(?:"s":(-?\d+),)?(?:"b":(\d+),)?"(run|del)":/;
/** Bytes of a line read to find its envelope (a run id is at most 200 characters). */
const HEAD = 1024;
/** Bytes read at a time when looking for a newline. */
const BLOCK = 64 * 1024;

/** Where the newest line of a run id is. */
interface RunLine {
  readonly segment: LogSegment;
  readonly at: number;
  /** Line length without its newline. */
  readonly length: number;
  readonly writtenAt: number;
  /** The run's startedAt, from the line's head (`"s"`), so the newest runs are found without parsing every line. */
  readonly startedAt: number | undefined;
  readonly deleted: boolean;
}

interface LogSegment {
  readonly name: string;
  /** Bytes applied (up to the last complete line). */
  offset: number;
  size: number;
  live: number;
}

/**
 * Each `save` appends one line, `{"w":<ms>,"id":<run id>,"s":<start>,"b":<bytes>,"run":<record>}`, to this process's
 * segment (created on its first save): no temp file, rename or rewrite of earlier runs. A progress
 * snapshot and the final record of a run are two lines; the newer (by write time, then reading
 * order) wins, and a deletion is a line too. Lines are indexed by their envelope without parsing
 * the run, or reading it (`"b"` says where the next line starts); a run is parsed when it is read. A line cut short by a crash has no newline and is
 * never read; a complete line that does not parse reads as no run (like an edited run file).
 */
export class RunLog {
  readonly #dir: string;
  readonly #fsync: boolean;
  readonly #makeFolders: () => void;
  #index = new Map<string, RunLine>();
  #segments = new Map<string, LogSegment>();
  #own: LogSegment | undefined;
  #ownFd: number | undefined;
  #lastWrite = 0;
  readonly #lines = new LineEncoder();
  /** Merge sealed segments at the next look (a writing process, once per open). */
  #maintain = false;
  /** Segments no process could append to any more when this one opened. */
  #sealedAtOpen = new Set<string>();

  constructor(dir: string, fsync: boolean, makeFolders: () => void) {
    this.#dir = dir;
    this.#fsync = fsync;
    this.#makeFolders = makeFolders;
  }

  /**
   * Starts reading the history lazily: a process that only saves runs (a warm run on a machine with
   * a prediction memo) never reads the lines of earlier runs, so opening costs one readdir however
   * long the history is (the same listing finds stale temp files to remove). Unless read-only,
   * sealed segments are merged: now when there are enough of them to fill a tier (see fullTier),
   * else at the first read, once their dead bytes are known.
   */
  open(readOnly: boolean): void {
    this.close();
    this.#maintain = !readOnly;
    const names = this.#readdir();
    if (!readOnly) removeStaleTemps(this.#dir, names);
    const sealed = names.filter((name) => SEGMENT.test(name) && isSealedSegment(this.#dir, name));
    this.#sealedAtOpen = new Set(sealed);
    if (readOnly || sealed.length < MERGE_AFTER_SEGMENTS) return;
    // A full tier is known from the sizes alone (stat, no read); the dead-bytes rule waits for the first read.
    const sized = sealed.map((name) => ({
      name,
      size: fs.statSync(path.join(this.#dir, name), { throwIfNoEntry: false })?.size ?? 0,
    }));
    const tier = fullTier(sized);
    if (tier === undefined) return;
    // Only the tier's lines are read: the rest of the history is indexed at the first read.
    for (const { name } of tier) this.#scan(name);
    const segments = tier.flatMap(({ name }) => this.#segments.get(name) ?? []);
    if (segments.length === tier.length) this.#compact(segments);
  }

  /** Indexes what the segments gained since the last look; the first look of a writing process also merges (see open). */
  #look(): void {
    this.#refresh();
    if (!this.#maintain) return;
    this.#maintain = false;
    const sealed = [...this.#segments.values()].filter((s) => isSealedSegment(this.#dir, s.name));
    const dead = sealed.reduce((n, s) => n + s.size - s.live, 0);
    const size = sealed.reduce((n, s) => n + s.size, 0);
    if (sealed.length > 0 && dead >= MERGE_AFTER_DEAD_BYTES && dead * 2 > size) return this.#compact(sealed);
    const tier = fullTier(sealed);
    if (tier !== undefined) this.#compact(tier);
  }

  close(): void {
    if (this.#ownFd !== undefined) {
      try {
        if (this.#fsync) fs.fdatasyncSync(this.#ownFd);
        fs.closeSync(this.#ownFd);
      } finally {
        if (this.#own !== undefined) markSegmentClosed(this.#dir, this.#own.name);
        this.#ownFd = undefined;
      }
    }
    this.#own = undefined;
    this.#index = new Map();
    this.#segments = new Map();
    this.#lines.release();
  }

  /** Appends `run` (a progress snapshot or the final record). */
  save(run: RunRecord): void {
    const started = Number.isSafeInteger(run.startedAt) ? `"s":${run.startedAt},` : "";
    // "b" counts `"run":` (6 bytes), the record and the closing brace.
    this.#appendLine(
      run.runId,
      (bodyBytes) => `${started}"b":${bodyBytes + 7},"run":`,
      run,
      Number.isSafeInteger(run.startedAt) ? run.startedAt : undefined,
    );
  }

  /**
   * Every stored run (appended and old run files), unordered; with `newest`, a set that holds at least
   * the `newest` runs with the latest startedAt (and ties), reading only those lines whose head names
   * their start (plus any that do not): a history of many runs is not parsed to find the last few.
   */
  list(newest?: number): RunRecord[] {
    let runs: RunRecord[] = [];
    // A segment another process compacted away between listing and reading: list again (bounded).
    for (let attempt = 0; attempt < 3; attempt++) {
      this.#look();
      runs = [];
      let lost = false;
      let lines = [...this.#index.values()].filter((line) => !line.deleted);
      if (newest !== undefined) {
        const unknown = lines.filter((line) => line.startedAt === undefined);
        const known = lines.filter((line) => line.startedAt !== undefined);
        known.sort((a, b) => (b.startedAt as number) - (a.startedAt as number));
        lines = [...unknown, ...known];
      }
      let knownRead = 0;
      let lastStart = Number.POSITIVE_INFINITY;
      for (const line of lines) {
        // Enough runs with a known start are read; one that started earlier than all of them cannot be among the newest.
        if (newest !== undefined && line.startedAt !== undefined && knownRead >= newest && line.startedAt < lastStart)
          break;
        const run = this.#parse(line);
        if (run === GONE) lost = true;
        else if (run !== undefined) {
          runs.push(run);
          if (line.startedAt !== undefined) {
            knownRead++;
            lastStart = line.startedAt;
          }
        }
      }
      if (!lost) break;
    }
    for (const name of this.#readdir()) {
      if (!name.endsWith(".json")) continue;
      const runId = runIdOfFileStem(name.slice(0, -5));
      if (runId === undefined || this.#index.get(runId)?.deleted === false) continue;
      const run = readRunFile(path.join(this.#dir, name));
      if (run !== undefined) runs.push(run);
    }
    return runs;
  }

  /** One run by id: its newest line, or its old run file. */
  get(runId: string): RunRecord | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.#look();
      const line = this.#index.get(runId);
      if (line === undefined) break;
      if (line.deleted) return readRunFile(this.#fileOf(runId));
      const run = this.#parse(line);
      if (run !== GONE) return run;
    }
    return readRunFile(this.#fileOf(runId));
  }

  /** Appends deletions of the ids that have lines, and removes their old run files. */
  delete(runIds: readonly string[]): void {
    this.#look();
    for (const runId of runIds) {
      const line = this.#index.get(runId);
      if (line !== undefined && !line.deleted) this.#appendLine(runId, () => `"del":1`);
      try {
        fs.unlinkSync(this.#fileOf(runId));
      } catch (error) {
        if (errorCode(error) !== "ENOENT") throw error;
      }
    }
  }

  // -------------------------------------------------------------------------------------------

  #fileOf(runId: string): string {
    return path.join(this.#dir, `${runFileStem(runId)}.json`);
  }

  #readdir(): string[] {
    return listFolder(this.#dir);
  }

  /** The run on `line`; undefined when it does not parse; GONE when its segment was removed. */
  #parse(line: RunLine): RunRecord | undefined | typeof GONE {
    let bytes: Buffer;
    if (line.segment === this.#own && this.#ownFd !== undefined) {
      bytes = readFrom(this.#ownFd, line.at, line.length);
    } else {
      const opened = openRegularFile(path.join(this.#dir, line.segment.name));
      if (typeof opened === "string") {
        this.#forget(line.segment);
        return GONE;
      }
      try {
        bytes = readFrom(opened.fd, line.at, line.length);
      } finally {
        fs.closeSync(opened.fd);
      }
    }
    try {
      const parsed = JSON.parse(bytes.toString("utf8")) as { run?: unknown };
      const run = parsed.run as RunRecord | undefined;
      return typeof run === "object" && run !== null && typeof run.runId === "string" ? run : undefined;
    } catch {
      return undefined;
    }
  }

  #refresh(): void {
    const present = new Set<string>();
    for (const name of this.#readdir()) {
      if (!SEGMENT.test(name)) continue;
      present.add(name);
      if (name !== this.#own?.name) this.#scan(name);
    }
    for (const segment of [...this.#segments.values()])
      if (!present.has(segment.name) && segment !== this.#own) this.#forget(segment);
  }

  /** Indexes the complete lines a segment gained since the last look, reading only their heads where it can. */
  #scan(name: string): void {
    const file = path.join(this.#dir, name);
    let segment = this.#segments.get(name);
    if (segment !== undefined) {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat === undefined || stat.size === segment.size) return;
    }
    const opened = openRegularFile(file);
    if (typeof opened === "string") return; // Removed meanwhile, or a FIFO, socket or folder named like a segment.
    try {
      if (segment === undefined) {
        segment = { name, offset: 0, size: 0, live: 0 };
        this.#segments.set(name, segment);
      }
      const size = opened.size;
      segment.size = size;
      let at = segment.offset;
      let head = at < size ? readFrom(opened.fd, at, Math.min(HEAD, size - at)) : undefined;
      while (head !== undefined && head.length > 0) {
        const text = head.toString("utf8");
        const match = ENVELOPE.exec(text);
        let length = -1;
        let next: Buffer | undefined;
        if (match?.[4] !== undefined) {
          // The envelope says where the line ends: the next read starts at that newline and holds the next head.
          const end = at + Buffer.byteLength(match[0]) - '"run":'.length + Number(match[4]);
          if (end < size) {
            next = readFrom(opened.fd, end, Math.min(HEAD + 1, size - end));
            if (next[0] === NEWLINE) length = end - at;
          }
        }
        if (length < 0) {
          next = undefined;
          length = this.#lineLength(opened.fd, at, head, size);
        }
        // The rest has no newline yet: being written, or cut short by a crash. Read again once it is whole.
        if (length < 0) break;
        if (match !== null) this.#indexLine(segment, at, match, length);
        at += length + 1;
        head =
          next !== undefined
            ? next.subarray(1)
            : at < size
              ? readFrom(opened.fd, at, Math.min(HEAD, size - at))
              : undefined;
      }
      segment.offset = at;
    } finally {
      fs.closeSync(opened.fd);
    }
  }

  /** Length of the line at `at` (without its newline), found by reading on to the newline; -1 when there is none yet. */
  #lineLength(fd: number, at: number, head: Buffer, size: number): number {
    let found = head.indexOf(NEWLINE);
    if (found >= 0) return found;
    for (let from = at + head.length; from < size; from += BLOCK) {
      found = readFrom(fd, from, Math.min(BLOCK, size - from)).indexOf(NEWLINE);
      if (found >= 0) return from + found - at;
    }
    return -1;
  }

  /** Indexes a line by its envelope; a line this log did not write (edited, or a torn one followed by others) is skipped. */
  #indexLine(segment: LogSegment, at: number, match: RegExpExecArray, length: number): void {
    let runId: unknown;
    try {
      runId = JSON.parse(match[2]!);
    } catch {
      return;
    }
    if (typeof runId !== "string") return;
    const startedAt = match[3] === undefined ? undefined : Number(match[3]);
    this.#apply(runId, { segment, at, length, writtenAt: Number(match[1]), startedAt, deleted: match[5] === "del" });
  }

  #apply(runId: string, line: RunLine): void {
    const current = this.#index.get(runId);
    if (current !== undefined) {
      if (current.writtenAt > line.writtenAt) return;
      if (current.writtenAt === line.writtenAt && this.#keepOnTie(current, line)) return;
      current.segment.live -= current.length + 1;
    }
    this.#index.set(runId, line);
    line.segment.live += line.length + 1;
  }

  /**
   * Two lines of one run written in the same millisecond: which one stays. This process's own line
   * over one from a segment already sealed when it opened (written before; the other segments are
   * read lazily, after this process's saves); else a deletion over the run it deletes; else the line
   * read later.
   */
  #keepOnTie(current: RunLine, line: RunLine): boolean {
    const own = this.#own;
    if (line.segment === own && this.#sealedAtOpen.has(current.segment.name)) return false;
    if (current.segment === own && this.#sealedAtOpen.has(line.segment.name)) return true;
    return current.deleted && !line.deleted;
  }

  #forget(segment: LogSegment): void {
    this.#segments.delete(segment.name);
    for (const [runId, line] of this.#index) if (line.segment === segment) this.#index.delete(runId);
  }

  /** Appends `{"w":…,"id":…,<fields><body>}` and a newline; `body` is a record's JSON and its UTF-8 length. */
  #appendLine(runId: string, fields: (bodyBytes: number) => string, body?: RunRecord, startedAt?: number): void {
    this.#lastWrite = Math.max(this.#lastWrite, Date.now());
    const head = `{"w":${this.#lastWrite},"id":${JSON.stringify(runId)},`;
    const bytes = this.#lines.line((bodyBytes) => head + fields(bodyBytes), body);
    const own = this.#own ?? this.#createSegment();
    const fd = this.#ownFd as number;
    try {
      writeAll(fd, bytes);
      if (this.#fsync) fs.fdatasyncSync(fd);
    } catch (error) {
      // A failed append may have left part of a line: this segment is done; readers skip the fragment.
      this.#own = undefined;
      this.#ownFd = undefined;
      markSegmentClosed(this.#dir, own.name);
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing; the original error is the one to report.
      }
      throw error;
    }
    const at = own.size;
    own.size += bytes.length;
    own.offset = own.size;
    this.#apply(runId, {
      segment: own,
      at,
      length: bytes.length - 1,
      writtenAt: this.#lastWrite,
      startedAt,
      deleted: body === undefined,
    });
  }

  #createSegment(): LogSegment {
    const name = ownSegmentName(EXT);
    const file = path.join(this.#dir, name);
    let fd: number;
    try {
      fd = fs.openSync(file, "ax+");
    } catch (error) {
      if (errorCode(error) !== "ENOENT") throw error;
      this.#makeFolders(); // The cache folder was removed while open.
      fd = fs.openSync(file, "ax+");
    }
    if (this.#fsync) fsyncDir(this.#dir);
    const segment: LogSegment = { name, offset: 0, size: 0, live: 0 };
    this.#own = segment;
    this.#ownFd = fd;
    this.#segments.set(name, segment);
    return segment;
  }

  /** Copies the newest lines of sealed `segments` into one new segment and removes them (an optimisation: failures leave them). */
  #compact(segments: LogSegment[]): void {
    const set = new Set(segments);
    // A deletion is dropped only when no other segment or old run file on disk can hold the run it
    // deletes (segments are read lazily: the index may not know them all yet).
    const merged = new Set(segments.map((segment) => segment.name));
    const keepDeletions = this.#readdir().some(
      (name) => (SEGMENT.test(name) && !merged.has(name)) || name.endsWith(".json"),
    );
    const chunks: Buffer[] = [];
    const moved: [string, RunLine][] = [];
    let size = 0;
    try {
      const fds = new Map<LogSegment, number>();
      try {
        for (const [runId, line] of this.#index) {
          if (!set.has(line.segment) || (line.deleted && !keepDeletions)) continue;
          let fd = fds.get(line.segment);
          if (fd === undefined) {
            fd = fs.openSync(path.join(this.#dir, line.segment.name), "r");
            fds.set(line.segment, fd);
          }
          const bytes = readFrom(fd, line.at, line.length + 1);
          moved.push([runId, { ...line, at: size }]);
          chunks.push(bytes);
          size += bytes.length;
        }
      } finally {
        for (const fd of fds.values()) fs.closeSync(fd);
      }
      const name = compactSegmentName(EXT);
      const temp = tempPath(this.#dir);
      try {
        writeNewFile(temp, Buffer.concat(chunks), this.#fsync);
        fs.renameSync(temp, path.join(this.#dir, name));
      } catch (error) {
        fs.rmSync(temp, { force: true });
        throw error;
      }
      if (this.#fsync) fsyncDir(this.#dir);
      const compacted: LogSegment = { name, offset: size, size, live: size };
      this.#segments.set(name, compacted);
      for (const [runId, line] of moved) this.#index.set(runId, { ...line, segment: compacted });
    } catch {
      return;
    }
    for (const segment of segments) {
      this.#segments.delete(segment.name);
      fs.rmSync(path.join(this.#dir, segment.name), { force: true });
    }
    for (const [runId, line] of this.#index) if (set.has(line.segment)) this.#index.delete(runId);
  }
}

/**
 * The smallest group of `MERGE_AFTER_SEGMENTS` or more segments of about one size (none more than twice
 * the smallest's), if there is one. Merging only such a group leaves a large merged segment alone, so a
 * run is copied a few times over the history's life, and the number of segments stays small.
 */
function fullTier<S extends { readonly size: number }>(segments: readonly S[]): S[] | undefined {
  const sorted = [...segments].sort((a, b) => a.size - b.size);
  for (let start = 0; start < sorted.length; ) {
    const limit = 2 * Math.max(1, sorted[start]!.size);
    let end = start;
    while (end < sorted.length && sorted[end]!.size <= limit) end++;
    // The smallest of the tier, up to the copy bound.
    let take = start;
    let bytes = 0;
    while (take < end && bytes + sorted[take]!.size <= runLogLimits.maxMergeBytes) bytes += sorted[take++]!.size;
    if (take - start >= MERGE_AFTER_SEGMENTS) return sorted.slice(start, take);
    start = end;
  }
  return undefined;
}

/** A run file of the older layout (one JSON file per run), or undefined when missing or unreadable. */
function readRunFile(file: string): RunRecord | undefined {
  const bytes = readRegularFile(file);
  // Missing, or a FIFO, socket or folder named like a run file (reading a FIFO would block forever).
  if (typeof bytes === "string") return undefined;
  try {
    const run = JSON.parse(bytes.toString("utf8")) as RunRecord;
    return typeof run === "object" && run !== null && typeof run.runId === "string" ? run : undefined;
  } catch {
    return undefined; // Run files were written atomically; an unparsable one was edited by hand.
  }
}
