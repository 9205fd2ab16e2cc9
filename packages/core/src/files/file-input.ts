// file(path): an input value naming a file or folder whose content, not only its name, is part of the cache key.
import { fileURLToPath } from "node:url";
import { ConfigurationError } from "../errors.js";

// A registered symbol, not a private class check: two copies of @ham/core (ESM and CommonJS) agree.
const FILE_INPUT = Symbol.for("ham.fileInput");

/**
 * A file or folder given as an input, config or override value (`file("sales.csv")`). Nodes receive
 * its `path` string; the cache fingerprints the path and what is there — a file's bytes, a folder's
 * names and files recursively — so editing the file makes the nodes that read it run again.
 */
export class FileInput {
  /** The path as given (a file: URL is turned into a path): what the nodes receive. */
  readonly path: string;
  declare readonly [FILE_INPUT]: true;

  constructor(path: string | URL) {
    this.path = checkPath(path);
    Object.defineProperty(this, FILE_INPUT, { value: true });
    Object.freeze(this);
  }

  toString(): string {
    return this.path;
  }

  toJSON(): string {
    return this.path;
  }
}

/**
 * Marks an input as a file or folder whose content the cache must follow:
 * `dr.execute(["report"], { inputs: { path: file("sales.csv") } })`. The node receives the path
 * string, as if the string had been given; the cache key covers the file's bytes (a folder: its
 * names and files, recursively), hashed again only when the file's size, times or inode change.
 */
export function file(path: string | URL): FileInput {
  return new FileInput(path);
}

/** True for a value made by `file()` (by any copy of @ham/core). */
export function isFileInput(value: unknown): value is FileInput {
  return typeof value === "object" && value !== null && (value as { [FILE_INPUT]?: unknown })[FILE_INPUT] === true;
}

/**
 * True when `value` is a `file()` or holds one anywhere inside (arrays, objects, Maps, Sets), so the
 * cache must fingerprint it with the file fingerprinter. Other values keep the default
 * fingerprinter's fast paths; the walk costs a type check per element, far less than hashing them.
 */
export function containsFileInput(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const seen = new Set<object>();
  const stack: object[] = [value];
  while (stack.length > 0) {
    const current = stack.pop() as object;
    if (isFileInput(current)) return true;
    if (seen.has(current) || ArrayBuffer.isView(current) || current instanceof ArrayBuffer) continue;
    seen.add(current);
    const children: Iterable<unknown> = Array.isArray(current)
      ? current
      : current instanceof Map
        ? [...current.keys(), ...current.values()]
        : current instanceof Set
          ? current
          : Object.values(current);
    for (const child of children) if (typeof child === "object" && child !== null) stack.push(child);
  }
  return false;
}

/**
 * What a node receives for an input, config or override value: the path of a `file()` given as the
 * whole value, else the value itself (a `file()` inside an array or object stays a FileInput: use
 * its `.path`).
 */
export function nodeValueOf(value: unknown): unknown {
  return isFileInput(value) ? value.path : value;
}

function checkPath(path: unknown): string {
  if (path instanceof URL) {
    if (path.protocol !== "file:")
      throw new ConfigurationError(`file(path) takes a path or a file: URL, got the ${path.protocol} URL ${path.href}`);
    return fileURLToPath(path);
  }
  if (typeof path !== "string" || path === "" || path.includes("\0")) {
    const shown = typeof path === "string" ? JSON.stringify(path) : path === null ? "null" : typeof path;
    throw new ConfigurationError(
      `file(path) needs the path of a file or folder, like file("data/sales.csv"), got ${shown}`,
    );
  }
  return path;
}
