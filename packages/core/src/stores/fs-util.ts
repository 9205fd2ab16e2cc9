// Small synchronous file helpers shared by the file stores: atomic writes and stale temp clean-up.
// Sync calls on purpose: for small files they cost ~13 µs where fs.promises costs 100+ µs (DESIGN.md).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { StoreError, errorMessage } from "../errors.js";
import { toStoreError } from "./lifecycle.js";

/** Temp files start with this prefix; no result, segment or run file name can. */
export const TEMP_PREFIX = ".tmp-";

/** Temp files older than this are from dead writers (a live one renames within seconds). */
export const STALE_TEMP_MS = 15 * 60 * 1000;

let tempCounter = 0;

/** A fresh temp file path in `dir`, unique across processes and within this one. */
export function tempPath(dir: string): string {
  tempCounter = (tempCounter + 1) % 0x7fffffff;
  return path.join(dir, `${TEMP_PREFIX}${process.pid}-${tempCounter}-${randomBytes(4).toString("hex")}`);
}

/** Node's error code of a failed fs call, if any. */
export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as NodeJS.ErrnoException).code : undefined;
}

/**
 * Opening for reading never waits: without O_NONBLOCK, opening a FIFO blocks until some process
 * opens it for writing, and reading it blocks until one writes — forever, for a cache file.
 */
const READ_WITHOUT_BLOCKING = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** An open regular file and its size. */
export interface OpenedFile {
  readonly fd: number;
  readonly size: number;
}

/**
 * Opens `file` for reading when it is a regular file (symlinks followed). "missing" when nothing is
 * there; "not a regular file" for a FIFO, socket, device or folder at the path, which a cache never
 * writes and must not read (a FIFO would block the process forever). Other failures throw.
 */
export function openRegularFile(file: string): OpenedFile | "missing" | "not a regular file" {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_WITHOUT_BLOCKING);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    if (code === "ENXIO" || code === "EISDIR") return "not a regular file"; // a socket; a folder (some platforms)
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isFile()) return { fd, size: stat.size };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
  fs.closeSync(fd);
  return "not a regular file";
}

/** Reads up to `length` bytes from `fd` at `position` into a buffer of their own (never Node's shared pool). */
export function readFrom(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafeSlow(length);
  let read = 0;
  while (read < length) {
    const n = fs.readSync(fd, buffer, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  if (read === length) return buffer;
  // The file was shorter than its size said: hand back exactly the bytes read, in a buffer of their own.
  const short = Buffer.allocUnsafeSlow(read);
  buffer.copy(short, 0, 0, read);
  return short;
}

/** The bytes of the regular file at `file`, or why there are none. */
export function readRegularFile(file: string): Buffer | "missing" | "not a regular file" {
  const opened = openRegularFile(file);
  if (typeof opened === "string") return opened;
  try {
    return readFrom(opened.fd, 0, opened.size);
  } finally {
    fs.closeSync(opened.fd);
  }
}

/** True when a regular file is at `file` (symlinks followed); false, like fs.existsSync, when it cannot be checked. */
export function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}

/** Codes of a write refused by the folder itself: a read-only mount, or no permission to write. */
const NOT_WRITABLE = new Set(["EROFS", "EACCES", "EPERM"]);

/**
 * The StoreError for a failed write. When the cache folder cannot be written at all (read-only
 * mount, another user's folder), it says so and points at readOnly, the mode made for that case.
 */
export function writeError(
  store: string,
  operation: string,
  error: unknown,
  detail: string,
  folder: string,
): StoreError {
  const code = errorCode(error);
  if (code === undefined || !NOT_WRITABLE.has(code)) return toStoreError(store, operation, error, detail);
  const text = errorMessage(error);
  return new StoreError(
    store,
    operation,
    `${detail}: ${text} — the cache folder ${folder} is not writable; to use a cache on a read-only mount pass withCache({ readOnly: true }), otherwise make the folder writable for this user`,
    { cause: error },
  );
}

/** Writes all of `bytes` to a new file at `file`, optionally fsyncing it before it is closed. */
export function writeNewFile(file: string, bytes: Uint8Array | string, fsync: boolean): void {
  const fd = fs.openSync(file, "wx");
  try {
    writeAll(fd, typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes);
    if (fsync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes every byte (writeSync may write less than asked). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.byteLength) {
    offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
  }
}

/**
 * Writes `bytes` to `target` so readers see all of it or nothing: write a temp file in `tempDir`
 * (same file system), then rename over the target. With `fsync`, the data and the rename survive a
 * power loss as well as a crash. `ensureDir` is called once if the target's folder is missing.
 */
export function atomicWriteFile(
  tempDir: string,
  target: string,
  bytes: Uint8Array | string,
  fsync: boolean,
  ensureDir?: () => void,
): void {
  const temp = tempPath(tempDir);
  try {
    writeNewFile(temp, bytes, fsync);
    renameInto(temp, target, ensureDir);
  } catch (error) {
    removeTemp(temp);
    throw error;
  }
  if (fsync) fsyncDir(path.dirname(target));
}

/**
 * atomicWriteFile with the bytes written on libuv's thread pool, so the main thread goes on meanwhile
 * (for large results: a write of tens of MB takes tens to hundreds of ms). The same guarantees.
 * `bytes` may be pieces, written in order (the file holds their concatenation).
 */
export async function atomicWriteFileInBackground(
  tempDir: string,
  target: string,
  bytes: Uint8Array | readonly Uint8Array[],
  fsync: boolean,
  ensureDir?: () => void,
): Promise<void> {
  const temp = tempPath(tempDir);
  try {
    const handle = await fs.promises.open(temp, "wx");
    try {
      // Pieces (ResultStore.setChunks) are written one after the other: the file holds their concatenation.
      for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
        let offset = 0;
        while (offset < piece.byteLength) {
          offset += (await handle.write(piece, offset, piece.byteLength - offset)).bytesWritten;
        }
      }
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    renameInto(temp, target, ensureDir);
  } catch (error) {
    removeTemp(temp);
    throw error;
  }
  if (fsync) fsyncDir(path.dirname(target));
}

/** Renames a written temp file over `target`, making its folder once when missing. */
function renameInto(temp: string, target: string, ensureDir: (() => void) | undefined): void {
  try {
    fs.renameSync(temp, target);
  } catch (error) {
    if (errorCode(error) !== "ENOENT" || ensureDir === undefined) throw error;
    ensureDir();
    fs.renameSync(temp, target);
  }
}

function removeTemp(temp: string): void {
  try {
    fs.unlinkSync(temp);
  } catch {
    // The temp file may not exist (open failed); a leftover one is removed by a later open.
  }
}

/** Makes a folder's entries (a created or renamed file) durable. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch (error) {
    // Some platforms (Windows) cannot open or fsync a directory; the file data itself was synced.
    if (!["EISDIR", "EPERM", "EINVAL", "EBADF"].includes(errorCode(error) ?? "")) throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The names in folder `dir`; none when it does not exist or is not a folder (other errors are thrown). */
export function listFolder(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
}

/**
 * Removes temp files older than STALE_TEMP_MS from `dir` (left by writers that crashed). `listed`:
 * the folder's names when the caller has just listed it (an open lists each folder once for this and
 * for its own reading).
 */
export function removeStaleTemps(dir: string, listed?: readonly string[]): void {
  const now = Date.now();
  let names: readonly string[];
  try {
    names = listed ?? fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const file = path.join(dir, name);
    try {
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      if (stat !== undefined && now - stat.mtimeMs > STALE_TEMP_MS) fs.unlinkSync(file);
    } catch {
      // Another process may have removed it first; that is fine.
    }
  }
}
