// SmartCache: the caching adapter. Per node it builds the execution context key, reads the
// repository, returns a hit without loading it, or runs the node and stores its result.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type {
  Adapter,
  CacheBehavior,
  CachingStrategy,
  Fingerprint,
  FingerprintRepository,
  GraphExecuteContext,
  GraphResultContext,
  Logger,
  NodeExecuteContext,
  NodeInfo,
  NodeOutcome,
  NodeResultContext,
  NodeRunRecord,
  ResultStore,
} from "../contracts.js";
import { CorruptResultError, ResultCodec } from "../codec/index.js";
import { deferredResult } from "../driver/deferred.js";
import { NodeExecutionError, StoreError, isHamError } from "../errors.js";
import { FileHashes, containsFileInput, file, fileFingerprinter, untrackedPathWarning } from "../files/index.js";
import { FingerprinterRegistry, uniqueFingerprint } from "../fingerprint/index.js";
import { isUniqueFingerprint } from "./unique.js";
import { hashString } from "../fingerprint/bytes.js";
import type { GraphNode, ParamInfo } from "../graph/graph.js";
import { hasName, named, setNamed } from "../graph/names.js";
import { protectStores, resolveSigningKeys } from "../security/index.js";
import { FileFingerprintRepository, FileResultStore, readRuns } from "../stores/index.js";
import { codeIdentitiesOf, codeVersionOf } from "./code-version.js";
import { volatileDefaultParams } from "../identity/code-identity.js";
import { ContextKeyMemo } from "./context-key-memo.js"; // hotpath
import type { DynamicNames, OutputName, UnknownOutput } from "../driver/names.js";
import { type Explanation, explainNode } from "./explain.js";
import { LookupBatcher } from "./lookup-batcher.js";
import { RunProgress } from "./run-progress.js";
import { type CacheOptions, resolveBehaviors } from "./options.js";
import { decisionLine } from "../logging/decisions.js";
import { type LevelLogger, resolveLogger } from "../logging/logger.js";
import { ComputeDurations, summaryLine } from "../progress/summary.js";
import { CacheLifecycle } from "../lifecycle/cache-lifecycle.js";
import type { GcOptions, GcReport } from "../lifecycle/gc.js";

/** Counters of store traffic, for benchmarks and tuning. */
export interface CacheStats {
  /** Lookups sent to the repository (a batched getMany counts once). */
  repositoryRoundTrips: number;
  /** Records written to the repository. */
  repositoryWrites: number;
  /** Results read from the result store. */
  resultReads: number;
  /** Results written to the result store. */
  resultWrites: number;
}

/** `N` maps node names to result types (from the driver's modules), so `explain("node")` checks the name. */
export class SmartCache<N extends Record<string, unknown> = Record<string, any>> implements Adapter, CachingStrategy {
  /** Data fingerprint of every node (and used input) in the last run. */
  runFingerprints: Record<string, Fingerprint> = {};
  /** Code version of every node, computed once when the driver is built. */
  readonly codeVersions: Record<string, string> = {};
  /** Each node's outcome in the last run, by node name. */
  lastRun: Record<string, NodeRunRecord> = {};
  /** Id of the last run. */
  lastRunId: string | undefined;
  /** Store traffic of the last run. */
  stats: CacheStats = newStats();
  readonly fingerprintStore: FingerprintRepository;
  readonly resultStore: ResultStore;
  /** Encodes and decodes results (custom codecs first, then v8). */
  readonly codec: ResultCodec;
  /** Fingerprints values (custom fingerprinters first, then the default). */
  readonly fingerprinter: FingerprinterRegistry;

  readonly #options: CacheOptions;
  readonly #logger: LevelLogger;
  /** What computed nodes took, for the time hits saved in the summary. */
  readonly #durations = new ComputeDurations();
  /** Encoded result sizes seen in this process, by fingerprint (for visualizeExecution). */
  readonly #sizes = new Map<Fingerprint, number>();
  readonly #strategy: CachingStrategy | undefined;
  #behaviors = new Map<string, CacheBehavior>();
  #graph: ReadonlyMap<string, GraphNode> = new Map();
  #opening: Promise<void> | undefined;
  #batcher: LookupBatcher;
  /** Runs in progress by run id: one driver may execute several times at once, each with its own state. */
  readonly #runs = new Map<string, RunState>();
  /** Result writes in flight by fingerprint, so equal results computed at once are written once. */
  readonly #writes = new Map<Fingerprint, Promise<boolean>>();
  #warned = new Set<string>();
  #codeParts = new Map<string, Readonly<Record<string, string>>>();
  /** Nodes whose result depends on what no code version shows (see CodeIdentity.volatile): they always recompute. */
  #volatile = new Map<string, string>();
  /** Expiry (maxAge), the maxBytes limit and gc: see lifecycle/. */
  readonly #lifecycle: CacheLifecycle;
  /** Content digests of file() inputs, memoised by stat (in the cache folder when it has one). */
  readonly #files: FileHashes;
  /** Fingerprints inputs, config values and overrides that hold a file(): those by content, the rest as results are. */
  readonly #inputFingerprinter: FingerprinterRegistry;
  /** Input and override names already warned about for naming a file as a plain string (once per name). */
  readonly #pathWarned = new Set<string>();
  /** hotpath: each node's last default context key (caching/context-key-memo.ts). */
  readonly #keys = new ContextKeyMemo();

  constructor(options: CacheOptions = {}) {
    this.#options = options;
    this.#logger = resolveLogger({ logger: options.logger, logLevel: options.logLevel });
    this.#strategy = options.strategy;
    const path = options.path ?? ".ham_cache";
    // Signing and read-only wrap the stores (security/): the rest of the cache sees plain stores.
    const stores = protectStores(
      options,
      {
        fingerprintStore: options.fingerprintStore ?? new FileFingerprintRepository({ path }),
        resultStore: options.resultStore ?? new FileResultStore({ path }),
      },
      (message) => this.#warn(message),
    );
    this.fingerprintStore = stores.fingerprintStore;
    this.resultStore = stores.resultStore;
    this.codec = new ResultCodec({
      codecs: [...(options.codecs ?? [])],
      ...(options.maxResultBytes !== undefined ? { maxResultBytes: options.maxResultBytes } : {}),
    });
    this.fingerprinter = new FingerprinterRegistry({
      fingerprinters: [...(options.fingerprinters ?? [])],
      warn: (message) => this.#warn(message),
    });
    // The memo goes beside the default file stores; with only custom stores it stays in memory, and
    // so it does for a signed cache: an unsigned memo on disk could pass off old content as current.
    const onDisk = (options.fingerprintStore === undefined || options.resultStore === undefined) && resolveSigningKeys(options.signingKey) === undefined;
    this.#files = new FileHashes(onDisk ? { memoFile: join(path, "file-hashes.json"), tempDir: join(path, "tmp") } : {});
    this.#inputFingerprinter = new FingerprinterRegistry({
      fingerprinters: [fileFingerprinter(this.#files), ...(options.fingerprinters ?? [])],
      warn: (message) => this.#warn(message),
    });
    this.#batcher = new LookupBatcher(this.fingerprintStore);
    this.#lifecycle = new CacheLifecycle(options, { fingerprintStore: this.fingerprintStore, resultStore: this.resultStore }, {
      warn: (message) => this.#warn(message),
      info: (message) => this.#logger.info?.(message),
    });
  }

  /** Binds the cache to a built graph: checks options and computes every code version once. */
  attach(graph: ReadonlyMap<string, GraphNode>, identity?: { modules: readonly object[]; sources?: ReadonlyMap<object, string> }): void {
    this.#behaviors = resolveBehaviors(this.#options, graph);
    // What the configured fingerprinters and codecs need (an optional library…) fails here, not mid-run.
    for (const part of [...(this.#options.fingerprinters ?? []), ...(this.#options.codecs ?? [])]) part.check?.();
    this.#graph = graph;
    this.#lifecycle.attach(graph.values());
    // Given the modules (and files from withModuleSource), code versions follow the helpers nodes use.
    const identities = identity
      ? codeIdentitiesOf(graph, { ...identity, warn: (message) => this.#warn(message), debug: (message) => this.#logger.debug?.(message) })
      : undefined;
    this.#codeParts.clear();
    this.#volatile.clear();
    for (const node of graph.values()) {
      const found = identities?.get(node.name);
      if (found?.volatile !== undefined) this.#volatile.set(node.name, found.volatile);
      setNamed(this.codeVersions, node.name, found?.version ?? codeVersionOf(node));
      if (found && Object.keys(found.parts).length > 0) this.#codeParts.set(node.name, found.parts);
    }
  }

  /** CachingStrategy: the node's behaviour for this run. */
  behavior(node: NodeInfo): CacheBehavior {
    return this.#strategy ? this.#strategy.behavior(node) : (this.#behaviors.get(node.name) ?? "default");
  }

  /** CachingStrategy: `encodeDict({ [codeVersion]: encodeDict(inputFingerprints) })`; no node name. */
  contextKey(node: NodeInfo, codeVersion: string, inputFingerprints: Readonly<Record<string, Fingerprint>>): string {
    if (this.#strategy) return this.#strategy.contextKey(node, codeVersion, inputFingerprints);
    // hotpath: the key a node had last time is reused when made from the same values (caching/context-key-memo.ts).
    return this.#keys.key(node.name, codeVersion, inputFingerprints);
  }

  /** Encoded size in bytes of the result stored under `fingerprint`, if this process wrote or read it (for pictures). */
  resultBytes(fingerprint: Fingerprint): number | undefined {
    return this.#sizes.get(fingerprint);
  }

  #noteSize(fingerprint: Fingerprint, bytes: number): void {
    if (this.#sizes.size >= 10_000) this.#sizes.clear(); // only for pictures: keep memory bounded
    this.#sizes.set(fingerprint, bytes);
  }

  /** The cache's logger: the `logger` option filtered by level (HAM_DEBUG=1 adds per-node decisions). */
  get logger(): LevelLogger {
    return this.#logger;
  }

  /** The one-line summary of the last run (or of `records`), with the time its hits saved. */
  async summary(records: readonly NodeRunRecord[] = Object.values(this.lastRun)): Promise<string> {
    return summaryLine(records, await this.#durations.saved(records, this.fingerprintStore));
  }

  /** Opens both stores (once; again after close). */
  open(): Promise<void> {
    this.#opening ??= (async () => {
      await this.#guard(this.fingerprintStore, "open", async () => this.fingerprintStore.open?.(), undefined);
      await this.#guard(this.resultStore, "open", async () => this.resultStore.open?.(), undefined);
    })();
    return this.#opening;
  }

  /** Closes both stores; the next run opens them again. */
  async close(): Promise<void> {
    const wasOpen = this.#opening;
    this.#opening = undefined;
    this.#durations.reset();
    if (!wasOpen) return;
    await wasOpen.catch(() => undefined);
    await this.#guard(this.fingerprintStore, "close", async () => this.fingerprintStore.close?.(), undefined);
    await this.#guard(this.resultStore, "close", async () => this.resultStore.close?.(), undefined);
  }

  /** Loads and decodes the result stored under `fingerprint` (undefined when there is none). */
  async getResult(fingerprint: Fingerprint): Promise<unknown> {
    await this.open();
    const bytes = await this.#guard(this.resultStore, "get", () => this.resultStore.get(fingerprint), undefined);
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
    return this.#lifecycle.gc(options);
  }

  // ------------------------------------------------------------------------------------------
  // Adapter hooks
  // ------------------------------------------------------------------------------------------

  async beforeGraphExecute(ctx: GraphExecuteContext): Promise<void> {
    const run: RunState = {
      id: ctx.runId,
      started: Date.now(),
      inputs: ctx.inputs,
      overrides: ctx.overrides,
      uncached: false,
      computing: new Map(),
      stored: new Set(),
      fingerprints: {},
      records: {},
      stats: newStats(),
      roundTripsAtStart: this.#batcher.roundTrips,
    };
    this.#runs.set(run.id, run);
    // The public "last run" views show the run that started last.
    this.runFingerprints = run.fingerprints;
    this.lastRun = run.records;
    this.lastRunId = run.id;
    this.stats = run.stats;
    try {
      await this.open();
    } catch (error) {
      this.#opening = undefined;
      if (this.#options.onStoreError !== "warn") {
        this.#runs.delete(run.id);
        throw error;
      }
      run.uncached = true;
    }
    const saveRun = this.fingerprintStore.saveRun?.bind(this.fingerprintStore);
    if (saveRun && !run.uncached) {
      const outputs = ctx.outputs;
      run.progress = new RunProgress(saveRun, () => ({
        runId: run.id,
        startedAt: run.started,
        durationMs: Date.now() - run.started,
        outputs,
        nodes: Object.values(run.records),
        running: true,
      }));
    }
  }

  async doNodeExecute(ctx: NodeExecuteContext, next: () => Promise<unknown>): Promise<unknown> {
    const node = ctx.node as GraphNode;
    const run = this.#runs.get(ctx.runId);
    if (!run || run.uncached) return next();
    const started = performance.now();
    const volatile = this.#volatileReason(node, ctx.dependencyNames);
    const behavior = volatile !== undefined ? "recompute" : this.behavior(node);
    if (behavior === "disable" || behavior === "ignore") {
      const result = await next();
      setNamed(run.fingerprints, node.name, uniqueFingerprint());
      this.#record(run, node, behavior === "disable" ? "disabled" : "computed", started, {
        durationMs: ownTime(ctx, started),
        fingerprint: named(run.fingerprints, node.name) as string,
        deps: ctx.dependencyNames,
        reason: behavior === "disable" ? "behaviour disable: never read from or written to the cache" : "behaviour ignore: not cached, left out of dependents' keys",
      });
      return result;
    }
    if (node.cachedThrough !== undefined) return this.#passThrough(run, node, node.cachedThrough, behavior, ctx, next, started);
    const codeVersion = named(this.codeVersions, node.name) ?? codeVersionOf(node);
    const inputFingerprints = this.#inputFingerprints(run, node, ctx.dependencyNames);
    const contextKey = this.contextKey(node, codeVersion, inputFingerprints);
    const facts = { contextKey, codeVersion, inputFingerprints, deps: ctx.dependencyNames, ...this.#codePartsOf(node) };
    let expired: string | undefined;
    if (behavior !== "recompute") {
      let found = await this.#lookup(contextKey);
      // Only nodes with a maxAge read the entry's age, so the default warm path costs what it did.
      if (found !== undefined && this.#lifecycle.hasMaxAge(node.name)) {
        expired = await this.#expired(node.name, contextKey);
        if (expired !== undefined) found = undefined;
      }
      if (found !== undefined) {
        setNamed(run.fingerprints, node.name, found);
        // hotpath: Object.assign, not `{ ...facts, fingerprint }`: V8 (Node 20) gives every object built that way a map of its own.
        this.#record(run, node, "hit", started, Object.assign({}, facts, { fingerprint: found }));
        return deferredResult(() => this.#load(run, node, found, facts, next));
      }
      // Another node of this run with the same key (parameterize: same code, same inputs) is being
      // computed: wait for it and share its stored result instead of computing and storing again.
      const computing = run.computing.get(contextKey);
      if (computing) {
        const shared = await computing.promise;
        if (shared !== undefined && run.stored.has(shared.fingerprint)) {
          setNamed(run.fingerprints, node.name, shared.fingerprint);
          this.#record(run, node, "hit", started, {
            ...facts,
            fingerprint: shared.fingerprint,
            reason: `hit: node "${shared.node}" computed the same code with the same inputs earlier in this run`,
          });
          return deferredResult(() => this.#load(run, node, shared.fingerprint, facts, next));
        }
      }
    }
    let settle: (value: { node: string; fingerprint: Fingerprint } | undefined) => void = () => undefined;
    if (!run.computing.has(contextKey)) {
      const promise = new Promise<{ node: string; fingerprint: Fingerprint } | undefined>((resolve) => (settle = resolve));
      run.computing.set(contextKey, { promise });
    }
    let computed: Fingerprint | undefined;
    const release = await this.#lock(contextKey).catch((error: unknown) => {
      settle(undefined);
      throw error;
    });
    try {
      if (release && behavior !== "recompute") {
        // Another process may have computed it while we waited for the lock.
        const found = await this.#guard(this.fingerprintStore, "get", () => this.fingerprintStore.get(contextKey), undefined);
        if (found !== undefined && (expired === undefined || (await this.#expired(node.name, contextKey)) === undefined)) {
          setNamed(run.fingerprints, node.name, found);
          this.#record(run, node, "hit", started, { ...facts, fingerprint: found, reason: "hit: computed by another process while this one waited" });
          return deferredResult(() => this.#load(run, node, found, facts, next));
        }
      }
      const result = await next();
      const fingerprint = await this.#store(run, node, result, facts);
      computed = fingerprint;
      setNamed(run.fingerprints, node.name, fingerprint);
      // hotpath: Object.assign, not `{ ...facts, fingerprint }` (see the hit above).
      this.#record(run, node, behavior === "recompute" ? "recomputed" : "computed", started, Object.assign({}, facts, {
        durationMs: ownTime(ctx, started),
        fingerprint,
        ...(behavior === "recompute"
          ? { reason: volatile ?? "behaviour recompute: run and overwrite" }
          : expired !== undefined
            ? { reason: expired }
            : {}),
      }));
      return result;
    } finally {
      settle(computed === undefined ? undefined : { node: node.name, fingerprint: computed });
      if (release) await release();
    }
  }

  /**
   * A node whose value lives in its parent's stored result (extractFields). Only its fingerprint is
   * recorded (context key → fingerprint of the field's value), never a result: a hit hands back the
   * field picked from the parent's result when something reads it, so an unchanged parent means the
   * field node does not run, and a field whose value did not change keeps its dependents' keys.
   */
  async #passThrough(
    run: RunState,
    node: GraphNode,
    parent: string,
    behavior: CacheBehavior,
    ctx: NodeExecuteContext,
    next: () => Promise<unknown>,
    started: number,
  ): Promise<unknown> {
    const codeVersion = named(this.codeVersions, node.name) ?? codeVersionOf(node);
    const inputFingerprints = this.#inputFingerprints(run, node, ctx.dependencyNames);
    const contextKey = this.contextKey(node, codeVersion, inputFingerprints);
    const facts = { contextKey, codeVersion, inputFingerprints, deps: ctx.dependencyNames, ...this.#codePartsOf(node) };
    // A parent left out of the key (behaviour "ignore") cannot vouch for the value: never reuse it.
    const complete = node.params.every((p) => p.dep === undefined || hasName(inputFingerprints, p.name));
    if (complete && behavior !== "recompute") {
      const found = await this.#lookup(contextKey);
      if (found !== undefined) {
        setNamed(run.fingerprints, node.name, found);
        this.#record(run, node, "hit", started, { ...facts, fingerprint: found, reason: `hit: part of the cached result of "${parent}", read only when needed` });
        return deferredResult(async () => {
          try {
            return await next();
          } catch (error) {
            if (isHamError(error)) throw error;
            const cause = error instanceof Error && "cause" in error ? error.cause : error;
            throw new NodeExecutionError(node.name, [], {
              cause,
              message: `node "${node.name}" failed when read from the cached result of "${parent}": ${errorText(cause)}`,
            });
          }
        });
      }
    }
    const result = await next();
    const fingerprint = complete ? this.#fingerprint(result, node.name, node.cache?.fingerprint) : uniqueFingerprint();
    if (complete && !isUniqueFingerprint(fingerprint)) {
      const meta = { node: node.name, codeVersion, createdAt: Date.now() };
      await this.#guard(this.fingerprintStore, "set", () => this.fingerprintStore.set(contextKey, fingerprint, meta), undefined);
      run.stats.repositoryWrites++;
    }
    setNamed(run.fingerprints, node.name, fingerprint);
    this.#record(run, node, behavior === "recompute" ? "recomputed" : "computed", started, {
      ...facts,
      durationMs: ownTime(ctx, started),
      fingerprint,
      reason: `picked from "${parent}"; its value is stored as part of "${parent}"'s result`,
    });
    return result;
  }

  afterNodeExecute(ctx: NodeResultContext): void {
    const run = this.#runs.get(ctx.runId);
    if (!ctx.success && run) {
      setNamed(run.records, ctx.node.name, { node: ctx.node.name, outcome: "failed", durationMs: 0, reason: `failed: ${errorText(ctx.error)}`, deps: ctx.dependencyNames });
    }
  }

  async afterGraphExecute(ctx: GraphResultContext): Promise<void> {
    const run = this.#runs.get(ctx.runId);
    if (!run) return;
    this.#runs.delete(run.id);
    // Exact for one run at a time; runs that overlap share the batcher and count each other's lookups.
    run.stats.repositoryRoundTrips += this.#batcher.roundTrips - run.roundTripsAtStart;
    await run.progress?.stop();
    const records = Object.values(run.records);
    if (!run.uncached && this.fingerprintStore.saveRun) {
      const record = { runId: run.id, startedAt: run.started, durationMs: Date.now() - run.started, outputs: ctx.outputs, nodes: records };
      const save = this.fingerprintStore.saveRun.bind(this.fingerprintStore);
      await this.#guard(this.fingerprintStore, "saveRun", () => save(record), undefined);
    }
    if (!run.uncached) {
      await this.#guard(this.resultStore, "maxBytes", () => this.#lifecycle.afterRun(Object.values(run.fingerprints)), undefined);
    }
    if (this.#options.readOnly !== true) this.#files.save();
    if (this.#logger.enabled("info")) this.#logger.info(`[ham] ${await this.summary(records)}`);
    this.#durations.remember(records, run.id, Date.now() - run.started);
  }

  // ------------------------------------------------------------------------------------------
  // Internals
  // ------------------------------------------------------------------------------------------

  #inputFingerprints(run: RunState, node: GraphNode, provided: readonly string[]): Record<string, Fingerprint> {
    const out: Record<string, Fingerprint> = {};
    for (const param of node.params) {
      if (param.dep === undefined) {
        setNamed(out, param.name, this.#fingerprint(named(node.boundValues, param.name), node.name, undefined));
      } else if (provided.includes(param.dep)) {
        const upstream = this.#graph.get(param.dep);
        if (upstream && this.behavior(upstream) === "ignore" && !hasName(run.overrides, param.dep)) continue;
        setNamed(out, param.name, this.#dependencyFingerprint(run, param.dep));
      } else {
        setNamed(out, param.name, this.#defaultFingerprint(node, param));
      }
    }
    // cache({ files }): files the node reads by a fixed path. "file:" cannot start a parameter name.
    for (const path of node.cache?.files ?? []) {
      setNamed(out, `file:${String(path)}`, this.#inputFingerprinter.fingerprint(file(path), { node: node.name }));
    }
    return out;
  }

  /**
   * Why a node with the default behaviour must run anyway: it reads what no code version shows, or a
   * parameter it was not given defaults to a value computed on each call (`today = new Date()`).
   */
  #volatileReason(node: GraphNode, provided: readonly string[]): string | undefined {
    if (this.behavior(node) !== "default") return undefined;
    const known = this.#volatile.get(node.name);
    if (known !== undefined) return `recomputed on every run: ${known}`;
    const param = volatileDefaultParams(node).find((p) => !provided.includes(p.dep as string));
    return param === undefined ? undefined : `recomputed on every run: parameter "${param.name}" was not given and its default is evaluated on each call`;
  }

  /** Fingerprint of a dependency: a node's from this run, an input's or override's from its value. */
  #dependencyFingerprint(run: RunState, name: string): Fingerprint {
    const known = named(run.fingerprints, name);
    if (known !== undefined) return known;
    const isOverride = hasName(run.overrides, name);
    const value = isOverride ? run.overrides[name] : named(run.inputs, name);
    if (typeof value === "string" && !this.#pathWarned.has(name)) {
      const warning = untrackedPathWarning(name, value, isOverride ? "override" : "input");
      if (warning !== undefined) {
        this.#pathWarned.add(name);
        this.#warn(warning);
      }
    }
    // Only values holding a file() go through the file fingerprinter: a custom fingerprinter turns
    // off the default one's fast paths (a large array of numbers takes twice as long).
    const fingerprint = containsFileInput(value) ? this.#inputFingerprinter.fingerprint(value, { node: name }) : this.#fingerprint(value, name, undefined);
    setNamed(run.fingerprints, name, fingerprint);
    setNamed(run.records, name, { node: name, outcome: isOverride ? "override" : "input", fingerprint, durationMs: 0 });
    return fingerprint;
  }

  /** An absent optional parameter: its literal default fingerprints like the same value given. */
  #defaultFingerprint(node: GraphNode, param: ParamInfo): Fingerprint {
    const def = param.defaultValue;
    if (def?.literal) return this.#fingerprint(def.value, node.name, undefined);
    return hashString(`default-expression\u0000${def?.text ?? ""}`);
  }

  #fingerprint(value: unknown, node: string, mode: string | undefined): Fingerprint {
    return this.fingerprinter.fingerprint(value, { node, ...(mode !== undefined ? { mode } : {}) });
  }

  #lookup(contextKey: string): Promise<Fingerprint | undefined> {
    return this.#guard(this.fingerprintStore, "getMany", () => this.#batcher.get(contextKey), undefined);
  }

  #expired(node: string, contextKey: string): Promise<string | undefined> {
    // A store error (onStoreError: "warn") leaves the age unknown: never count that as fresh.
    return this.#guard(this.fingerprintStore, "getEntry", () => this.#lifecycle.expired(node, contextKey), "computed: the stored entry's age could not be read (store error)");
  }

  async #lock(contextKey: string): Promise<(() => Promise<void>) | undefined> {
    const acquire = this.fingerprintStore.acquireLock?.bind(this.fingerprintStore);
    if (!acquire) return undefined;
    return this.#guard(this.fingerprintStore, "acquireLock", () => acquire(contextKey), undefined);
  }

  /** Fingerprints a computed result and stores it: result bytes first, then the repository record. */
  async #store(run: RunState, node: GraphNode, value: unknown, facts: NodeFacts): Promise<Fingerprint> {
    const fingerprint = this.#fingerprint(value, node.name, node.cache?.fingerprint);
    if (isUniqueFingerprint(fingerprint)) return fingerprint; // cannot be found again: not worth storing
    // Equal results computed at the same moment (two nodes, or two runs) share one write.
    let write = this.#writes.get(fingerprint);
    if (!write) {
      write = this.#writeResult(run, node, fingerprint, value).finally(() => this.#writes.delete(fingerprint));
      this.#writes.set(fingerprint, write);
    }
    if (!(await write)) return fingerprint;
    run.stored.add(fingerprint);
    const meta = { node: node.name, codeVersion: facts.codeVersion, createdAt: Date.now() };
    await this.#guard(this.fingerprintStore, "set", () => this.fingerprintStore.set(facts.contextKey, fingerprint, meta), undefined);
    run.stats.repositoryWrites++;
    return fingerprint;
  }

  /** Puts a result's bytes in the result store unless they are there; false when it is not stored. */
  async #writeResult(run: RunState, node: GraphNode, fingerprint: Fingerprint, value: unknown): Promise<boolean> {
    if (this.#options.readOnly === true) return false; // nothing would be written: skip encoding too
    const exists = await this.#guard(this.resultStore, "has", () => this.resultStore.has(fingerprint), false);
    if (exists) return true;
    let bytes: Uint8Array;
    try {
      bytes = this.codec.encode(value, undefined, fingerprint);
    } catch (error) {
      this.#warn(`node "${node.name}": its result is not cached because it cannot be encoded (${errorText(error)}); register a codec for it with withCache({ codecs })`);
      return false;
    }
    const limit = this.#options.maxResultBytes;
    if (limit !== undefined && bytes.byteLength > limit) {
      this.#warn(`node "${node.name}": its result (${bytes.byteLength} bytes) exceeds maxResultBytes (${limit}) and is not cached`);
      return false;
    }
    const stored = await this.#guard(this.resultStore, "set", async () => (await this.resultStore.set(fingerprint, bytes), true), false);
    if (stored) {
      run.stats.resultWrites++;
      this.#lifecycle.noteWrite(bytes.byteLength);
      this.#noteSize(fingerprint, bytes.byteLength);
    }
    return stored;
  }

  /** Loads a hit's result; a missing or corrupt result is recomputed (with a warning), never returned. */
  async #load(run: RunState, node: GraphNode, fingerprint: Fingerprint, facts: NodeFacts, next: () => Promise<unknown>): Promise<unknown> {
    run.stats.resultReads++;
    let problem = "is missing from the result store";
    let corrupt: unknown;
    // A store that checks its own checksum reports damage with CorruptResultError (see ResultStore.get).
    const bytes = await this.#guard(this.resultStore, "get", () => this.resultStore.get(fingerprint).catch((error: unknown) => {
      if (!isCorruptResult(error)) throw error;
      corrupt = error;
      return undefined;
    }), undefined);
    if (bytes !== undefined) {
      this.#noteSize(fingerprint, bytes.byteLength);
      try {
        return this.codec.decode(bytes, fingerprint);
      } catch (error) {
        corrupt = error;
      }
    }
    if (corrupt !== undefined) {
      problem = `could not be read back (${errorText(corrupt).replace(/^\[ham\] /, "")})`;
      // Remove the damaged bytes so the recomputed result is written in their place: a
      // content-addressed set skips keys that already exist. A read-only cache leaves them.
      if (!this.#options.readOnly) await this.#guard(this.resultStore, "delete", () => this.resultStore.delete(fingerprint), undefined);
    }
    this.#warn(`node "${node.name}": cached result ${fingerprint} ${problem}; recomputing it`);
    let value: unknown;
    try {
      value = await next();
    } catch (error) {
      const cause = error instanceof Error && "node" in error ? error.cause : error;
      setNamed(run.records, node.name, { node: node.name, outcome: "failed", durationMs: 0, reason: `failed while recomputing a cached result that ${problem}: ${errorText(cause)}` });
      throw error;
    }
    await this.#store(run, node, value, facts);
    const record = named(run.records, node.name);
    if (record) setNamed(run.records, node.name, { ...record, outcome: "recomputed", reason: `recomputed: cached result ${problem}` });
    return value;
  }

  #record(run: RunState, node: GraphNode, outcome: NodeOutcome, started: number, extra: Partial<NodeRunRecord>): void {
    const record: NodeRunRecord = { node: node.name, outcome, durationMs: performance.now() - started, ...extra };
    setNamed(run.records, node.name, record);
    if (this.#logger.enabled("debug")) this.#logger.debug(decisionLine(record));
  }

  async #guard<T>(store: { name: string }, operation: string, action: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await action();
    } catch (error) {
      const storeError =
        error instanceof StoreError ? error : new StoreError(store.name, operation, errorText(error), { cause: error });
      if (this.#options.onStoreError !== "warn") throw storeError;
      this.#warn(`${storeError.message}; continuing without the cache for this step (onStoreError: "warn")`);
      return fallback;
    }
  }

  /** `{ codeParts }` for a node whose code version followed helpers, else nothing. */
  #codePartsOf(node: GraphNode): { codeParts?: Readonly<Record<string, string>> } {
    const codeParts = this.#codeParts.get(node.name);
    return codeParts ? { codeParts } : {};
  }

  #warn(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.#logger.warn?.(message.startsWith("[ham]") ? message : `[ham] ${message}`);
  }
}

interface RunState {
  id: string;
  started: number;
  inputs: Readonly<Record<string, unknown>>;
  overrides: Readonly<Record<string, unknown>>;
  uncached: boolean;
  /** Context keys being computed in this run, so a second node with the same key waits and shares. */
  computing: Map<string, { promise: Promise<{ node: string; fingerprint: Fingerprint } | undefined> }>;
  /** Fingerprints whose result is known to be in the result store. */
  stored: Set<Fingerprint>;
  /** Data fingerprint of every node and used input, by name. */
  fingerprints: Record<string, Fingerprint>;
  /** Each node's outcome, by name. */
  records: Record<string, NodeRunRecord>;
  stats: CacheStats;
  /** The run's snapshots in the history while it goes (long runs only). */
  progress?: RunProgress;
  /** The batcher's round-trip count when the run started. */
  roundTripsAtStart: number;
}

interface NodeFacts {
  contextKey: string;
  deps: readonly string[];
  codeVersion: string;
  codeParts?: Readonly<Record<string, string>>;
  inputFingerprints: Record<string, Fingerprint>;
}

function newStats(): CacheStats {
  return { repositoryRoundTrips: 0, repositoryWrites: 0, resultReads: 0, resultWrites: 0 };
}

/** True for a CorruptResultError, also one from another copy of @ham/core (matched by name). */
function isCorruptResult(error: unknown): boolean {
  return error instanceof CorruptResultError || (error instanceof Error && error.name === "CorruptResultError");
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}



/** A computed node's duration: its function's own time (NodeExecuteContext.ownTimeMs), else wall time since `started`. */
function ownTime(ctx: NodeExecuteContext, started: number): number {
  return ctx.ownTimeMs?.() ?? performance.now() - started;
}
