// ThreadExecutor: runs nodes' functions on a piscina pool of worker threads; values cross by structured clone.
import { availableParallelism } from "node:os";
import { ConfigurationError, type Fingerprint } from "@ham/core";
import { type Executor, type ExecutorSetup, type ExecutorTask, reportedResult, runsOnMain } from "@ham/core/executor";
import { Piscina } from "piscina";

/** Where and how long one node ran, for logs and examples. */
export interface ThreadRunEvent {
  readonly node: string;
  /** The worker thread's id. */
  readonly threadId: number;
  /** Time inside the function, in milliseconds (hand-off and cloning excluded). */
  readonly durationMs: number;
}

export interface ThreadExecutorOptions {
  /** Worker threads in the pool (default: the machine's available parallelism). */
  threads?: number;
  /** Milliseconds an idle thread lives before it exits (default 5000). */
  idleTimeoutMs?: number;
  /** Called after each node a thread ran. */
  onRun?: (event: ThreadRunEvent) => void;
  /** Node.js options for the threads (default: this process's), e.g. `["--conditions=my-env"]`. */
  execArgv?: readonly string[];
}

/** What a thread sends back: the value, or (when asked and able) its fingerprint and encoded bytes. */
interface ThreadResult {
  value?: unknown;
  fingerprint?: Fingerprint;
  bytes?: Uint8Array;
  threadId: number;
  durationMs: number;
}

/**
 * A value the driver and the threads both fingerprint: a thread fingerprints results itself only when
 * its @ham/core gets the driver's fingerprint for it (same version, same spec).
 */
const PROBE = {
  text: "ham",
  numbers: [1, 2.5, -0, Number.NaN],
  nested: new Map([["k", new Set([1n, null])]]),
  bytes: new Uint8Array([1, 2, 3]),
  when: new Date(0),
};

/**
 * Runs CPU-bound nodes on worker threads. Each thread imports the node's module by URL (from
 * `builder.withModuleSource(module, import.meta.url)`) and calls the node's export; arguments and
 * results are structured-cloned, so they must be cloneable (plain data, typed arrays, Maps, Dates…).
 * Nodes tagged `executor: "main"` stay in the driver's process.
 */
export class ThreadExecutor implements Executor {
  readonly name = "threads";
  readonly #threads: number;
  readonly #idleTimeout: number;
  readonly #onRun: ((event: ThreadRunEvent) => void) | undefined;
  readonly #execArgv: readonly string[] | undefined;
  #setup: ExecutorSetup | undefined;
  #pool: Piscina | undefined;
  /** The probe and the driver's fingerprint of it, sent with each task the threads may fingerprint. */
  #probe: { value: typeof PROBE; fingerprint: Fingerprint } | undefined;

  constructor(options: ThreadExecutorOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new ConfigurationError(
        `[threads] new ThreadExecutor(options) needs an options object, got ${options === null ? "null" : typeof options}`,
      );
    }
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new ConfigurationError(
        `[threads] option "threads" must be a whole number ≥ 1, got ${String(options.threads)}`,
      );
    }
    const idle = options.idleTimeoutMs ?? 5000;
    if (!(typeof idle === "number" && idle >= 0)) {
      throw new ConfigurationError(
        `[threads] option "idleTimeoutMs" must be a number ≥ 0, got ${String(options.idleTimeoutMs)}`,
      );
    }
    if (options.onRun !== undefined && typeof options.onRun !== "function") {
      throw new ConfigurationError(`[threads] option "onRun" must be a function`);
    }
    this.#threads = threads;
    this.#idleTimeout = idle;
    this.#onRun = options.onRun;
    if (
      options.execArgv !== undefined &&
      !(Array.isArray(options.execArgv) && options.execArgv.every((a) => typeof a === "string"))
    ) {
      throw new ConfigurationError(`[threads] option "execArgv" must be a list of strings`);
    }
    this.#execArgv = options.execArgv;
  }

  attach(setup: ExecutorSetup): void {
    const unplaced = [...setup.graph.values()].filter((node) => !runsOnMain(node) && !setup.locate(node.name));
    if (unplaced.length > 0) {
      throw new ConfigurationError(
        `[threads] worker threads cannot find the code of node(s) ${unplaced.map((n) => `"${n.name}"`).join(", ")}: tell ham their module's file with builder.withModuleSource(module, import.meta.url), or keep them in this process with tag({ executor: "main" })`,
      );
    }
    this.#setup = setup;
    this.#probe = setup.cache?.builtInsOnly
      ? { value: PROBE, fingerprint: setup.cache.fingerprint(PROBE, "probe") }
      : undefined;
  }

  async execute(task: ExecutorTask): Promise<unknown> {
    const where = this.#setup?.locate(task.node.name);
    if (!where) {
      throw new ConfigurationError(
        `[threads] node "${task.node.name}" has no module URL; was the executor attached by Builder.build()?`,
      );
    }
    const args = await task.args();
    this.#pool ??= new Piscina({
      filename: new URL("./thread-worker.mjs", import.meta.url).href,
      minThreads: 0,
      maxThreads: this.#threads,
      idleTimeout: this.#idleTimeout,
      ...(this.#execArgv ? { execArgv: [...this.#execArgv] } : {}),
    });
    // With the cache on (built-in fingerprinters and codecs only), the thread fingerprints and encodes
    // the value: the driver records it by that fingerprint and decodes it only when it needs it.
    // Not for a node whose value the driver derives from the return value (task.finish).
    const cache = this.#setup?.cache;
    const report =
      this.#probe && cache && !task.transformsResult
        ? { probe: this.#probe, mode: task.node.cache?.fingerprint }
        : undefined;
    const out = (await this.#pool.run({
      moduleUrl: where.moduleUrl,
      exportName: where.exportName,
      node: task.node.name,
      args,
      report,
    })) as ThreadResult;
    this.#onRun?.({ node: task.node.name, threadId: out.threadId, durationMs: out.durationMs });
    const { fingerprint, bytes } = out;
    if (cache && fingerprint !== undefined && bytes !== undefined) {
      return reportedResult({ fingerprint, bytes, load: async () => cache.decode(bytes, fingerprint) });
    }
    return task.finish(out.value);
  }

  /** Stops the threads (the next execute starts a new pool). */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }
}
