// Benchmark: caching cost of real table pipelines (a ≥1M-row polars one and examples/dataframe-pipeline) against the issue-21 goals.
// Run: node --expose-gc --import tsx --conditions=@ham/source bench/pipeline.bench.ts [rows] [compression,…]
// Prints one JSON object: per pipeline and compression, the goal figures (see docs/dataframes.md).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, type Codec } from "@ham/core";
import * as arrow from "apache-arrow";
import pl from "nodejs-polars";
import * as example from "../../../examples/dataframe-pipeline/src/dataflow.js";
import { type ArrowIpcCompression, dataframeCaching } from "../src/index.js";
import * as flightsPipeline from "./flights-pipeline.js";

type AnyRecord = Record<string, any>;
type Modules = Record<string, unknown>;

const ROWS = Number(process.argv[2] ?? 1_000_000);
const COMPRESSIONS = (process.argv[3] ?? "none,zlib-1").split(",") as ArrowIpcCompression[];
/** Uncached / cold pairs per pipeline and compression (HAM_DF_REPS, default 3): the ratio reported is their median. */
const REPS = Math.max(1, Number(process.env.HAM_DF_REPS ?? 3));
/** `--leaf <pipeline index> <cache path> <variant>`: the child that times a leaf-change re-run in a fresh process. */
const LEAF =
  process.argv[4] === "--leaf"
    ? { index: Number(process.argv[5]), path: process.argv[6] as string, variant: Number(process.argv[7] ?? 2) }
    : undefined;
/** How many versions of each pipeline's leaf there are (variant 1 in this process, the others in new ones). */
const VARIANTS = 4;

/** Every Arrow IPC serialisation: polars' native writer and apache-arrow's tableToIPC. */
const serialisations = { n: 0 };
const polarsNative = Object.getPrototypeOf((pl.DataFrame({ a: [1] }) as AnyRecord)._df) as AnyRecord;
const writeIpcStream = polarsNative.writeIpcStream as (...args: unknown[]) => unknown;
polarsNative.writeIpcStream = function (this: unknown, ...args: unknown[]) {
  serialisations.n++;
  return writeIpcStream.apply(this, args);
};
const countingArrow = {
  ...arrow,
  tableToIPC: (...args: Parameters<typeof arrow.tableToIPC>) => (serialisations.n++, arrow.tableToIPC(...args)),
};

function folderBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return total;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** Wall milliseconds of `fn`, its value, and the process's CPU milliseconds (user + system) meanwhile. */
async function timedMs<T>(fn: () => Promise<T>): Promise<[number, T, number]> {
  gc();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return [ms, value, (used.user + used.system) / 1000];
}

/** "saved ~1.2s" / "saved ~850ms" → ms. */
function savedMs(summary: string): number {
  const match = /saved [~≥] ?([\d.]+)(ms|s)$/.exec(summary);
  return match ? Number(match[1]) * (match[2] === "s" ? 1000 : 1) : 0;
}

interface Pipeline {
  readonly name: string;
  readonly modules: Modules;
  readonly outputs: readonly string[];
  readonly inputs: Record<string, unknown>;
  /** The same modules with one leaf node's code changed (each variant differently). */
  readonly changed: (variant: number) => Modules;
}

/** A new process that runs `pipeline` with its leaf changed to `variant` over the cache at `path`. */
function leafInNewProcess(pipeline: Pipeline, compression: string, path: string, variant: number) {
  const args = [process.argv[1] as string, String(ROWS), compression, "--leaf", String(pipelines.indexOf(pipeline))];
  const out = execFileSync(process.execPath, [...process.execArgv, ...args, path, String(variant)], {
    encoding: "utf8",
  });
  return JSON.parse(out) as { ms: number; recomputed: string[] };
}

/** The median of a few numbers. */
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(pipeline: Pipeline, compression: ArrowIpcCompression) {
  const { modules, outputs, inputs } = pipeline;
  const plain = await new Builder().withModules(modules).withProgress(false).build();
  await plain.execute(outputs, { inputs }); // warm-up: JIT, library loading

  const paths: string[] = [];
  try {
    let encodes = 0;
    const caching = dataframeCaching({ compression, libraries: { arrow: countingArrow, polars: pl } });
    const codec = caching.codecs[0] as Codec;
    const counted: Codec = {
      name: codec.name,
      accepts: (v) => codec.accepts(v),
      decode: (b) => codec.decode(b),
      encode: (v) => (encodes++, codec.encode(v)),
      encodeWithRoom: (v, room) => (encodes++, codec.encodeWithRoom!(v, room)),
    };
    if (codec.encodeChunks !== undefined) counted.encodeChunks = (v, room) => (encodes++, codec.encodeChunks!(v, room));
    const build = (mods: Modules, path: string) =>
      new Builder()
        .withModules(mods)
        .withCache({ path, fingerprinters: caching.fingerprinters, codecs: [counted] })
        .withProgress(false)
        .build();
    // Uncached and cold runs alternate, each cold run into a new cache: the ratio is the median of
    // REPS pairs taken back to back (one pair swings with the machine's load).
    const pairs: { uncachedMs: number; coldMs: number; ratio: number; cpuRatio: number }[] = [];
    let ipcPerResult = 0;
    for (let rep = 0; rep < REPS; rep++) {
      const [uncachedMs, , uncachedCpu] = await timedMs(() => plain.execute(outputs, { inputs }));
      if (paths.length > 0) rmSync(paths.pop() as string, { recursive: true, force: true });
      paths.push(mkdtempSync(join(tmpdir(), "ham-df-bench-")));
      const cold = await build(modules, paths[0] as string);
      encodes = 0;
      serialisations.n = 0;
      const [coldMs, , coldCpu] = await timedMs(() => cold.execute(outputs, { inputs }));
      ipcPerResult = encodes === 0 ? 0 : serialisations.n / encodes;
      pairs.push({ uncachedMs, coldMs, ratio: coldMs / uncachedMs, cpuRatio: coldCpu / uncachedCpu });
    }
    const path = paths[0] as string;
    const uncachedMs = median(pairs.map((p) => p.uncachedMs));
    const coldMs = median(pairs.map((p) => p.coldMs));
    const ratio = median(pairs.map((p) => p.ratio));
    const coldRunMs = pairs[pairs.length - 1]!.coldMs; // the run whose summary is read below
    const warm = await build(modules, path);
    const [warmMs] = await timedMs(() => warm.execute(outputs, { inputs }));
    const saved = savedMs(await warm.cache.summary());
    // A new process, as a user's next run is: table libraries are loaded again, by what the run meets.
    // REPS processes, each with the leaf changed once more (variants 2, 3, …): the median is reported.
    const children = Array.from({ length: REPS }, (_, i) =>
      leafInNewProcess(pipeline, compression, path, 2 + (i % (VARIANTS - 1))),
    );
    const child = { ms: median(children.map((c) => c.ms)), recomputed: children[0]!.recomputed };
    const changed = await build(pipeline.changed(1), path);
    const [leafMs] = await timedMs(() => changed.execute(outputs, { inputs }));
    const recomputed = Object.values(changed.cache.lastRun)
      .filter((r) => r.outcome === "computed")
      .map((r) => r.node);
    return {
      pipeline: pipeline.name,
      compression,
      uncached_execute_ms: Math.round(uncachedMs),
      cold_execute_ms: Math.round(coldMs),
      cold_over_uncached: Number(ratio.toFixed(2)),
      cold_over_uncached_each: pairs.map((p) => Number(p.ratio.toFixed(2))),
      // CPU time (user + system) swings less than wall time on a loaded machine.
      cold_over_uncached_cpu: Number(median(pairs.map((p) => p.cpuRatio)).toFixed(2)),
      ipc_serialisations_per_table_result: Number(ipcPerResult.toFixed(2)),
      table_results_stored: encodes,
      warm_execute_ms: Math.round(warmMs),
      leaf_change_execute_ms: Math.round(leafMs),
      leaf_change_new_process_execute_ms: Math.round(child.ms),
      leaf_change_recomputed: recomputed,
      saved_ms: saved,
      saved_over_cold_wall: Number((saved / coldRunMs).toFixed(2)),
      cache_bytes: folderBytes(path),
    };
  } finally {
    for (const path of paths) rmSync(path, { recursive: true, force: true });
  }
}

const pipelines: Pipeline[] = [
  {
    name: `polars flights (${ROWS} rows)`,
    modules: flightsPipeline,
    outputs: flightsPipeline.OUTPUTS,
    inputs: { rows: ROWS },
    changed: (variant) => ({
      ...flightsPipeline,
      // Each variant's own text, so each is a new code version.
      topRoutes: [
        (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(25),
        (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(30),
        (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(35),
        (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(40),
      ][variant - 1],
    }),
  },
  {
    name: `examples/dataframe-pipeline (${ROWS} rows)`,
    modules: example,
    outputs: ["revenue", "byRegion"],
    inputs: { rows: ROWS },
    changed: (variant) => ({
      ...example,
      revenue: [
        (byRegion: arrow.Table) =>
          Math.round((byRegion.getChild("revenue")!.toArray() as Float64Array).reduce((a, b) => a + b, 0)),
        (byRegion: arrow.Table) =>
          Math.floor((byRegion.getChild("revenue")!.toArray() as Float64Array).reduce((a, b) => a + b, 0)),
        (byRegion: arrow.Table) =>
          Math.ceil((byRegion.getChild("revenue")!.toArray() as Float64Array).reduce((a, b) => a + b, 0)),
        (byRegion: arrow.Table) =>
          Math.trunc((byRegion.getChild("revenue")!.toArray() as Float64Array).reduce((a, b) => a + b, 0)),
      ][variant - 1],
    }),
  },
];

if (LEAF) {
  const pipeline = pipelines[LEAF.index] as Pipeline;
  // As docs/dataframes.md advises: hand the package the table libraries the pipeline imports, so a
  // loader such as tsx does not make it load a second copy of apache-arrow.
  const caching = dataframeCaching({
    compression: COMPRESSIONS[0] as ArrowIpcCompression,
    libraries: { arrow, polars: pl },
  });
  const dr = await new Builder()
    .withModules(pipeline.changed(LEAF.variant))
    .withCache({ path: LEAF.path, ...caching })
    .withProgress(false)
    .build();
  const [ms] = await timedMs(() => dr.execute(pipeline.outputs, { inputs: pipeline.inputs }));
  const recomputed = Object.values(dr.cache.lastRun)
    .filter((r) => r.outcome === "computed")
    .map((r) => r.node);
  console.log(JSON.stringify({ ms, recomputed }));
  process.exit(0);
}

const results = [];
for (const pipeline of pipelines) {
  const rows = [];
  for (const compression of COMPRESSIONS) rows.push(await measure(pipeline, compression));
  const none = rows.find((r) => r.compression === "none");
  for (const row of rows)
    results.push({
      ...row,
      cache_vs_uncompressed: none ? Number((row.cache_bytes / none.cache_bytes).toFixed(2)) : undefined,
    });
}
const load = (await import("node:os")).loadavg().map((x) => x.toFixed(1));
console.log(JSON.stringify({ node: process.version, loadavg: load, rows: ROWS, results }, null, 2));
