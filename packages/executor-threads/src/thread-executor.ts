// ThreadExecutor: runs nodes' functions on a piscina pool of worker threads; values cross by structured clone.
import { availableParallelism } from "node:os";
import { ConfigurationError } from "@ham/core";
import { type Executor, type ExecutorSetup, type ExecutorTask, type GraphNode, runsOnMain } from "@ham/core/executor";
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
}

interface ThreadResult {
  value: unknown;
  threadId: number;
  durationMs: number;
}

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
  #setup: ExecutorSetup | undefined;
  #pool: Piscina | undefined;

  constructor(options: ThreadExecutorOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new ConfigurationError(`[threads] new ThreadExecutor(options) needs an options object, got ${options === null ? "null" : typeof options}`);
    }
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new ConfigurationError(`[threads] option "threads" must be a whole number ≥ 1, got ${String(options.threads)}`);
    }
    const idle = options.idleTimeoutMs ?? 5000;
    if (!(typeof idle === "number" && idle >= 0)) {
      throw new ConfigurationError(`[threads] option "idleTimeoutMs" must be a number ≥ 0, got ${String(options.idleTimeoutMs)}`);
    }
    if (options.onRun !== undefined && typeof options.onRun !== "function") {
      throw new ConfigurationError(`[threads] option "onRun" must be a function`);
    }
    this.#threads = threads;
    this.#idleTimeout = idle;
    this.#onRun = options.onRun;
  }

  attach(setup: ExecutorSetup): void {
    const unplaced = [...setup.graph.values()].filter((node) => !runsOnMain(node as GraphNode) && !setup.locate(node.name));
    if (unplaced.length > 0) {
      throw new ConfigurationError(
        `[threads] worker threads cannot find the code of node(s) ${unplaced.map((n) => `"${n.name}"`).join(", ")}: tell ham their module's file with builder.withModuleSource(module, import.meta.url), or keep them in this process with tag({ executor: "main" })`,
      );
    }
    this.#setup = setup;
  }

  async execute(task: ExecutorTask): Promise<unknown> {
    const where = this.#setup?.locate(task.node.name);
    if (!where) {
      throw new ConfigurationError(`[threads] node "${task.node.name}" has no module URL; was the executor attached by Builder.build()?`);
    }
    const args = await task.args();
    this.#pool ??= new Piscina({
      filename: new URL("./thread-worker.mjs", import.meta.url).href,
      minThreads: 0,
      maxThreads: this.#threads,
      idleTimeout: this.#idleTimeout,
    });
    const out = (await this.#pool.run({ moduleUrl: where.moduleUrl, exportName: where.exportName, node: task.node.name, args })) as ThreadResult;
    this.#onRun?.({ node: task.node.name, threadId: out.threadId, durationMs: out.durationMs });
    return task.finish(out.value);
  }

  /** Stops the threads (the next execute starts a new pool). */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.destroy();
  }
}
