// Test helpers: the Redis URL (or a printed skip), worker processes started the way users start them.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** HAM_REDIS_URL; in CI its absence is an error, elsewhere the tests skip and say why. */
export function redisUrl(): string | undefined {
  const url = process.env["HAM_REDIS_URL"];
  if (url) return url;
  if (process.env["CI"])
    throw new Error(
      "HAM_REDIS_URL is not set: CI must start Redis (bash scripts/services/redis.sh start && source .services/env)",
    );
  console.warn(
    "[executor-bullmq] skipping the Redis tests: HAM_REDIS_URL is not set (run: bash scripts/services/up.sh && source .services/env)",
  );
  return undefined;
}

const bin = fileURLToPath(new URL("../src/bin.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** A `ham-worker` process (run from source through tsx), with its output collected. */
export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  output: string;
  /** Resolves when the worker has printed `text`. */
  waitFor(text: string | RegExp): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(options: {
  name: string;
  redis: string;
  queue: string;
  cache: string;
  lockMs?: number;
}): WorkerProcess {
  const args = [
    "--import",
    "tsx",
    "--conditions=@ham/source",
    bin,
    "--redis",
    options.redis,
    "--queue",
    options.queue,
    "--cache",
    options.cache,
    "--name",
    options.name,
  ];
  if (options.lockMs !== undefined) args.push("--lock-ms", String(options.lockMs));
  const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] });
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  const handle: WorkerProcess = {
    name: options.name,
    child,
    output: "",
    waitFor(text) {
      const test = (s: string) => (typeof text === "string" ? s.includes(text) : text.test(s));
      if (test(handle.output)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        child.once("exit", (code) =>
          reject(
            new Error(`worker ${options.name} exited (${code}) before printing ${String(text)}:\n${handle.output}`),
          ),
        );
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  const collect = (chunk: Buffer) => {
    handle.output += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.test(handle.output)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  return handle;
}
