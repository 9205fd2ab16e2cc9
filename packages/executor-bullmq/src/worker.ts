// runWorker: the worker side. Takes node jobs from the queue, reads inputs from the shared result store
// by fingerprint, runs the node, stores its result under its fingerprint and completes the job.
import { hostname } from "node:os";
import {
  Builder,
  type Codec,
  ConfigurationError,
  type Fingerprinter,
  type FingerprintRepository,
  type Logger,
  type ResultStore,
  StoreError,
  errorMessage,
} from "@ham/core";
import { type GraphNode, invokeNode } from "@ham/core/executor";
import { FingerprinterRegistry, hashString, hashingReady } from "@ham/core/fingerprint";
import { ResultCodec } from "@ham/core/codec";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { type NodeJobData, type NodeJobResult, type RedisConnection, checkQueueName, connectionOf } from "./job.js";
import { ReplySender } from "./replies.js";

export interface RunWorkerOptions {
  /** Redis URL or BullMQ connection options with a `url` (default: HAM_REDIS_URL). */
  redis?: string | RedisConnection;
  /** Queue name; the same as the driver's (default "ham"). */
  queue?: string;
  /** The result store the drivers use (shared: Postgres, S3, or a folder both can reach). */
  resultStore: ResultStore;
  /** The drivers' fingerprint repository; its acquireLock, when present, keeps a node computed once across workers. */
  fingerprintStore?: FingerprintRepository;
  /** Codecs the drivers registered with withCache({ codecs }). */
  codecs?: readonly Codec[];
  /** Fingerprinters the drivers registered with withCache({ fingerprinters }). */
  fingerprinters?: readonly Fingerprinter[];
  /** Jobs this process runs at once (default 1: nodes are usually CPU-bound). */
  concurrency?: number;
  /** Name shown in logs and reported to the driver (default host:pid). */
  name?: string;
  /** Milliseconds a job's lock lasts without renewal; a killed worker's job is retried elsewhere after about this long (default 10000). */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died, in milliseconds (default lockDurationMs / 2). */
  stalledIntervalMs?: number;
  /** Where "running"/"done" lines go (default: nowhere). */
  logger?: Logger;
}

/** A running worker. */
export interface HamWorker {
  readonly name: string;
  /** Resolves when the worker is connected and waiting for jobs. */
  ready(): Promise<void>;
  /** Finishes the jobs in hand, then disconnects. */
  close(): Promise<void>;
}

/** Starts a worker that runs node jobs from the queue until closed. */
export function runWorker(options: RunWorkerOptions): HamWorker {
  if (typeof options !== "object" || options === null)
    throw new ConfigurationError("[ham-worker] runWorker(options) needs an options object");
  const store = options.resultStore;
  if (!store || typeof store.get !== "function" || typeof store.set !== "function") {
    throw new ConfigurationError(
      '[ham-worker] option "resultStore" is required: the result store the drivers share (e.g. new FileResultStore({ path }) on a shared folder, or a Postgres/S3 store)',
    );
  }
  const connection = connectionOf("ham-worker", options.redis);
  const queue = checkQueueName("ham-worker", options.queue ?? "ham");
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new ConfigurationError(
      `[ham-worker] option "concurrency" must be a whole number ≥ 1, got ${String(options.concurrency)}`,
    );
  const lockDuration = options.lockDurationMs ?? 10_000;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const codec = new ResultCodec({ codecs: [...(options.codecs ?? [])] });
  const fingerprinter = new FingerprinterRegistry({
    fingerprinters: [...(options.fingerprinters ?? [])],
    warn: (m) => options.logger?.warn?.(m),
  });
  const repository = options.fingerprintStore;
  const nodes = new Map<string, Promise<GraphNode | undefined>>();
  // Every job gets a reply, whatever its format: drivers of both formats may share one job id.
  const replies = new ReplySender(connection, (type) => worker.toKey(type));
  let opened: Promise<void> | undefined;

  const open = () =>
    (opened ??= (async () => {
      await hashingReady();
      await store.open?.();
      await repository?.open?.();
    })());

  /** The node as this worker's copy of the module defines it, under the driver's config. */
  const nodeOf = (data: NodeJobData): Promise<GraphNode | undefined> => {
    const key = `${data.moduleUrl}\u0000${data.config}\u0000${data.node}`;
    let found = nodes.get(key);
    if (!found) {
      found = (async () => {
        const module = (await import(data.moduleUrl)) as object;
        const config = codec.decode(Buffer.from(data.config, "base64")) as Record<string, unknown>;
        const driver = await new Builder().withModules(module).withConfig(config).build();
        return driver.graph.get(data.node);
      })();
      found.catch(() => nodes.delete(key));
      nodes.set(key, found);
    }
    return found;
  };

  const processJob = async (job: Job<NodeJobData, NodeJobResult>): Promise<NodeJobResult> => {
    const data = job.data;
    if (data.format !== 1 && data.format !== 2)
      throw new UnrecoverableError(
        `[ham-worker] job format ${String(data.format)} is not understood by this worker; upgrade @ham/executor-bullmq to the driver's version`,
      );
    await open();
    const node = await nodeOf(data);
    if (!node)
      throw new UnrecoverableError(
        `[ham-worker ${name}] module ${data.moduleUrl} defines no node "${data.node}" here; deploy the same code to drivers and workers`,
      );
    if (hashString(node.source) !== data.sourceHash) {
      throw new UnrecoverableError(
        `[ham-worker ${name}] node "${data.node}" has different code here than in the driver (module ${data.moduleUrl}); deploy the same code to drivers and workers`,
      );
    }
    // Single-flight across workers: a retried job never runs beside an attempt that is still going.
    const release = await repository?.acquireLock?.(`exec~${data.taskKey}`);
    try {
      const inputs = await readInputs(store, codec, data);
      options.logger?.info?.(`[ham-worker ${name}] running ${data.node}`);
      const started = performance.now();
      const value = await invokeNode(node, inputs);
      const durationMs = performance.now() - started;
      const fingerprint = fingerprinter.fingerprint(value, {
        node: data.node,
        ...(node.cache?.fingerprint ? { mode: node.cache.fingerprint } : {}),
      });
      let bytes: Uint8Array;
      try {
        bytes = codec.encode(value, undefined, fingerprint);
      } catch (error) {
        throw new UnrecoverableError(
          `node "${data.node}" returned a value that cannot be encoded to send back (${errorMessage(error)}); register a codec, or tag the node executor: "main"`,
        );
      }
      if (!(await store.has(fingerprint))) await store.set(fingerprint, bytes);
      options.logger?.info?.(`[ham-worker ${name}] done ${data.node} in ${durationMs.toFixed(1)} ms`);
      const result: NodeJobResult = { fingerprint, worker: name, durationMs, attempts: job.attemptsMade + 1 };
      await replies.send(job.id ?? data.taskKey, { result });
      return result;
    } finally {
      await release?.();
    }
  };

  const worker = new Worker<NodeJobData, NodeJobResult>(queue, processJob, {
    connection: { ...connection, maxRetriesPerRequest: null },
    concurrency,
    lockDuration,
    stalledInterval: options.stalledIntervalMs ?? Math.max(500, Math.floor(lockDuration / 2)),
    name,
  });
  worker.on("error", (error) => options.logger?.error?.(`[ham-worker ${name}] ${error.message}`));
  // The last attempt failed (BullMQ set finishedOn): tell the waiting drivers why.
  worker.on("failed", (job, error) => {
    if (job?.id === undefined || !job.finishedOn) return;
    replies
      .send(job.id, { failed: error.message })
      .catch((sending) =>
        options.logger?.error?.(
          `[ham-worker ${name}] could not report the failure of job ${job.id}: ${errorMessage(sending)}`,
        ),
      );
  });
  return {
    name,
    ready: async () => {
      await worker.waitUntilReady();
    },
    close: async () => {
      await worker.close();
      await replies.close();
      await store.close?.();
      await repository?.close?.();
    },
  };
}

/** Dependency values by name, read from the result store under the fingerprints the driver sent. */
async function readInputs(store: ResultStore, codec: ResultCodec, data: NodeJobData): Promise<Record<string, unknown>> {
  const names = Object.keys(data.inputs);
  const keys = names.map((n) => data.inputs[n] as string);
  let found: (Uint8Array | undefined)[];
  try {
    found = store.getMany ? await store.getMany(keys) : await Promise.all(keys.map((k) => store.get(k)));
  } catch (error) {
    throw new StoreError(store.name, "get", `reading the inputs of node "${data.node}": ${errorMessage(error)}`, {
      cause: error,
    });
  }
  // fromEntries makes every name an own property, "__proto__" included.
  return Object.fromEntries(
    names.map((dep, i) => {
      const bytes = found[i];
      if (bytes === undefined) {
        throw new StoreError(
          store.name,
          "get",
          `input "${dep}" of node "${data.node}" (${keys[i]}) is not in the result store; do the driver and the workers use the same result store?`,
        );
      }
      return [dep, codec.decode(bytes, keys[i])];
    }),
  );
}
