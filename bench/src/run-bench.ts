// Runs every ham benchmark section and returns the results (main.ts prints, saves and compares them).
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type DataRow, benchData } from "./data-size.js";
import { type DataframeBench, benchDataframes, formatDataframes } from "./dataframes.js";
import { Workdir } from "./dataflows.js";
import { type FingerprintRow, benchFingerprint } from "./fingerprint.js";
import { type GraphRow, benchGraph } from "./graphs.js";
import { type ImportRow, importTime, profileImport } from "./import-time.js";
import { type ExecutorsOptions, type ExecutorsResult, benchExecutors } from "./executors.js";
import { type LatencyRow, benchLatency, formatLatency } from "./latency.js";
import { type MemoryRow, benchMemory } from "./memory.js";
import { REPO_ROOT } from "./paths.js";
import { type ProfileMode, type ProfileResult, profileRuns } from "./profile.js";
import { type SeedRun, seedExample } from "./seed-example.js";
import { type StoreRow, benchStores } from "./stores.js";
import {
  formatData,
  formatFingerprint,
  formatGraphs,
  formatImport,
  formatMemory,
  formatProfile,
  formatStores,
} from "./tables.js";

export const SECTIONS = [
  "graphs",
  "data",
  "seed",
  "import",
  "fingerprint",
  "stores",
  "dataframes",
  "latency",
  "executors",
  "memory",
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  reps: number;
  sizes: number[];
  rows: number[];
  sections: Section[];
  /** Nodes of the store benchmark's dataflows. */
  storeNodes: number;
  /** Latency section: dataflow sizes (default 100, 1000) and ms added per round trip (default 1, 5, 20). */
  latencySizes?: number[];
  latencyDelays?: number[];
  fingerprintBytes: number;
  fingerprintCount: number;
  /** The executors section's sizes (default: the published ones). */
  executors?: ExecutorsOptions;
  /** The memory section's sizes: warm runs of a reused driver of `reusedNodes` nodes; a warm run of `rssNodes` in a fresh process (0: not measured). */
  memory?: { reusedNodes: number; runs: number; rssNodes: number };
  /** Import @ham/core from its build (default) or its source (smoke test: no build). */
  importEntry: "dist" | "source";
  /** Write .cpuprofile files of warm runs of this many nodes to outDir (0: no profile). */
  profileNodes: number;
  outDir: string;
  log: (line: string) => void;
}

export interface BenchMeta {
  date: string;
  node: string;
  v8: string;
  platform: string;
  cpu: string;
  cpus: number;
  memoryGiB: number;
  loadavgStart: number[];
  loadavgEnd: number[];
  hamCoreVersion: string;
  reps: number;
  seconds: number;
  /** Sections re-measured later with --update-results, and when. */
  updated?: string;
}

export interface BenchResults {
  meta: BenchMeta;
  graphs: GraphRow[];
  data: DataRow[];
  seed: SeedRun[];
  import?: ImportRow;
  fingerprint: FingerprintRow[];
  stores: StoreRow[];
  /** The dataframe pipelines (issue 21 goals); absent in results written before the section existed. */
  dataframes?: DataframeBench;
  /** Warm runs with a delay per round trip (issue 20); absent in results written before the section existed. */
  latency?: LatencyRow[];
  /** In-process vs threads vs BullMQ, and BullMQ's overhead per node (issue 20); absent in older results. */
  executors?: ExecutorsResult;
  /** Heap growth of a reused driver and a warm run's peak RSS (issue 19); absent in older results. */
  memory?: MemoryRow[];
  profiles: ProfileResult[];
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { reps, log } = options;
  const started = performance.now();
  const loadavgStart = loadavg().map((x) => Math.round(x * 100) / 100);
  const coreVersion = (
    JSON.parse(readFileSync(join(REPO_ROOT, "packages", "core", "package.json"), "utf8")) as { version: string }
  ).version;
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      v8: process.versions.v8,
      platform: `${platform()} ${release()}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadavgStart,
      loadavgEnd: [],
      hamCoreVersion: coreVersion,
      reps,
      seconds: 0,
    },
    graphs: [],
    data: [],
    seed: [],
    fingerprint: [],
    stores: [],
    profiles: [],
  };
  const on = (section: Section) => options.sections.includes(section);
  const workdir = new Workdir();
  try {
    if (on("import")) {
      try {
        results.import = importTime(workdir, reps, options.importEntry, log);
        for (const line of formatImport(results.import, reps)) log(line);
      } catch (error) {
        log(`  import / build skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (on("graphs")) {
      log(`\n=== Graph benchmarks (times in ms; per-node columns in µs; median of ${reps}) ===`);
      const [header, ...rest] = formatGraphs([]);
      log(header as string);
      for (const shape of ["chain", "wide"] as const) {
        for (const n of options.sizes) {
          const row = await benchGraph(workdir, shape, n, reps);
          results.graphs.push(row);
          log(formatGraphs([row])[1] as string);
        }
      }
      for (const line of rest) log(line);
    }
    if (on("data")) {
      log(`\n=== Data-size: seed → frame(rows × 4 float64) → total; request ["total"] (ms; median of ${reps}) ===`);
      for (const rows of options.rows) results.data.push(await benchData(workdir, rows, reps));
      for (const line of formatData(results.data)) log(line);
    }
    if (on("seed")) results.seed = await seedExample(workdir, log);
    if (on("fingerprint")) {
      results.fingerprint = await benchFingerprint(reps, options.fingerprintBytes, options.fingerprintCount);
      for (const line of formatFingerprint(results.fingerprint, reps)) log(line);
    }
    if (on("stores")) {
      results.stores = await benchStores(workdir, options.storeNodes, reps, log);
      for (const line of formatStores(results.stores, reps)) log(line);
    }
    if (on("dataframes")) {
      try {
        results.dataframes = benchDataframes(1_000_000);
        for (const line of formatDataframes(results.dataframes)) log(line);
      } catch (error) {
        log(`  dataframe pipelines skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (on("executors")) {
      log("\n=== Executors ===");
      try {
        results.executors = await benchExecutors((line) => log(`  ${line}`), options.executors);
      } catch (error) {
        log(`  executors skipped: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (on("latency")) {
      log(
        `\n=== Latency: warm runs (new driver) with a delay per store round trip (median of ${Math.min(reps, 3)}) ===`,
      );
      log(formatLatency([])[0] as string);
      const latencyOptions = {
        sizes: options.latencySizes ?? [100, 1000],
        delays: options.latencyDelays ?? [1, 5, 20],
        reps: Math.min(reps, 3),
        log,
      };
      results.latency = await benchLatency(workdir, latencyOptions);
    }
    if (on("memory")) {
      log(
        "\n=== Memory: warm runs of a reused wide driver (heap growth); one warm run in a fresh process (peak RSS) ===",
      );
      results.memory = await benchMemory(
        workdir,
        options.memory ?? { reusedNodes: 1000, runs: 1000, rssNodes: 10_000 },
      );
      for (const line of formatMemory(results.memory)) log(line);
    }
    if (options.profileNodes > 0) {
      const plan: [ProfileMode, "chain" | "wide", number][] = [
        ["warm", "chain", 10],
        ["warm", "wide", 10],
        ["cold", "chain", 3],
        ["plain", "chain", 20],
      ];
      for (const [mode, shape, runs] of plan) {
        const profile = await profileRuns(workdir, mode, shape, options.profileNodes, runs, options.outDir);
        results.profiles.push(profile);
        for (const line of formatProfile(profile)) log(line);
      }
      if (options.importEntry === "dist") {
        try {
          const profile = profileImport(workdir, options.outDir, log);
          results.profiles.push(profile);
          for (const line of formatProfile(profile)) log(line);
        } catch (error) {
          log(`  import profile skipped: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  } finally {
    workdir.dispose();
  }
  results.meta.loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  results.meta.seconds = (performance.now() - started) / 1e3;
  return results;
}
