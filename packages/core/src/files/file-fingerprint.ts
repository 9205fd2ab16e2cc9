// How the cache fingerprints file() values, and the warning for plain strings that name files it cannot follow.
import fs from "node:fs";
import type { Fingerprinter } from "../contracts.js";
import { hashString } from "../fingerprint/bytes.js";
import type { FileHashes } from "./file-hashes.js";
import { type FileInput, isFileInput } from "./file-input.js";

/**
 * Fingerprints `file()` values by their path (nodes see it) and their content digest. Used for
 * inputs, config values and overrides only — where `file()` belongs — so results keep the default
 * fingerprinter's fast path.
 */
export function fileFingerprinter(hashes: FileHashes): Fingerprinter {
  return {
    name: "ham.file",
    accepts: isFileInput,
    fingerprint: (value) => {
      const { path } = value as FileInput;
      return hashString(`${path}\u0000${hashes.digest(path)}`);
    },
  };
}

/**
 * The warning for a string input, config value or override that names an existing file or folder
 * (relative to the working directory, as the node would read it): only the string is in the cache
 * key, so an edited file would still hit. Undefined when it names nothing.
 */
export function untrackedPathWarning(name: string, value: unknown, kind: "input" | "override"): string | undefined {
  if (typeof value !== "string" || value === "" || value.length > 4096 || value.includes("\0")) return undefined;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(value, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (stat === undefined || (!stat.isFile() && !stat.isDirectory())) return undefined;
  const what = stat.isFile() ? "file" : "folder";
  const where =
    kind === "override"
      ? `execute(outputs, { overrides: { ${name}: file(${JSON.stringify(value)}) } })`
      : `execute(outputs, { inputs: { ${name}: file(${JSON.stringify(value)}) } }) or withConfig({ ${name}: file(${JSON.stringify(value)}) })`;
  return (
    `${kind} "${name}" is ${JSON.stringify(value)}, which names an existing ${what}, but only the string is part of the cache key: ` +
    `after the ${what} changes, the nodes that read it still hit the cache with results of the old content. ` +
    `Give it as file(${JSON.stringify(value)}) (import { file } from "@ham/core"): ${where}. ` +
    `The node still receives the path; the cache then follows the ${what === "file" ? "file's bytes" : "folder's files"}`
  );
}
