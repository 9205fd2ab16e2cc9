// Writes to a store's folder by the stores of this process, counted per folder. A store that has seen
// every write made here since it last listed the folder knows that only other processes can have
// added to it since.
import path from "node:path";

const counts = new Map<string, number>();

/** The folder's key: its absolute path. */
export function folderKey(dir: string): string {
  return path.resolve(dir);
}

/** Writes counted for `key` so far. */
export function folderWrites(key: string): number {
  return counts.get(key) ?? 0;
}

/** Counts one write to `key`; returns the new count. */
export function noteFolderWrite(key: string): number {
  const count = (counts.get(key) ?? 0) + 1;
  counts.set(key, count);
  return count;
}
