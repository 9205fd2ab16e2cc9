// SmartCache: the caching adapter withCache() installs. A thin shell: each run is a CacheRun (state,
// lookups, loads, records), results are written by the ResultWriter, shared parts live in CacheParts.
import type {
  CacheBehavior,
  CacheRunView,
  CacheSetup,
  CachingStrategy,
  ExecutorCache,
  Fingerprint,
  FingerprintRepository,
  GraphCache,
  GraphExecuteContext,
  GraphResultContext,
  NodeExecuteContext,
  NodeInfo,
  NodeResultContext,
  NodeRunRecord,
  ResultStore,
} from "../contracts.js";
import type { ResultCodec } from "../codec/index.js";
import type { DynamicNames, OutputName, UnknownOutput } from "../output-names.js";
import type { FingerprinterRegistry } from "../fingerprint/index.js";
import type { GcOptions, GcReport } from "../lifecycle/gc.js";
import { type Explanation, explainNode } from "../lifecycle/explain.js";
import type { LevelLogger } from "../logging/logger.js";
import { ComputeDurations, summaryLine } from "../progress/summary.js";
import { readRuns } from "../stores/index.js";
import { CacheParts, type CacheStats, newStats } from "./cache-parts.js";
import { CacheRun } from "./cache-run.js";
import { EXECUTE_NOW, promised } from "../execution/execute-now.js";
import { executorCacheOf } from "./executor-cache.js";
import { GraphBinding } from "./graph-binding.js";
import type { CacheOptions } from "./options.js";
import { ResultWriter } from "./result-writer.js";

export type { CacheStats } from "./cache-parts.js";

/** How many finished runs `run(runId)` still answers for (a progress line or executor asking late). */
const RECENT_RUNS = 8;

/** `N` maps node names to result types (from the driver's modules), so `explain("node")` checks the name. */
export class SmartCache<N extends Record<string, unknown> = Record<string, any>>
  implements GraphCache, CachingStrategy
{
  /** Data fingerprint of every node (and used input) in the run that started last (see `run(runId)` for others). */
  runFingerprints: Record<string, Fingerprint> = {};
  /** Code version of every node, computed once when the driver is built. */
  readonly codeVersions: Record<string, string>;
  /** Each node's outcome in the run that started last, by node name. */
  lastRun: Record<string, NodeRunRecord> = {};
  /** Id of the run that started last. */
  lastRunId: string | undefined;
  /** Store traffic of the run that started last. */
  stats: CacheStats = newStats();
  readonly fingerprintStore: FingerprintRepository;
  readonly resultStore: ResultStore;
  /** Encodes and decodes results (custom codecs first, then v8). */
  readonly codec: ResultCodec;
  /** Fingerprints values (custom fingerprinters first, then the default). */
  readonly fingerprinter: FingerprinterRegistry;

  readonly #parts: CacheParts;
  readonly #binding: GraphBinding;
  readonly #writer: ResultWriter;
  /** What computed nodes took, for the time hits saved in the summary. */
  readonly #durations = new ComputeDurations();
  /** Runs in progress by run id: one driver may execute several times at once, each with its own state. */
  readonly #runs = new Map<string, CacheRun>();
  /** The last few finished runs, oldest first. */
  readonly #finished = new Map<string, CacheRun>();
  #opening: Promise<void> | undefined;

  constructor(options: CacheOptions = {}) {
    this.#parts = new CacheParts(options);
    this.#binding = new GraphBinding(this.#parts);
    this.#writer = new ResultWriter(this.#parts);
    this.codeVersions = this.#binding.codeVersions;
    this.fingerprintStore = this.#parts.fingerprintStore;
    this.resultStore = this.#parts.resultStore;
    this.codec = this.#parts.codec;
    this.fingerprinter = this.#parts.fingerprinter;
  }

  /** GraphCache: binds the cache to a built graph, checks options and computes every code version once. */
  attach(setup: CacheSetup): void {
    this.#binding.attach(setup);
  }

  /** CachingStrategy: the node's behaviour for this run. */
  behavior(node: NodeInfo): CacheBehavior {
    return this.#binding.behavior(node);
  }

  /** CachingStrategy: `encodeDict({ [codeVersion]: encodeDict(inputFingerprints) })`; no node name. */
  contextKey(node: NodeInfo, codeVersion: string, inputFingerprints: Readonly<Record<string, Fingerprint>>): string {
    return this.#binding.contextKey(node, codeVersion, inputFingerprints);
  }

  /** Run `runId`'s records and fingerprints: while it goes, and for the last few finished runs. */
  run(runId: string): CacheRunView | undefined {
    return this.#runs.get(runId) ?? this.#finished.get(runId);
  }

  /** Encoded size in bytes of the result stored under `fingerprint`, if this process wrote or read it (for pictures). */
  resultBytes(fingerprint: Fingerprint): number | undefined {
    return this.#writer.sizeOf(fingerprint);
  }

  /** The cache's logger: the `logger` option filtered by level (HAM_DEBUG=1 adds per-node decisions). */
  get logger(): LevelLogger {
    return this.#parts.logger;
  }

  /** GraphCache: true when the logger prints at `level`. */
  logs(level: "debug" | "info"): boolean {
    return this.#parts.logger.enabled(level);
  }

  /** GraphCache: a debug note through the cache's logger. */
  debug(message: string): void {
    this.#parts.logger.debug(message);
  }

  /** GraphCache: the stores and encodings executors use. */
  executorCache(): ExecutorCache {
    return executorCacheOf(this);
  }

  /** The one-line summary of the last run (or of `records`), with the time its hits saved. */
  async summary(records: readonly NodeRunRecord[] = Object.values(this.lastRun)): Promise<string> {
    return summaryLine(records, await this.#durations.saved(records, this.fingerprintStore));
  }

  /** Opens both stores (once; again after close). */
  open(): Promise<void> {
    const guard = this.#parts.guard.bind(this.#parts);
    // Both at once (one round trip, not two); failures are reported in order, the repository's first.
    this.#opening ??= (async () => {
      const [repository, results] = await Promise.allSettled([
        (async () => this.fingerprintStore.open?.())(),
        (async () => this.resultStore.open?.())(),
      ]);
      try {
        await guard(this.fingerprintStore, "open", async () => settled(repository), undefined);
        await guard(this.resultStore, "open", async () => settled(results), undefined);
      } catch (error) {
        // Not opened after all: the one that did open is closed again (a pool would keep the process alive).
        if (repository.status === "fulfilled") await this.fingerprintStore.close?.()?.catch(() => undefined);
        if (results.status === "fulfilled") await this.resultStore.close?.()?.catch(() => undefined);
        throw error;
      }
    })();
    return this.#opening;
  }

  /** Waits for the last runs' records (written after execute returned); throws a failure to write one. */
  flush(): Promise<void> {
    return this.#parts.runRecords.settle();
  }

  /** Closes both stores once the last runs' records are written; the next run opens them again. */
  async close(): Promise<void> {
    const wasOpen = this.#opening;
    this.#opening = undefined;
    this.#durations.reset();
    await this.#parts.prefetcher?.flush(); // the prediction memo is written in the background
    // The run records too; the stores are closed even when one failed, then the failure is thrown.
    const written = await this.flush().then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    if (wasOpen) {
      await wasOpen.catch(() => undefined);
      const guard = this.#parts.guard.bind(this.#parts);
      await guard(this.fingerprintStore, "close", async () => this.fingerprintStore.close?.(), undefined);
      await guard(this.resultStore, "close", async () => this.resultStore.close?.(), undefined);
    }
    if (written) throw written.error;
  }

  /** Loads and decodes the result stored under `fingerprint` (undefined when there is none). */
  async getResult(fingerprint: Fingerprint): Promise<unknown> {
    await this.open();
    const bytes = await this.#parts.guard(this.resultStore, "get", () => this.resultStore.get(fingerprint), undefined);
    return bytes === undefined ? undefined : this.codec.decode(bytes, fingerprint);
  }

  /** Why `node` ran or hit in the last run — this process's, else the newest in the history — or in run `runId`. */
  explain<K extends string>(node: DynamicNames<K>, runId?: string): Promise<Explanation>;
  explain<K extends string = never>(node: NoInfer<K>, runId?: string): Promise<Explanation>;
  explain<const K extends OutputName<N> | UnknownOutput>(node: K, runId?: string): Promise<Explanation>;
  async explain(node: string, runId?: string): Promise<Explanation> {
    await this.open();
    return explainNode(this.fingerprintStore, this.lastRunId, this.lastRun, node, runId);
  }

  /** Run history, newest first (empty when the repository keeps none). */
  async listRuns(options: { limit?: number } = {}) {
    await this.open();
    return readRuns(this.fingerprintStore, options);
  }

  /** Removes old runs, records and results by the rules of GcOptions (see docs/cache-lifecycle.md). */
  async gc(options: GcOptions = {}): Promise<GcReport> {
    await this.open();
    return this.#parts.lifecycle.gc(options);
  }

  // ------------------------------------------------------------------------------------------
  // Adapter hooks: each run's work is its CacheRun's
  // ------------------------------------------------------------------------------------------

  async beforeGraphExecute(ctx: GraphExecuteContext): Promise<void> {
    const run = new CacheRun(ctx, this.#parts, this.#binding, this.#writer);
    this.#runs.set(run.runId, run);
    // The public "last run" views show the run that started last.
    this.runFingerprints = run.fingerprints;
    this.lastRun = run.records;
    this.lastRunId = run.runId;
    this.stats = run.stats;
    // Runs are recorded in order: the last run's record first (and a failure to write it is this run's).
    if (this.#parts.runRecords.unsettled) {
      await this.flush().catch((error: unknown) => {
        this.#runs.delete(run.runId);
        throw error;
      });
    }
    try {
      await this.open();
    } catch (error) {
      this.#opening = undefined;
      if (this.#parts.options.onStoreError !== "warn") {
        this.#runs.delete(run.runId);
        throw error;
      }
      run.uncached = true;
    }
    run.trackProgress(ctx.outputs);
    run.predict(ctx.nodes, ctx.outputs);
  }

  doNodeExecute(ctx: NodeExecuteContext, next: () => Promise<unknown>): Promise<unknown> {
    return promised(() => this[EXECUTE_NOW](ctx, next));
  }

  /** doNodeExecute, answering a hit the run's batch already answered at once (the driver calls this when it can). */
  [EXECUTE_NOW](ctx: NodeExecuteContext, next: () => Promise<unknown>): unknown {
    const run = this.#runs.get(ctx.runId);
    return run && !run.uncached ? run.execute(ctx, next) : next();
  }

  afterNodeExecute(ctx: NodeResultContext): void {
    if (!ctx.success) this.#runs.get(ctx.runId)?.failed(ctx, ctx.error);
  }

  async afterGraphExecute(ctx: GraphResultContext): Promise<void> {
    const run = this.#runs.get(ctx.runId);
    if (!run) return;
    this.#runs.delete(run.runId);
    this.#finished.set(run.runId, run);
    for (const id of this.#finished.keys()) if (this.#finished.size > RECENT_RUNS) this.#finished.delete(id);
    await run.finish(ctx.outputs);
    const records = Object.values(run.records);
    if (this.#parts.logger.enabled("info")) this.#parts.logger.info(`[ham] ${await this.summary(records)}`);
    this.#durations.remember(records, run.runId, run.wallMs());
  }
}

/** The value of a settled promise, or its error thrown again. */
function settled<T>(outcome: PromiseSettledResult<T>): T {
  if (outcome.status === "rejected") throw outcome.reason;
  return outcome.value;
}
