// folderSnapshot: a folder's full listing for the readOnly group's snapshot hook (file-based stores).
import fs from "node:fs";
import path from "node:path";

/**
 * Every file and folder under `root` with its size, modification and change times (ns) and inode,
 * sorted — what changes when anything writes, renames, deletes, touches or re-links there. A missing
 * `root` is `null`. Access times are left out: reading a file changes them.
 *
 * ```ts
 * describeResultStore("mine", factory, { snapshot: ({ namespace }) => folderSnapshot(join(root, namespace)) });
 * ```
 */
export function folderSnapshot(root: string): string[] | null {
  if (!fs.existsSync(root)) return null;
  const out: string[] = [];
  const describe = (file: string, name: string): fs.BigIntStats => {
    const stat = fs.lstatSync(file, { bigint: true });
    out.push(
      `${name} ${stat.isDirectory() ? "dir" : `${stat.size} bytes`} mtime=${stat.mtimeNs} ctime=${stat.ctimeNs} ino=${stat.ino} mode=${stat.mode.toString(8)}`,
    );
    return stat;
  };
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (describe(file, path.relative(root, file)).isDirectory()) walk(file);
    }
  };
  describe(root, ".");
  walk(root);
  return out;
}
