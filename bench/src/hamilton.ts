// Runs Apache Hamilton's baseline (anchors/hamilton-py/run.sh) in this session and reads its JSON.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./import-time.js";

/** The part of bench_hamilton.py's JSON the comparison reads (times in seconds). */
export interface HamiltonResults {
  meta: Record<string, unknown>;
  import_subprocess_s: number;
  import_in_process_s: number;
  graphs: Record<string, number | string>[];
  data: Record<string, number | boolean>[];
}

/** The anchor folder: $HAM_HAMILTON_ANCHOR, ../shared/anchors/hamilton-py beside the repo, or /work/shared/…. */
export function findAnchor(): string | undefined {
  const candidates = [
    process.env.HAM_HAMILTON_ANCHOR,
    resolve(REPO_ROOT, "..", "shared", "anchors", "hamilton-py"),
    "/work/shared/anchors/hamilton-py",
  ];
  return candidates.find((dir): dir is string => dir !== undefined && dir !== "" && existsSync(join(dir, "run.sh")));
}

/** Runs run.sh with `--reps reps --json jsonFile`; output goes to this process's terminal. */
export function runHamilton(reps: number, jsonFile: string, sizes: readonly number[], rows: readonly number[]): HamiltonResults {
  const anchor = findAnchor();
  if (!anchor) {
    throw new Error("Hamilton anchor not found: set HAM_HAMILTON_ANCHOR to the folder holding run.sh (anchors/hamilton-py)");
  }
  const args = [join(anchor, "run.sh"), "--reps", String(reps), "--json", jsonFile, "--sizes", sizes.join(","), "--rows", rows.join(",")];
  console.log(`\n$ bash ${args.join(" ")}`);
  const result = spawnSync("bash", args, { stdio: "inherit", env: { ...process.env, HAMILTON_TELEMETRY_ENABLED: "false" } });
  if (result.status !== 0) {
    throw new Error(`Hamilton's run.sh exited with ${result.status ?? result.signal}; see its output above (setup.sh needs apt and root)`);
  }
  return readHamilton(jsonFile);
}

export function readHamilton(jsonFile: string): HamiltonResults {
  return JSON.parse(readFileSync(jsonFile, "utf8")) as HamiltonResults;
}
