// The worker command line, shared by the `ham-worker` bin and `ham worker` (@ham/cli): runs node
// jobs from a BullMQ queue until stopped (SIGINT/SIGTERM finish the jobs in hand).
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { FileFingerprintRepository, FileResultStore } from "@ham/core";
import { type RunWorkerOptions, runWorker } from "./worker.js";

export const WORKER_USAGE = `usage: ham-worker [--redis URL] [--queue NAME] (--cache DIR | --config FILE) [--concurrency N] [--name NAME]
  --redis        Redis URL (default: $HAM_REDIS_URL)
  --queue        queue name, the driver's (default: ham)
  --cache        a cache folder the drivers share (file stores)
  --config       a module whose default export is RunWorkerOptions (stores, codecs, fingerprinters)
  --concurrency  jobs at once (default 1)
  --name         worker name in logs (default host:pid)
  --lock-ms      job lock duration: a killed worker's job is retried after about this long (default 10000)`;

/** Runs the worker with command-line arguments (without the program name); resolves once it is ready. */
export async function runWorkerCli(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      cache: { type: "string" },
      config: { type: "string" },
      concurrency: { type: "string" },
      name: { type: "string" },
      "lock-ms": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(WORKER_USAGE);
    return;
  }
  let options: Partial<RunWorkerOptions> = {};
  if (values.config) {
    const loaded = (await import(pathToFileURL(resolve(values.config)).href)) as {
      default?: Partial<RunWorkerOptions>;
    };
    options = { ...loaded.default };
  }
  if (values.cache) {
    options.resultStore = new FileResultStore({ path: values.cache });
    options.fingerprintStore = new FileFingerprintRepository({ path: values.cache });
  }
  if (!options.resultStore) {
    console.error(`ham-worker: give the shared cache with --cache DIR or --config FILE\n${WORKER_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (values.redis) options.redis = values.redis;
  if (values.queue) options.queue = values.queue;
  if (values.concurrency) options.concurrency = Number(values.concurrency);
  if (values.name) options.name = values.name;
  if (values["lock-ms"]) options.lockDurationMs = Number(values["lock-ms"]);
  options.logger ??= console;
  const worker = runWorker(options as RunWorkerOptions);
  await worker.ready();
  console.log(`[ham-worker ${worker.name}] ready`);
  const stop = () => {
    void worker.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
