// The executors section (`--only executors`): 16 CPU-bound nodes (~200 ms each) in-process vs 2 worker
// threads vs 2 BullMQ worker processes, and BullMQ's per-node scheduling overhead with trivial nodes.
// Alone: HAM_REDIS_URL=… pnpm --filter @ham/bench bench:executors (executors-cli.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Builder } from "@ham/core";
import { BullMQExecutor } from "@ham/executor-bullmq";
import { ThreadExecutor } from "@ham/executor-threads";
import type { GoalRow } from "./goal-row.js";

const NODES = 16;
const TRIVIAL = 40;

/** What the executors section measured (medians, ms); BullMQ figures absent when Redis was not configured. */
export interface ExecutorsResult {
  /** Why BullMQ was not measured. */
  bullmqSkipped?: string;
  inProcessMs: number;
  threadsMs: number;
  bullmqMs?: number;
  /** A trivial chain of TRIVIAL nodes, in-process with the cache. */
  chainInProcessMs?: number;
  chainBullmqMs?: number;
  /** (BullMQ chain − in-process chain) / TRIVIAL. */
  bullmqOverheadPerNodeMs?: number;
  loadBefore: number;
  loadAfter: number;
}

/** The dataflow lives in a plain .mjs file: threads and worker processes import it by URL. */
function writeFlow(dir: string): URL {
  const flowFile = join(dir, "flow.mjs");
  writeFileSync(
    flowFile,
    [
      "const burn = (iterations, salt) => { let x = salt; for (let i = 0; i < iterations; i++) x = (x * 1103515245 + 12345) % 2147483648; return x; };",
      ...Array.from({ length: NODES }, (_, i) => `export const cpu${i} = (iterations) => burn(iterations, ${i});`),
      `export const total = ({ ${Array.from({ length: NODES }, (_, i) => `cpu${i}`).join(", ")} }) => ${Array.from({ length: NODES }, (_, i) => `cpu${i}`).join(" + ")};`,
      // A chain of trivial nodes: each waits for the one before, so the wall time is pure scheduling.
      "export const t0 = (x) => x + 1;",
      ...Array.from({ length: TRIVIAL - 1 }, (_, i) => `export const t${i + 1} = (t${i}) => t${i} + 1;`),
    ].join("\n"),
  );
  return pathToFileURL(flowFile);
}

/** How big the section is: the defaults are the published figures'; the smoke test runs it tiny. */
export interface ExecutorsOptions {
  /** Milliseconds of CPU per node of the 16 (default 200). */
  nodeMs?: number;
  /** Untimed runs of the trivial chain before the timed ones (default 10). */
  warmups?: number;
  /** Timed runs of the trivial chain (default 15). */
  chainRuns?: number;
}

/** Iterations that take about `nodeMs` on one core here. */
function calibrate(flow: Record<string, (...args: number[]) => number>, nodeMs: number): number {
  let iterations = 1_000_000;
  for (;;) {
    const started = performance.now();
    (flow["cpu0"] as (n: number) => number)(iterations);
    const ms = performance.now() - started;
    if (ms > 50) return Math.max(1, Math.round((iterations * nodeMs) / ms));
    iterations *= 4;
  }
}

async function time(run: () => Promise<unknown>, repeats = 3): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    out.push(performance.now() - started);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(", ")})`;
const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

function startWorkers(redis: string, queue: string, cache: string): ChildProcess[] {
  const bin = fileURLToPath(new URL("../../packages/executor-bullmq/src/bin.ts", import.meta.url));
  return ["bench-w1", "bench-w2"].map((name) =>
    spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@ham/source",
        bin,
        "--redis",
        redis,
        "--queue",
        queue,
        "--cache",
        cache,
        "--name",
        name,
      ],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    ),
  );
}

async function ready(child: ChildProcess): Promise<void> {
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("ready")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code})`)));
  });
}

/** Runs the section, logging each figure as it comes. */
export async function benchExecutors(
  log: (line: string) => void,
  { nodeMs = 200, warmups = 10, chainRuns = 15 }: ExecutorsOptions = {},
): Promise<ExecutorsResult> {
  const dir = mkdtempSync(join(tmpdir(), "ham-bench-executors-"));
  try {
    const flowUrl = writeFlow(dir);
    const flow = (await import(flowUrl.href)) as Record<string, (...args: number[]) => number>;
    const iterations = calibrate(flow, nodeMs);
    const cpuOutputs = ["total"];
    const inputs = { iterations };
    log(
      `executors benchmark: ${NODES} CPU-bound nodes of ~${nodeMs} ms (${iterations} iterations), ${TRIVIAL} trivial chained nodes`,
    );
    const loadBefore = load();
    log(`load average before: ${loadBefore}`);

    const local = await new Builder().withModules(flow).build();
    const inProcess = await time(() => local.execute(cpuOutputs, { inputs }));
    log(`in-process:          ${fmt(inProcess)}`);

    const threads = new ThreadExecutor({ threads: 2 });
    const threaded = await new Builder()
      .withModules(flow)
      .withModuleSource(flow, flowUrl)
      .withExecutor(threads)
      .build();
    await threaded.execute(["t0"], { inputs: { x: 0 } }); // start the pool
    const onThreads = await time(() => threaded.execute(cpuOutputs, { inputs }));
    await threaded.close();
    log(`2 worker threads:    ${fmt(onThreads)}  speed-up ${(median(inProcess) / median(onThreads)).toFixed(2)}×`);
    const result: ExecutorsResult = {
      inProcessMs: median(inProcess),
      threadsMs: median(onThreads),
      loadBefore,
      loadAfter: loadBefore,
    };

    const redis = process.env["HAM_REDIS_URL"];
    if (!redis) {
      result.bullmqSkipped = "HAM_REDIS_URL is not set (bash scripts/services/up.sh && source .services/env)";
      log(`BullMQ: skipped, ${result.bullmqSkipped}`);
    } else {
      const cache = join(dir, "cache");
      const queue = `ham-bench-${process.pid}`;
      const workers = startWorkers(redis, queue, cache);
      try {
        await Promise.all(workers.map(ready));
        // recompute: every run executes every node (a warm cache would answer without the workers).
        const build = (executor?: BullMQExecutor) => {
          const builder = new Builder()
            .withModules(flow)
            .withModuleSource(flow, flowUrl)
            .withCache({ path: cache, recompute: true });
          return (executor ? builder.withExecutor(executor) : builder).build();
        };
        const executor = new BullMQExecutor({ redis, queue });
        const queued = await build(executor);
        await queued.execute(["t0"], { inputs: { x: 0 } }); // connect and load the module in both workers
        await queued.execute(["t1"], { inputs: { x: 0 } });
        const onQueue = await time(() => queued.execute(cpuOutputs, { inputs }));
        log(`2 BullMQ workers:    ${fmt(onQueue)}  speed-up ${(median(inProcess) / median(onQueue)).toFixed(2)}×`);

        const chainEnd = [`t${TRIVIAL - 1}`];
        const cachedLocal = await build();
        // Steady state, as in a long run of many small nodes: untimed runs first (the JIT warms up the
        // driver, the workers and the Redis client), then the median of the timed ones.
        await time(() => cachedLocal.execute(chainEnd, { inputs: { x: 0 } }), warmups);
        await time(() => queued.execute(chainEnd, { inputs: { x: 0 } }), warmups);
        const baseline = await time(() => cachedLocal.execute(chainEnd, { inputs: { x: 0 } }), chainRuns);
        const chained = await time(() => queued.execute(chainEnd, { inputs: { x: 0 } }), chainRuns);
        const perNode = (median(chained) - median(baseline)) / TRIVIAL;
        log(`trivial chain of ${TRIVIAL}: in-process cached ${fmt(baseline)}, BullMQ ${fmt(chained)}`);
        log(
          `BullMQ scheduling overhead per node: ${perNode.toFixed(2)} ms (chain wall time minus in-process cached, / ${TRIVIAL})`,
        );
        Object.assign(result, {
          bullmqMs: median(onQueue),
          chainInProcessMs: median(baseline),
          chainBullmqMs: median(chained),
          bullmqOverheadPerNodeMs: perNode,
        });
        await queued.close();
        await cachedLocal.close();
      } finally {
        for (const worker of workers) worker.kill("SIGTERM");
      }
    }
    result.loadAfter = load();
    log(`load average after:  ${result.loadAfter}`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section of docs/benchmarks.md. */
export function executorsMarkdown(r: ExecutorsResult): string[] {
  const x = (ms: number | undefined) => (ms === undefined ? "—" : `${(r.inProcessMs / ms).toFixed(2)}×`);
  const ms = (v: number | undefined, digits = 0) => (v === undefined ? "—" : v.toFixed(digits));
  return [
    "## Executors",
    "",
    `${NODES} CPU-bound nodes of about 200 ms in-process, on 2 worker threads and on 2 BullMQ worker processes (median of 3); ` +
      `then a chain of ${TRIVIAL} trivial nodes with the cache (\`recompute: true\`: every node runs), in-process and on BullMQ, ` +
      `after 10 untimed runs (median of 15): the difference per node is BullMQ's scheduling overhead. ` +
      `Load average ${r.loadBefore} before, ${r.loadAfter} after.` +
      (r.bullmqSkipped ? ` BullMQ not measured: ${r.bullmqSkipped}.` : ""),
    "",
    "| measure | ms | speed-up |",
    "|---|---:|---:|",
    `| ${NODES} nodes in-process | ${ms(r.inProcessMs)} | |`,
    `| 2 worker threads | ${ms(r.threadsMs)} | ${x(r.threadsMs)} |`,
    `| 2 BullMQ workers | ${ms(r.bullmqMs)} | ${x(r.bullmqMs)} |`,
    `| trivial chain of ${TRIVIAL}, in-process | ${ms(r.chainInProcessMs, 1)} | |`,
    `| trivial chain of ${TRIVIAL}, BullMQ | ${ms(r.chainBullmqMs, 1)} | |`,
    `| BullMQ scheduling overhead per node | ${ms(r.bullmqOverheadPerNodeMs, 2)} | |`,
  ];
}

/** Issue 20's BullMQ goal (none when BullMQ was not measured). */
export function executorGoals(r: ExecutorsResult | undefined): GoalRow[] {
  if (r?.bullmqOverheadPerNodeMs === undefined) return [];
  return [
    {
      measure: "BullMQ scheduling overhead per node (trivial chain)",
      goal: "≤ 2 ms",
      reached: `${r.bullmqOverheadPerNodeMs.toFixed(2)} ms (load average ${r.loadBefore})`,
      met: r.bullmqOverheadPerNodeMs <= 2,
    },
  ];
}
