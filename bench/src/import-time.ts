// Import time of @ham/core in a fresh Node process (the built dist), plus building a 1000-node driver there.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { type Workdir, chainSource } from "./dataflows.js";
import { REPO_ROOT } from "./paths.js";
import { type ProfileResult, summarize } from "./profile.js";
import { median } from "./timing.js";

const CORE_DIR = join(REPO_ROOT, "packages", "core");
const TSX = join(REPO_ROOT, "node_modules", ".bin", "tsx");

export interface ImportRow {
  /** "dist": node on packages/core/dist; "source": tsx on src (only for the smoke test). */
  entry: "dist" | "source";
  /** Seconds to import @ham/core in a fresh process (median). */
  import_s: number;
  /** Seconds to import the generated 1000-node module (not part of Hamilton's build either). */
  load_module_s: number;
  /** Seconds to build a driver of the 1000-node chain in that process. */
  build_1000_s: number;
  import_plus_build_s: number;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith(".test.ts")) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

let builtEntry: string | undefined;

/**
 * Builds @ham/core when dist is missing or older than its source, once per bench run (the core may
 * be edited while a long run goes on); returns the ESM entry. A failed build with an older dist
 * present uses that dist, with a warning; with no dist at all it throws.
 */
export function ensureCoreDist(log: (line: string) => void): string {
  if (builtEntry) return builtEntry;
  const entry = join(CORE_DIR, "dist", "index.js");
  if (!(existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(CORE_DIR, "src")))) {
    log(
      `  building @ham/core (${existsSync(entry) ? "dist older than src" : "no dist yet"}): pnpm --filter @ham/core build`,
    );
    try {
      execFileSync("pnpm", ["--filter", "@ham/core", "build"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
      const detail =
        (error as { stderr?: Buffer }).stderr
          ?.toString()
          .split("\n")
          .find((l) => /error/i.test(l)) ?? String(error);
      if (!existsSync(entry))
        throw new Error(`pnpm --filter @ham/core build failed and there is no dist to import: ${detail}`);
      log(
        `  warning: pnpm --filter @ham/core build failed (${detail.trim()}); measuring the older dist from ${statSync(entry).mtime.toISOString()}`,
      );
    }
  }
  builtEntry = entry;
  return entry;
}

const PROBE = `const start = performance.now();
const core = await import(process.argv[2]);
const imported = performance.now();
const module = await import(process.argv[3]);
const loaded = performance.now();
await new core.Builder().withModules(module).build();
const built = performance.now();
console.log(JSON.stringify({ import: imported - start, load: loaded - imported, build: built - loaded }));
`;

function writeProbe(workdir: Workdir): { probe: string; moduleFile: string } {
  const probe = join(workdir.path, "import-probe.mjs");
  writeFileSync(probe, PROBE);
  const moduleFile = join(workdir.path, "import-chain1000.mjs");
  writeFileSync(moduleFile, chainSource(1000));
  return { probe, moduleFile };
}

/** `node --cpu-prof` of one fresh process importing the built @ham/core and building the 1000-node driver. */
export function profileImport(workdir: Workdir, outDir: string, log: (line: string) => void): ProfileResult {
  const { probe, moduleFile } = writeProbe(workdir);
  const coreEntry = ensureCoreDist(log);
  const profDir = mkdtempSync(join(workdir.path, "cpuprof-"));
  const out = execFileSync(
    process.execPath,
    [
      "--cpu-prof",
      "--cpu-prof-interval",
      "50",
      "--cpu-prof-dir",
      profDir,
      probe,
      pathToFileURL(coreEntry).href,
      pathToFileURL(moduleFile).href,
    ],
    { cwd: dirname(probe), encoding: "utf8" },
  );
  const times = JSON.parse(out.trim().split("\n").at(-1) as string) as { import: number; load: number; build: number };
  const produced = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
  if (!produced) throw new Error("node --cpu-prof wrote no profile");
  const file = join(outDir, "profile-import-build-1000.cpuprofile");
  renameSync(join(profDir, produced), file);
  rmSync(profDir, { recursive: true, force: true });
  const profile = JSON.parse(readFileSync(file, "utf8")) as Parameters<typeof summarize>[0];
  return {
    mode: "import+build",
    shape: "chain",
    n: 1000,
    runs: 1,
    file: relative(REPO_ROOT, file),
    profiledMs: times.import + times.load + times.build,
    ...summarize(profile),
  };
}

export function importTime(
  workdir: Workdir,
  reps: number,
  entry: "dist" | "source",
  log: (line: string) => void,
): ImportRow {
  const coreEntry = entry === "dist" ? ensureCoreDist(log) : join(CORE_DIR, "src", "index.ts");
  const { probe, moduleFile } = writeProbe(workdir);
  const samples: { import: number; load: number; build: number }[] = [];
  for (let i = 0; i < reps; i++) {
    const args = [probe, pathToFileURL(coreEntry).href, pathToFileURL(moduleFile).href];
    const out =
      entry === "dist"
        ? execFileSync(process.execPath, args, { cwd: dirname(probe), encoding: "utf8" })
        : execFileSync(TSX, ["--conditions=@ham/source", ...args], { cwd: dirname(probe), encoding: "utf8" });
    samples.push(
      JSON.parse(out.trim().split("\n").at(-1) as string) as { import: number; load: number; build: number },
    );
  }
  const imp = median(samples.map((s) => s.import)) / 1e3;
  const build = median(samples.map((s) => s.build)) / 1e3;
  return {
    entry,
    import_s: imp,
    load_module_s: median(samples.map((s) => s.load)) / 1e3,
    build_1000_s: build,
    import_plus_build_s: median(samples.map((s) => s.import + s.build)) / 1e3,
  };
}
