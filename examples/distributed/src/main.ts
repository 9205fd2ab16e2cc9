// One command: starts Redis (unless HAM_REDIS_URL is set), two ham-worker processes and a driver,
// runs the dataflow on the workers and prints which worker ran which node.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Builder } from "@ham/core";
import { BullMQExecutor } from "@ham/executor-bullmq";
import * as dataflow from "./dataflow.js";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "ham-distributed-"));
const services = join(scratch, "services");
const cache = join(scratch, "cache");

function startRedis(): string {
  const env = { ...process.env, HAM_SERVICES_DIR: services };
  execFileSync("bash", [join(repo, "scripts/services/redis.sh"), "start"], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const match = /HAM_REDIS_URL=(\S+)/.exec(readFileSync(join(services, "redis.env"), "utf8"));
  if (!match?.[1]) throw new Error("redis.sh did not write HAM_REDIS_URL");
  return match[1];
}

function startWorker(name: string, redis: string): Promise<ChildProcess> {
  const bin = fileURLToPath(new URL("../node_modules/@ham/executor-bullmq/src/bin.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@ham/source",
      bin,
      "--redis",
      redis,
      "--queue",
      "distributed-example",
      "--cache",
      cache,
      "--name",
      name,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => String(chunk).includes("ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`worker ${name} exited (${code})`)));
  });
}

const ownRedis = !process.env["HAM_REDIS_URL"];
const workers: ChildProcess[] = [];
try {
  const redis = process.env["HAM_REDIS_URL"] ?? startRedis();
  workers.push(...(await Promise.all([startWorker("worker-1", redis), startWorker("worker-2", redis)])));
  const executor = new BullMQExecutor({
    redis,
    queue: "distributed-example",
    onRun: (e) => console.log(`${e.node.padEnd(10)} ran on ${e.worker} (${e.durationMs.toFixed(0)} ms)`),
  });
  const dr = await new Builder()
    .withModules(dataflow)
    .withModuleSource(dataflow, new URL("./dataflow.ts", import.meta.url))
    .withCache({ path: cache })
    .withExecutor(executor)
    .build();
  const { summary } = await dr.execute(["summary"], { inputs: { count: 50 } });
  console.log(`summary: ${summary}`);
  await dr.close();
} finally {
  for (const worker of workers) worker.kill("SIGTERM");
  if (ownRedis)
    execFileSync("bash", [join(repo, "scripts/services/redis.sh"), "stop"], {
      env: { ...process.env, HAM_SERVICES_DIR: services },
      stdio: "ignore",
    });
  rmSync(scratch, { recursive: true, force: true });
}
