// BullMQExecutor: the driver side. Puts each ready node's inputs in the shared result store, enqueues
// the node as a job of references, waits for a worker to finish it and hands back its fingerprint
// (the value is read back only when the driver needs it).
import { ConfigurationError, StoreError, errorMessage } from "@ham/core";
import {
  type Executor,
  type ExecutorCache,
  type ExecutorSetup,
  type ExecutorTask,
  reportedResult,
  runsOnMain,
} from "@ham/core/executor";
import { hashString, isUniqueFingerprint } from "@ham/core/fingerprint";
import { Queue } from "bullmq";
import { type NodeJobData, type NodeJobResult, type RedisConnection, checkQueueName, connectionOf } from "./job.js";
import { LostJobError, ReplyListener } from "./replies.js";

/** Which worker ran a node, for logs and examples. */
export interface BullMQRunEvent {
  readonly node: string;
  readonly worker: string;
  readonly durationMs: number;
  /** Attempts it took (1 when the first worker finished it). */
  readonly attempts: number;
}

export interface BullMQExecutorOptions {
  /** Redis URL or BullMQ connection options with a `url` (default: HAM_REDIS_URL). */
  redis?: string | RedisConnection;
  /** Queue name; workers must use the same (default "ham"). */
  queue?: string;
  /** Tries per node before the run fails (default 3). */
  attempts?: number;
  /** Delay before the first retry in milliseconds, doubled each time (default 200). */
  backoffMs?: number;
  /** Called after each node a worker ran. */
  onRun?: (event: BullMQRunEvent) => void;
  /**
   * Workers announce each finished job on a Redis channel; a job waited on longer than this many
   * milliseconds is also looked up, so a missed announcement (a reconnect) costs at most about this
   * long, and a job that left the queue without one fails its node instead of waiting forever
   * (default 1000).
   */
  replyCheckMs?: number;
}

/**
 * Runs nodes as BullMQ jobs on `ham-worker` processes (any number, any machine). Jobs carry the node's
 * module URL, name and its inputs' fingerprints, never values: the driver and the workers share the
 * cache's result store (`withCache({ resultStore, fingerprintStore })` on Postgres, S3, or a shared folder).
 */
export class BullMQExecutor implements Executor {
  readonly name: string;
  readonly #connection: RedisConnection;
  readonly #queueName: string;
  readonly #attempts: number;
  readonly #backoff: number;
  readonly #onRun: ((event: BullMQRunEvent) => void) | undefined;
  #setup: ExecutorSetup | undefined;
  #cache: ExecutorCache | undefined;
  #config = "";
  readonly #replyCheckMs: number;
  /** The queue and the listener for its workers' replies, made together at the first job. */
  #connected: { queue: Queue; replies: ReplyListener } | undefined;
  /** Fingerprints known to be in the result store (content-addressed: once there, always the same bytes). */
  readonly #stored = new Set<string>();

  constructor(options: BullMQExecutorOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new ConfigurationError(
        `[bullmq] new BullMQExecutor(options) needs an options object, got ${options === null ? "null" : typeof options}`,
      );
    }
    this.#connection = connectionOf("bullmq", options.redis);
    this.#queueName = checkQueueName("bullmq", options.queue ?? "ham");
    this.#attempts = options.attempts ?? 3;
    if (!Number.isInteger(this.#attempts) || this.#attempts < 1) {
      throw new ConfigurationError(
        `[bullmq] option "attempts" must be a whole number ≥ 1, got ${String(options.attempts)}`,
      );
    }
    this.#backoff = options.backoffMs ?? 200;
    if (!(typeof this.#backoff === "number" && this.#backoff >= 0)) {
      throw new ConfigurationError(
        `[bullmq] option "backoffMs" must be a number ≥ 0, got ${String(options.backoffMs)}`,
      );
    }
    if (options.onRun !== undefined && typeof options.onRun !== "function")
      throw new ConfigurationError(`[bullmq] option "onRun" must be a function`);
    this.#onRun = options.onRun;
    this.#replyCheckMs = options.replyCheckMs ?? 1000;
    if (!(typeof this.#replyCheckMs === "number" && this.#replyCheckMs >= 10 && this.#replyCheckMs <= 3_600_000)) {
      throw new ConfigurationError(
        `[bullmq] option "replyCheckMs" must be a number of milliseconds from 10 to 3600000, got ${String(options.replyCheckMs)}`,
      );
    }
    this.name = `bullmq:${this.#queueName}`;
  }

  attach(setup: ExecutorSetup): void {
    if (!setup.cache) {
      throw new ConfigurationError(
        "[bullmq] the BullMQ executor moves values through the cache's result store: build the driver with withCache({ resultStore, fingerprintStore }) on stores the workers share",
      );
    }
    const unplaced = [...setup.graph.values()].filter((node) => !runsOnMain(node) && !setup.locate(node.name));
    if (unplaced.length > 0) {
      throw new ConfigurationError(
        `[bullmq] workers cannot find the code of node(s) ${unplaced.map((n) => `"${n.name}"`).join(", ")}: tell ham their module's file with builder.withModuleSource(module, import.meta.url), or keep them in the driver with tag({ executor: "main" })`,
      );
    }
    this.#setup = setup;
    this.#cache = setup.cache;
    this.#config = Buffer.from(setup.cache.encode(setup.config)).toString("base64");
  }

  async execute(task: ExecutorTask): Promise<unknown> {
    const setup = this.#setup;
    const cache = this.#cache;
    const where = setup?.locate(task.node.name);
    if (!setup || !cache || !where)
      throw new ConfigurationError(
        `[bullmq] node "${task.node.name}" cannot be sent: the executor was not attached by Builder.build()`,
      );
    await cache.open();
    const inputs = await this.#storeInputs(task, cache);
    const codeVersion = cache.codeVersion(task.node.name);
    const sourceHash = hashString(task.node.source);
    const taskKey = `t-${hashString(JSON.stringify([where.moduleUrl, task.node.name, sourceHash, this.#config, Object.entries(inputs).sort()]))}`;
    const data: NodeJobData = {
      format: 2,
      runId: task.runId,
      node: task.node.name,
      moduleUrl: where.moduleUrl,
      exportName: where.exportName,
      config: this.#config,
      sourceHash,
      codeVersion,
      inputs,
      taskKey,
    };
    const result = await this.#run(data);
    const { fingerprint, worker } = result;
    this.#stored.add(fingerprint);
    this.#onRun?.({ node: task.node.name, worker, durationMs: result.durationMs, attempts: result.attempts ?? 1 });
    // The worker stored the value under its fingerprint: the cache records that fingerprint, and the
    // value is read back only when something in this process needs it.
    return reportedResult({
      fingerprint,
      load: async () => {
        const bytes = await guard(cache.resultStore.name, "get", () => cache.resultStore.get(fingerprint));
        if (bytes === undefined) {
          throw new StoreError(
            cache.resultStore.name,
            "get",
            `worker "${worker}" reported node "${task.node.name}" done, but its result ${fingerprint} is not in the result store: do the driver and the workers use the same result store?`,
          );
        }
        return cache.decode(bytes, fingerprint);
      },
    });
  }

  /** Stops listening (nodes still waiting fail) and closes the queue's connections. */
  async close(): Promise<void> {
    const connected = this.#connected;
    this.#connected = undefined;
    await Promise.all([
      connected?.queue.close(),
      connected?.replies.close("the queue was closed while the node was running"),
    ]);
  }

  /** Fingerprint of each dependency, its bytes put in the result store first when they are not there. */
  async #storeInputs(task: ExecutorTask, cache: ExecutorCache): Promise<Record<string, string>> {
    const out: [string, string][] = [];
    let values: Record<string, unknown> | undefined;
    for (const dep of task.dependencyNames) {
      const known = cache.fingerprintOf(task.runId, dep);
      if (known !== undefined && !isUniqueFingerprint(known)) {
        if (
          this.#stored.has(known) ||
          (await guard(cache.resultStore.name, "has", () => cache.resultStore.has(known)))
        ) {
          this.#stored.add(known);
          out.push([dep, known]);
          continue;
        }
      }
      // An input, an override, or a value the cache did not keep: store it now so workers can read it.
      // Only this one is loaded (task.input), so other dependencies' results stay unread.
      let value: unknown;
      if (task.input) value = await task.input(dep);
      else {
        values ??= await task.inputs();
        value = Object.hasOwn(values, dep) ? values[dep] : undefined;
      }
      // A one-time fingerprint (a value that cannot be fingerprinted) still works as a transport key.
      const fingerprint = known ?? cache.fingerprint(value, dep);
      let bytes: Uint8Array;
      try {
        bytes = cache.encode(value, fingerprint);
      } catch (error) {
        throw new ConfigurationError(
          `[bullmq] node "${task.node.name}" needs "${dep}", whose value cannot be encoded for the workers (${errorMessage(error)}); register a codec with withCache({ codecs }) or run "${task.node.name}" in the driver with tag({ executor: "main" })`,
          { cause: error },
        );
      }
      await guard(cache.resultStore.name, "set", () => cache.resultStore.set(fingerprint, bytes));
      this.#stored.add(fingerprint);
      out.push([dep, fingerprint]);
    }
    // fromEntries makes every name an own property, "__proto__" included.
    return Object.fromEntries(out);
  }

  /**
   * Enqueues the job and waits for its worker's reply. The job id is the task key, so two drivers asking
   * for the same work at once share one job (BullMQ ignores a second add of a live id) and both hear
   * its reply: single-flight across drivers. The wait starts before the add: a job that finishes (and
   * is removed) at once is not missed. A reply to an earlier job with the same id is the same work
   * (same code, config and inputs): its answer holds.
   */
  async #run(data: NodeJobData): Promise<NodeJobResult> {
    if (!this.#connected) {
      const queue = new Queue(this.#queueName, { connection: { ...this.#connection } });
      const replies = new ReplyListener(this.#connection, (type) => queue.toKey(type), this.#replyCheckMs);
      this.#connected = { queue, replies };
    }
    const { queue, replies } = this.#connected;
    await replies.ready();
    const finished = replies.wait(data.taskKey);
    try {
      await queue.add(data.node, data, {
        jobId: data.taskKey,
        attempts: this.#attempts,
        backoff: { type: "exponential", delay: this.#backoff },
        removeOnComplete: true,
        removeOnFail: true,
      });
    } catch (error) {
      finished.cancel();
      throw error;
    }
    try {
      return await finished.result;
    } catch (error) {
      if (error instanceof LostJobError) throw new Error(`node "${data.node}": ${error.message}`, { cause: error });
      throw new Error(`worker failed node "${data.node}" after ${this.#attempts} attempt(s): ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
}

async function guard<T>(store: string, operation: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw StoreError.wrap(store, operation, error);
  }
}
