// A private copy of a LevelDB folder for read-only opens: LevelDB writes to every folder it opens
// (LOCK, LOG, CURRENT, MANIFEST, a new log file, compactions), so a reader must not open the original.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StoreError } from "@ham/core";

/** Files of the original that the copy must not have: the lock and the info logs. */
const SKIPPED = new Set(["LOCK", "LOG", "LOG.old"]);
const ATTEMPTS = 3;

/** Copy order: what names the live files first, so every table file it names is copied after it. */
function rank(name: string): number {
  if (name === "CURRENT") return 0;
  if (name.startsWith("MANIFEST-")) return 1;
  if (name.endsWith(".log")) return 2;
  return 3;
}

/**
 * Copies `location` (when it exists) into a new temp folder, reflinking where the file system can
 * (copy-on-write: free on btrfs, XFS, APFS), without writing anything to `location`. A writer
 * compacting meanwhile may remove a file mid-copy: the copy then starts over (3 attempts).
 */
export function readOnlyCopy(store: string, location: string): { readonly folder: string; remove(): void } {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ham-level-readonly-"));
  const remove = (): void => fs.rmSync(folder, { recursive: true, force: true });
  for (let attempt = 1; ; attempt++) {
    try {
      const names = fs.existsSync(location) ? fs.readdirSync(location).filter((name) => !SKIPPED.has(name)) : [];
      names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
      for (const name of names)
        fs.copyFileSync(path.join(location, name), path.join(folder, name), fs.constants.COPYFILE_FICLONE);
      return { folder, remove };
    } catch (error) {
      for (const name of fs.readdirSync(folder)) fs.rmSync(path.join(folder, name), { force: true });
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && attempt < ATTEMPTS) continue;
      remove();
      throw new StoreError(
        store,
        "open read-only",
        `could not copy the LevelDB folder ${location} to read it without writing to it: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
