// Code identity's reads and parses of source, counted: tests check that later builds over a loaded module do neither.
import { readFileSync } from "node:fs";

/** How many files (and inspector scripts) code identity has read and how many texts it has parsed, in this process. */
export const sourceWork = { reads: 0, parses: 0 };

/** A file's text, or undefined when it cannot be read. */
export function readText(file: string): string | undefined {
  sourceWork.reads++;
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
