// The dataframe section of `pnpm bench`: runs packages/fingerprint-dataframe/bench/pipeline.bench.ts (issue-21 goals) in a child process.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.js";

/** One pipeline × compression, as pipeline.bench.ts prints it. */
export interface DataframeRow {
  pipeline: string;
  compression: string;
  uncached_execute_ms: number;
  cold_execute_ms: number;
  /** Median of back-to-back pairs (wall time). */
  cold_over_uncached: number;
  /** The same in CPU time (user + system); absent in results written before it was measured. */
  cold_over_uncached_cpu?: number;
  ipc_serialisations_per_table_result: number;
  warm_execute_ms: number;
  leaf_change_execute_ms: number;
  /** The same in a new process (table libraries loaded again). */
  leaf_change_new_process_execute_ms: number;
  saved_over_cold_wall: number;
  cache_bytes: number;
  cache_vs_uncompressed?: number;
}

export interface DataframeBench {
  loadavg: string[];
  rows: number;
  results: DataframeRow[];
}

/** Runs the polars flights pipeline and examples/dataframe-pipeline at `rows` rows (own process: polars and Arrow loaded there). */
export function benchDataframes(rows: number, compressions = "none,zlib-1"): DataframeBench {
  const cwd = join(REPO_ROOT, "packages", "fingerprint-dataframe");
  const out = execFileSync(
    process.execPath,
    [
      "--expose-gc",
      "--import",
      "tsx",
      "--conditions=@ham/source",
      "bench/pipeline.bench.ts",
      String(rows),
      compressions,
    ],
    { cwd, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(out) as DataframeBench;
}

/** The goals table: one line per pipeline and compression. */
export function formatDataframes(bench: DataframeBench): string[] {
  const head = `${"pipeline".padEnd(44)} ${"compr".padEnd(7)} | ${"cold/unc".padStart(8)} ${"cpu".padStart(5)} ${"ipc/res".padStart(7)} ${"leaf ms".padStart(7)} ${"leaf new".padStart(8)} ${"saved/w".padStart(7)} ${"size".padStart(5)}`;
  return [
    `\n=== Dataframe pipelines (issue 21 goals; ${bench.rows} rows; load average ${bench.loadavg.join(" ")}) ===`,
    head,
    ...bench.results.map(
      (r) =>
        `${r.pipeline.padEnd(44)} ${r.compression.padEnd(7)} | ${r.cold_over_uncached.toFixed(2).padStart(8)} ${(r.cold_over_uncached_cpu?.toFixed(2) ?? "-").padStart(5)} ${r.ipc_serialisations_per_table_result.toFixed(2).padStart(7)} ` +
        `${String(r.leaf_change_execute_ms).padStart(7)} ${String(r.leaf_change_new_process_execute_ms).padStart(8)} ${r.saved_over_cold_wall.toFixed(2).padStart(7)} ${(r.cache_vs_uncompressed ?? 1).toFixed(2).padStart(5)}`,
    ),
    "  cold/unc=cold cached execute ÷ uncached, median of 3 pairs (goal ≤ 1.5; cpu: the same in CPU time); ipc/res=IPC serialisations per table result (goal 1);",
    "  leaf ms=execute after one leaf's code changed (goal ≤ 50; leaf new: in a new process); saved/w=reported saving ÷ cold wall (≤ 1); size=cache ÷ uncompressed",
  ];
}
