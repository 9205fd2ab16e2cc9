// Memory of the cached hot path: heap growth over many warm runs of one reused driver (no per-run
// retention), and the peak RSS of a warm run in a fresh process. Sizes, not times: no timed assertions.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Workdir, makeDataflow, wideSource } from "./dataflows.js";
import { build, fileCache } from "./graphs.js";
import { settle } from "./timing.js";

/** One row of the memory table (megabytes are 2²⁰ bytes). */
export interface MemoryRow {
  measure: string;
  nodes: number;
  runs: number;
  mb: number;
  /** The issue 19 goal for the row, in MB, when it has one. */
  goal_mb?: number;
}

const MB = 1024 * 1024;

/**
 * Heap used after `runs` warm runs of a reused `nodes`-node wide driver minus before them (both
 * after a full collection; the driver did 20 warm runs first, so its one-time memos are in place).
 */
export async function heapGrowth(workdir: Workdir, nodes: number, runs: number): Promise<MemoryRow> {
  const { module, outputs } = await makeDataflow(workdir, "wide", nodes);
  const dir = workdir.newCacheDir("memory");
  const cold = await build(module, fileCache(dir));
  await cold.execute(outputs);
  await cold.close();
  const dr = await build(module, fileCache(dir));
  for (let i = 0; i < 20; i++) await dr.execute(outputs);
  settle();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < runs; i++) await dr.execute(outputs);
  settle();
  const after = process.memoryUsage().heapUsed;
  await dr.close();
  workdir.remove(dir);
  return {
    measure: "heap growth, warm runs of a reused wide driver",
    nodes,
    runs,
    mb: (after - before) / MB,
    goal_mb: 5,
  };
}

/** The child: builds the driver on the warm cache, runs once, prints its RSS figures as JSON. */
const CHILD = `
const [coreUrl, moduleUrl, cacheDir, count] = process.argv.slice(-4);
const { Builder } = await import(coreUrl);
const mod = await import(moduleUrl);
const outputs = ["sink", ...Array.from({ length: Number(count) - 2 }, (_, i) => "c" + (i + 1))];
const dr = await new Builder().withModules(mod).withCache({ path: cacheDir, logger: { warn: (m) => console.error(m) } }).build();
const rssBuilt = process.memoryUsage().rss;
const maxBefore = process.resourceUsage().maxRSS * 1024;
await dr.execute(outputs);
const hits = Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit").length;
await dr.close();
console.log(JSON.stringify({ rssBuilt, maxBefore, maxRss: process.resourceUsage().maxRSS * 1024, hits }));
`;

/**
 * Peak RSS (the process's high-water mark) of a fresh process that imports @ham/core, builds a
 * `nodes`-node wide driver on a warm cache and runs it once; also what it held before the run.
 */
export async function warmRunRss(workdir: Workdir, nodes: number): Promise<MemoryRow[]> {
  const source = join(workdir.path, `rss_wide_${nodes}.mjs`);
  writeFileSync(source, wideSource(nodes));
  const dir = workdir.newCacheDir("rss");
  const { module, outputs } = await makeDataflow(workdir, "wide", nodes);
  const cold = await build(module, fileCache(dir));
  await cold.execute(outputs);
  await cold.close();
  const script = join(workdir.path, "rss-child.mjs");
  writeFileSync(script, CHILD);
  // Same flags as this process (tsx and the source condition when pnpm bench runs from source).
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, script, import.meta.resolve("@ham/core"), pathToFileURL(source).href, dir, String(nodes)],
    {
      encoding: "utf8",
      cwd: join(import.meta.dirname, ".."),
      maxBuffer: 16 * MB,
    },
  );
  workdir.remove(dir);
  if (child.status !== 0) throw new Error(`warm-run RSS child failed: ${child.stderr.slice(-2000)}`);
  const figures = JSON.parse(child.stdout.trim().split("\n").pop() as string) as {
    rssBuilt: number;
    maxBefore: number;
    maxRss: number;
    hits: number;
  };
  if (figures.hits !== nodes) throw new Error(`warm-run RSS child: ${figures.hits} of ${nodes} nodes were hits`);
  return [
    { measure: "RSS after import + build (fresh process, warm cache)", nodes, runs: 0, mb: figures.rssBuilt / MB },
    { measure: "peak RSS through one warm run (fresh process)", nodes, runs: 1, mb: figures.maxRss / MB },
  ];
}

/** The memory section: heap growth of a reused driver, then a warm run's peak RSS. */
export async function benchMemory(
  workdir: Workdir,
  options: { reusedNodes: number; runs: number; rssNodes: number },
): Promise<MemoryRow[]> {
  const growth = await heapGrowth(workdir, options.reusedNodes, options.runs);
  return options.rssNodes > 0 ? [growth, ...(await warmRunRss(workdir, options.rssNodes))] : [growth];
}
