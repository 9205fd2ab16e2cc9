// Content digests of files and folders, with a stat memo (like git's index) so unchanged files are not read again.
import fs from "node:fs";
import path from "node:path";
import { xxh64 } from "../fingerprint/bytes.js";
import { atomicWriteFile, openRegularFile } from "../stores/fs-util.js";

/** What is at a path, as far as its content goes: equal digests mean equal content. */
export type ContentDigest = string;

/**
 * A memo entry is trusted only if the file's last change was this long before it was hashed
 * (git's "racy clean" rule): file systems record times at a granularity (FAT: 2 s, many kernels a
 * few ms), so a write in the same tick as the hash can leave size and times unchanged.
 */
export const RACY_MARGIN_MS = 2_000;

/** Entries kept in the memo file at most (the newest win); a memo only saves time, never decides a hit. */
const MAX_ENTRIES = 20_000;
const CHUNK = 1 << 20;
let scratch: Buffer | undefined;
const MEMO_VERSION = 1;

/** Stat facts that change whenever a file's content can have changed, and its hash. */
interface MemoEntry {
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly ino: string;
  readonly dev: string;
  readonly hash: string;
  /** Wall-clock ms taken before the file was read. */
  readonly hashedAt: number;
}

/** Options of FileHashes. */
export interface FileHashesOptions {
  /** JSON file the memo is loaded from and saved to (undefined: kept in memory for the process). */
  memoFile?: string | undefined;
  /** Folder for the memo file's temp file (same file system; default: the memo file's folder). */
  tempDir?: string | undefined;
  /** Wall-clock milliseconds (default Date.now; tests move it). */
  now?: () => number;
}

/**
 * Digests of files (their bytes, xxh64 in chunks) and folders (sorted names, kinds and digests,
 * recursively). A file whose size, mtime, ctime, inode and device match the memo, and that last
 * changed well before it was hashed, is not read again.
 */
export class FileHashes {
  readonly #memo = new Map<string, MemoEntry>();
  readonly #memoFile: string | undefined;
  readonly #tempDir: string | undefined;
  readonly #now: () => number;
  #loaded = false;
  #dirty = false;
  /** Files read (hashed) since this object was made: for tests and tuning. */
  reads = 0;

  constructor(options: FileHashesOptions = {}) {
    this.#memoFile = options.memoFile;
    this.#tempDir = options.tempDir ?? (options.memoFile === undefined ? undefined : path.dirname(options.memoFile));
    this.#now = options.now ?? Date.now;
  }

  /** The digest of what is at `target` now: "missing", a file's, a folder's, or another kind's. */
  digest(target: string): ContentDigest {
    this.#load();
    return this.#digest(path.resolve(target), new Set());
  }

  /** Writes the memo file if entries changed (atomically; errors are ignored: the memo only saves time). */
  save(): void {
    if (!this.#dirty || this.#memoFile === undefined) return;
    this.#dirty = false;
    const entries = [...this.#memo].slice(-MAX_ENTRIES);
    try {
      fs.mkdirSync(this.#tempDir as string, { recursive: true });
      atomicWriteFile(
        this.#tempDir as string,
        this.#memoFile,
        JSON.stringify({ version: MEMO_VERSION, entries }),
        false,
      );
    } catch {
      // A read-only or removed cache folder: the next process hashes again.
    }
  }

  #digest(absolute: string, folders: Set<string>): ContentDigest {
    let stat: fs.BigIntStats | undefined;
    try {
      stat = fs.statSync(absolute, { bigint: true, throwIfNoEntry: false });
    } catch (error) {
      return `unreadable:${(error as NodeJS.ErrnoException).code ?? "error"}`;
    }
    if (stat === undefined) return "missing";
    if (stat.isFile()) return `file:${this.#fileHash(absolute, stat)}`;
    if (stat.isDirectory()) return `folder:${this.#folderHash(absolute, stat, folders)}`;
    // FIFOs, sockets and devices are never read (a FIFO would block): only their kind counts.
    return stat.isFIFO() ? "fifo" : stat.isSocket() ? "socket" : "device";
  }

  #fileHash(absolute: string, stat: fs.BigIntStats): string {
    const known = this.#memo.get(absolute);
    if (known !== undefined && matches(known, stat) && trusted(known)) return known.hash;
    const hashedAt = this.#now();
    const opened = openRegularFile(absolute);
    if (typeof opened === "string") return opened; // replaced meanwhile: its kind is its digest this time
    let hash: string;
    let after: fs.BigIntStats;
    try {
      const before = fs.fstatSync(opened.fd, { bigint: true });
      hash = hashOpenFile(opened.fd);
      after = fs.fstatSync(opened.fd, { bigint: true });
      this.reads++;
      // Changed while it was read: use what was read for this run, but do not remember it.
      if (!sameFacts(before, after)) return hash;
    } finally {
      fs.closeSync(opened.fd);
    }
    this.#memo.delete(absolute);
    this.#memo.set(absolute, { ...factsOf(after), hash, hashedAt });
    this.#dirty = true;
    return hash;
  }

  #folderHash(absolute: string, stat: fs.BigIntStats, folders: Set<string>): string {
    const identity = `${stat.dev}:${stat.ino}`;
    if (folders.has(identity)) return "cycle"; // a symlink back up the tree
    folders.add(identity);
    try {
      let names: string[];
      try {
        names = fs.readdirSync(absolute);
      } catch (error) {
        return `unreadable:${(error as NodeJS.ErrnoException).code ?? "error"}`;
      }
      // Code-unit order, the same on every machine (not locale order).
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let listing = "";
      for (const name of names)
        listing += `${JSON.stringify(name)}=${this.#digest(path.join(absolute, name), folders)}\n`;
      return hashText(listing);
    } finally {
      folders.delete(identity);
    }
  }

  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    if (this.#memoFile === undefined) return;
    try {
      const bytes = fs.readFileSync(this.#memoFile, "utf8");
      const parsed = JSON.parse(bytes) as { version?: unknown; entries?: unknown };
      if (parsed.version !== MEMO_VERSION || !Array.isArray(parsed.entries)) return;
      for (const item of parsed.entries as unknown[]) {
        if (Array.isArray(item) && typeof item[0] === "string" && isMemoEntry(item[1]))
          this.#memo.set(item[0], item[1]);
      }
    } catch {
      // No memo yet, or an unreadable one: every file is hashed once and the memo rewritten.
    }
  }
}

function factsOf(stat: fs.BigIntStats): Omit<MemoEntry, "hash" | "hashedAt"> {
  return {
    size: String(stat.size),
    mtimeNs: String(stat.mtimeNs),
    ctimeNs: String(stat.ctimeNs),
    ino: String(stat.ino),
    dev: String(stat.dev),
  };
}

function matches(entry: MemoEntry, stat: fs.BigIntStats): boolean {
  return (
    entry.size === String(stat.size) &&
    entry.mtimeNs === String(stat.mtimeNs) &&
    entry.ctimeNs === String(stat.ctimeNs) &&
    entry.ino === String(stat.ino) &&
    entry.dev === String(stat.dev)
  );
}

/** Not racy: the file's last change (content or inode) was well before it was hashed. */
function trusted(entry: MemoEntry): boolean {
  const changedMs = Number(
    (BigInt(entry.mtimeNs) > BigInt(entry.ctimeNs) ? BigInt(entry.mtimeNs) : BigInt(entry.ctimeNs)) / 1_000_000n,
  );
  return changedMs < entry.hashedAt - RACY_MARGIN_MS;
}

function sameFacts(a: fs.BigIntStats, b: fs.BigIntStats): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

function isMemoEntry(value: unknown): value is MemoEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    ["size", "mtimeNs", "ctimeNs", "ino", "dev", "hash"].every((key) => typeof e[key] === "string") &&
    typeof e["hashedAt"] === "number"
  );
}

/** xxh64 of the file's bytes, read in 1 MiB chunks (each chunk's hash seeds the next), as hex. */
function hashOpenFile(fd: number): string {
  const buffer = (scratch ??= Buffer.allocUnsafeSlow(CHUNK));
  let hash = xxh64(new Uint8Array(0));
  let position = 0;
  let length = 0;
  for (;;) {
    const n = fs.readSync(fd, buffer, 0, CHUNK, position);
    if (n === 0) break;
    hash = xxh64(buffer.subarray(0, n), hash);
    position += n;
    length += n;
  }
  return `${length}.${hash.toString(16).padStart(16, "0")}`;
}

function hashText(text: string): string {
  return xxh64(Buffer.from(text, "utf8")).toString(16).padStart(16, "0");
}
