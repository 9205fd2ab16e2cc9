// Test helpers proving "nothing was written": every fs call that can change a file system is
// recorded, and a folder's full listing (names, sizes, mtimes, inodes) can be compared.
import fs from "node:fs";
import path from "node:path";

const SYNC_WRITERS = [
  "appendFileSync",
  "chmodSync",
  "chownSync",
  "copyFileSync",
  "cpSync",
  "fchmodSync",
  "fchownSync",
  "fdatasyncSync",
  "fsyncSync",
  "ftruncateSync",
  "futimesSync",
  "linkSync",
  "lutimesSync",
  "mkdirSync",
  "mkdtempSync",
  "renameSync",
  "rmSync",
  "rmdirSync",
  "symlinkSync",
  "truncateSync",
  "unlinkSync",
  "utimesSync",
  "writeFileSync",
  "writeSync",
  "writevSync",
] as const;
const ASYNC_WRITERS = [
  "appendFile",
  "chmod",
  "chown",
  "copyFile",
  "cp",
  "link",
  "lutimes",
  "mkdir",
  "mkdtemp",
  "rename",
  "rm",
  "rmdir",
  "symlink",
  "truncate",
  "unlink",
  "utimes",
  "writeFile",
] as const;

/** True for an open flag that may create, truncate or write a file. */
function writesOnOpen(flags: unknown): boolean {
  if (flags === undefined || flags === "r" || flags === "rs" || flags === "sr") return false;
  if (typeof flags === "number")
    return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC)) !== 0;
  return true;
}

/**
 * Records every write-capable call on `node:fs` (sync, callback and promises APIs) until `stop()`;
 * calls still go through. `writes` lists them as "method path".
 */
export function recordFsWrites(): { readonly writes: string[]; stop(): void } {
  const writes: string[] = [];
  const restore: (() => void)[] = [];
  const wrap = (
    target: Record<string, unknown>,
    method: string,
    label: string,
    isWrite: (args: unknown[]) => boolean = () => true,
  ): void => {
    const original = target[method];
    if (typeof original !== "function") return;
    target[method] = function (this: unknown, ...args: unknown[]) {
      if (isWrite(args)) writes.push(`${label} ${String(args[0])}`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    restore.push(() => void (target[method] = original));
  };
  const sync = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const method of SYNC_WRITERS) wrap(sync, method, method);
  for (const method of ASYNC_WRITERS) {
    wrap(sync, method, method);
    wrap(promises, method, `promises.${method}`);
  }
  for (const method of ["openSync", "open", "createWriteStream"])
    wrap(sync, method, method, (args) => method === "createWriteStream" || writesOnOpen(args[1]));
  wrap(promises, "open", "promises.open", (args) => writesOnOpen(args[1]));
  return {
    writes,
    stop: () => {
      for (const undo of restore.reverse()) undo();
    },
  };
}

/** Every file and folder under `root` with its size, mtime, ctime and inode, sorted (for before/after comparisons). */
export function fullListing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      const stat = fs.lstatSync(file, { bigint: true });
      out.push(
        `${path.relative(root, file)} ${stat.isDirectory() ? "dir" : "file"} size=${stat.size} mtime=${stat.mtimeNs} ctime=${stat.ctimeNs} ino=${stat.ino} mode=${stat.mode}`,
      );
      if (stat.isDirectory()) walk(file);
    }
  };
  const top = fs.lstatSync(root, { bigint: true });
  out.push(`. mtime=${top.mtimeNs} ctime=${top.ctimeNs} ino=${top.ino}`);
  walk(root);
  return out;
}
