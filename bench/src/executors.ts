// Executors benchmark: 16 CPU-bound nodes (~200 ms each) in-process vs 2 worker threads vs 2 BullMQ
// worker processes, and BullMQ's per-node scheduling overhead with trivial nodes.
// Run: HAM_REDIS_URL=… pnpm --filter @ham/bench bench:executors   (bash scripts/services/redis.sh start first)
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Builder } from "@ham/core";
import { BullMQExecutor } from "@ham/executor-bullmq";
import { ThreadExecutor } from "@ham/executor-threads";

const NODES = 16;
const TRIVIAL = 40;
const dir = mkdtempSync(join(tmpdir(), "ham-bench-executors-"));

// The dataflow lives in a plain .mjs file: threads and worker processes import it by URL.
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
const flowUrl = pathToFileURL(flowFile);
const flow = (await import(flowUrl.href)) as Record<string, (...args: number[]) => number>;

/** Iterations that take about 200 ms on one core here. */
function calibrate(): number {
  let iterations = 1_000_000;
  for (;;) {
    const started = performance.now();
    (flow["cpu0"] as (n: number) => number)(iterations);
    const ms = performance.now() - started;
    if (ms > 50) return Math.round((iterations * 200) / ms);
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

async function main(): Promise<void> {
  const iterations = calibrate();
  const cpuOutputs = ["total"];
  const inputs = { iterations };
  console.log(
    `executors benchmark: ${NODES} CPU-bound nodes of ~200 ms (${iterations} iterations), ${TRIVIAL} trivial chained nodes`,
  );
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );

  const local = await new Builder().withModules(flow).build();
  const inProcess = await time(() => local.execute(cpuOutputs, { inputs }));
  console.log(`in-process:          ${fmt(inProcess)}`);

  const threads = new ThreadExecutor({ threads: 2 });
  const threaded = await new Builder().withModules(flow).withModuleSource(flow, flowUrl).withExecutor(threads).build();
  await threaded.execute(["t0"], { inputs: { x: 0 } }); // start the pool
  const onThreads = await time(() => threaded.execute(cpuOutputs, { inputs }));
  await threaded.close();
  console.log(
    `2 worker threads:    ${fmt(onThreads)}  speed-up ${(median(inProcess) / median(onThreads)).toFixed(2)}×`,
  );

  const redis = process.env["HAM_REDIS_URL"];
  if (!redis) {
    console.log(
      "BullMQ: skipped, HAM_REDIS_URL is not set (bash scripts/services/redis.sh start && source .services/env)",
    );
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
      console.log(
        `2 BullMQ workers:    ${fmt(onQueue)}  speed-up ${(median(inProcess) / median(onQueue)).toFixed(2)}×`,
      );

      const chainEnd = [`t${TRIVIAL - 1}`];
      const cachedLocal = await build();
      // Steady state, as in a long run of many small nodes: 10 untimed runs first (the JIT warms up
      // the driver, the workers and the Redis client), then the median of 15.
      await time(() => cachedLocal.execute(chainEnd, { inputs: { x: 0 } }), 10);
      await time(() => queued.execute(chainEnd, { inputs: { x: 0 } }), 10);
      const baseline = await time(() => cachedLocal.execute(chainEnd, { inputs: { x: 0 } }), 15);
      const chained = await time(() => queued.execute(chainEnd, { inputs: { x: 0 } }), 15);
      const perNode = (median(chained) - median(baseline)) / TRIVIAL;
      console.log(`trivial chain of ${TRIVIAL}: in-process cached ${fmt(baseline)}, BullMQ ${fmt(chained)}`);
      console.log(
        `BullMQ scheduling overhead per node: ${perNode.toFixed(2)} ms (chain wall time minus in-process cached, / ${TRIVIAL})`,
      );
      await queued.close();
      await cachedLocal.close();
    } finally {
      for (const worker of workers) worker.kill("SIGTERM");
    }
  }
  console.log(
    `load average after:  ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  rmSync(dir, { recursive: true, force: true });
}

await main();
