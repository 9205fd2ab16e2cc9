// Runs Apache Hamilton's baseline (anchors/hamilton-py/run.sh) in this session and reads its JSON.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./paths.js";

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
export function runHamilton(
  reps: number,
  jsonFile: string,
  sizes: readonly number[],
  rows: readonly number[],
): HamiltonResults {
  const anchor = findAnchor();
  if (!anchor) {
    throw new Error(
      "Hamilton anchor not found: set HAM_HAMILTON_ANCHOR to the folder holding run.sh (anchors/hamilton-py)",
    );
  }
  const args = [
    join(anchor, "run.sh"),
    "--reps",
    String(reps),
    "--json",
    jsonFile,
    "--sizes",
    sizes.join(","),
    "--rows",
    rows.join(","),
  ];
  console.log(`\n$ bash ${args.join(" ")}`);
  const result = spawnSync("bash", args, {
    stdio: "inherit",
    env: { ...process.env, HAMILTON_TELEMETRY_ENABLED: "false" },
  });
  if (result.status !== 0) {
    throw new Error(
      `Hamilton's run.sh exited with ${result.status ?? result.signal}; see its output above (setup.sh needs apt and root)`,
    );
  }
  return readHamilton(jsonFile);
}

export function readHamilton(jsonFile: string): HamiltonResults {
  return JSON.parse(readFileSync(jsonFile, "utf8")) as HamiltonResults;
}

/**
 * The anchor's results_baseline.txt (one run on a quiet machine of this kind), read into the JSON's
 * shape: a second reference when the same-session run was slowed by other work on the machine.
 */
export function readBaseline(): HamiltonResults | undefined {
  const anchor = findAnchor();
  const file = anchor && join(anchor, "results_baseline.txt");
  if (!file || !existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  const s = (ms: string) => Number(ms) / 1e3;
  const graphs: Record<string, number | string>[] = [];
  const graphLine =
    /^(chain|wide)\s+(\d+) \|\s+([\d.]+)\s+([\d.]+) \|\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+) \|\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/gm;
  for (const m of text.matchAll(graphLine)) {
    const [, shape, n, bp, bc, plain, cold, wn, wnt, wr, upp, upc, upn, upr] = m as unknown as string[];
    graphs.push({
      shape: shape as string,
      N: Number(n),
      build_plain: s(bp as string),
      build_cache: s(bc as string),
      plain: s(plain as string),
      cold: s(cold as string),
      warm_new: s(wn as string),
      warm_new_total: s(wnt as string),
      warm_reuse: s(wr as string),
      us_per_node_plain: Number(upp),
      us_per_node_cold: Number(upc),
      us_per_node_warm_new: Number(upn),
      us_per_node_warm_reuse: Number(upr),
    });
  }
  const data: Record<string, number | boolean>[] = [];
  for (const m of text.matchAll(/^\s+(\d+) \|\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+) \|/gm)) {
    const [, rows, plain, cold, wn, wr] = m as unknown as string[];
    data.push({
      rows: Number(rows),
      plain: s(plain as string),
      cold: s(cold as string),
      warm_new: s(wn as string),
      warm_reuse: s(wr as string),
    });
  }
  const imp = /fresh subprocess \(median of \d+\): ([\d.]+) ms/.exec(text);
  const meta: Record<string, unknown> = {};
  for (const m of text.matchAll(/^ {2}(python|hamilton_version|pandas|numpy|reps): (.+)$/gm))
    meta[m[1] as string] = m[2];
  return {
    meta,
    import_subprocess_s: imp ? s(imp[1] as string) : Number.NaN,
    import_in_process_s: Number.NaN,
    graphs,
    data,
  };
}
