// Chain and wide dataflows of N nodes: build, plain, cold, warm (new and reused driver), as bench_hamilton.py.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Builder, type CacheOptions, type Driver } from "@ham/core";
import { type Dataflow, type Shape, type Workdir, makeDataflow } from "./dataflows.js";
import { median, medianOf, medianPerCall, timed } from "./timing.js";

/** One row of the graph table; times in seconds, per-node figures in µs (keys as bench_hamilton.py's JSON). */
export interface GraphRow {
  shape: Shape;
  N: number;
  depth: number;
  build_plain: number;
  build_cache: number;
  plain: number;
  cold: number;
  warm_new: number;
  warm_new_total: number;
  warm_reuse: number;
  us_per_node_plain: number;
  us_per_node_cold: number;
  us_per_node_warm_new: number;
  us_per_node_warm_reuse: number;
  overhead_us_per_node_warm_new: number;
  overhead_us_per_node_warm_reuse: number;
  overhead_us_per_node_cold: number;
  cache_files: number;
  cache_bytes: number;
  /** Repository round trips of one warm run (new driver). */
  warm_round_trips: number;
  /** Results read from the result store on one warm run. */
  warm_result_reads: number;
  /** Executes per timed loop of the plain row (its time is the loop's per execute). */
  plain_calls: number;
}

export async function build(module: object, cache?: CacheOptions): Promise<Driver> {
  const builder = new Builder().withModules(module);
  if (cache) builder.withCache(cache);
  return builder.build();
}

/** Cache options for a benchmark driver: the file stores in `path`, summary lines not printed. */
export function fileCache(path: string): CacheOptions {
  return { path, logger: { warn: (message: string) => console.warn(message) } };
}

/** Counts of computed and hit nodes in the driver's last cached run. */
export function outcomes(dr: Driver): { computed: number; hit: number } {
  let computed = 0;
  let hit = 0;
  for (const record of Object.values(dr.cache.lastRun)) {
    if (record.outcome === "computed") computed++;
    else if (record.outcome === "hit") hit++;
  }
  return { computed, hit };
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark check failed: ${message}`);
}

export function dirStats(path: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return { files, bytes };
}

export async function benchGraph(workdir: Workdir, shape: Shape, n: number, reps: number): Promise<GraphRow> {
  const flow: Dataflow = await makeDataflow(workdir, shape, n);
  const { module, outputs, expected } = flow;
  const first = outputs[0] as string;

  await build(module);
  const buildPlain = await medianOf(reps, () => build(module));

  // (a) plain: no cache, driver reused; per execute of a loop of executes (timing.ts medianPerCall:
  // a single execute of a small graph takes a few µs, less than what a gc() just before it adds)
  const dr = await build(module);
  const out = await dr.execute(outputs);
  check(out[first] === expected, `${shape} ${n}: ${first} = ${String(out[first])}, expected ${expected}`);
  const { seconds: plain, calls: plainCalls } = await medianPerCall(reps, () => dr.execute(outputs));

  // (b) cold: a fresh cache directory each rep (the first, untimed, is kept for the warm runs)
  let warmDir = "";
  const buildCache: number[] = [];
  const cold: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const dir = workdir.newCacheDir();
    const [tb, drc] = await timed(() => build(module, fileCache(dir)));
    const [te, res] = await timed(() => drc.execute(outputs));
    check(res[first] === expected, `cold ${shape} ${n}: wrong result`);
    const o = outcomes(drc);
    check(o.computed === n && o.hit === 0, `cold ${shape} ${n}: ${o.computed} computed, ${o.hit} hits`);
    await drc.close();
    if (i === 0) {
      warmDir = dir;
      continue;
    }
    buildCache.push(tb);
    cold.push(te);
    workdir.remove(dir);
  }
  const files = dirStats(warmDir);

  // (c1) warm, a new driver each rep (what a new process pays, minus import)
  const warmNew: number[] = [];
  const warmNewTotal: number[] = [];
  let roundTrips = 0;
  let resultReads = 0;
  for (let i = 0; i <= reps; i++) {
    const [tb, drw] = await timed(() => build(module, fileCache(warmDir)));
    const [te, res] = await timed(() => drw.execute(outputs));
    check(res[first] === expected, `warm ${shape} ${n}: wrong result`);
    const o = outcomes(drw);
    check(o.computed === 0 && o.hit === n, `warm ${shape} ${n}: ${o.computed} computed, ${o.hit} hits`);
    roundTrips = drw.cache.stats.repositoryRoundTrips;
    resultReads = drw.cache.stats.resultReads;
    await drw.close();
    if (i === 0) continue;
    warmNew.push(te);
    warmNewTotal.push(tb + te);
  }

  // (c2) warm, the same driver reused
  const drr = await build(module, fileCache(warmDir));
  await drr.execute(outputs);
  const reuse: number[] = [];
  for (let i = 0; i < reps; i++) {
    const [t] = await timed(() => drr.execute(outputs));
    const o = outcomes(drr);
    check(o.computed === 0 && o.hit === n, `warm reused ${shape} ${n}: ${o.computed} computed, ${o.hit} hits`);
    reuse.push(t);
  }
  await drr.close();
  workdir.remove(warmDir);

  const us = 1e6 / n;
  const row = {
    shape,
    N: n,
    depth: flow.depth,
    build_plain: buildPlain,
    build_cache: median(buildCache),
    plain,
    cold: median(cold),
    warm_new: median(warmNew),
    warm_new_total: median(warmNewTotal),
    warm_reuse: median(reuse),
  };
  return {
    ...row,
    us_per_node_plain: row.plain * us,
    us_per_node_cold: row.cold * us,
    us_per_node_warm_new: row.warm_new * us,
    us_per_node_warm_reuse: row.warm_reuse * us,
    overhead_us_per_node_warm_new: (row.warm_new - row.plain) * us,
    overhead_us_per_node_warm_reuse: (row.warm_reuse - row.plain) * us,
    overhead_us_per_node_cold: (row.cold - row.plain) * us,
    cache_files: files.files,
    cache_bytes: files.bytes,
    warm_round_trips: roundTrips,
    warm_result_reads: resultReads,
    plain_calls: plainCalls,
  };
}
