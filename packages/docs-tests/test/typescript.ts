// The two TypeScript compilers users have today — 5.9 (the last 5.x) and 7 (what `npm i -D typescript`
// installs) — run as their own `tsc` CLIs, returning the diagnostics as text.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface Compiler {
  readonly label: string;
  readonly version: string;
  /** Runs `tsc -p project` in `cwd` (error paths are relative to it); resolves to the error lines (empty when it type-checks). */
  check(project: string, cwd?: string): Promise<string[]>;
}

function compiler(label: string, packageName: string): Compiler {
  const manifest = require.resolve(`${packageName}/package.json`);
  const { version } = require(manifest) as { version: string };
  const bin = join(dirname(manifest), "bin", "tsc");
  return {
    label,
    version,
    async check(project, cwd) {
      try {
        await run(process.execPath, [bin, "-p", project, "--noEmit", "--pretty", "false"], {
          cwd,
          timeout: 240_000,
          maxBuffer: 64 * 1024 * 1024,
        });
        return [];
      } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        const text = `${stdout}${stderr}`.trim();
        return text === "" ? [String((error as Error).message)] : text.split("\n");
      }
    },
  };
}

export const COMPILERS: readonly Compiler[] = [
  compiler("TypeScript 5.9", "typescript"),
  compiler("TypeScript 7", "typescript7"),
];
