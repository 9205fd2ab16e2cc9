// CacheRun: one run of a cache. Holds the run's state (records, fingerprints, store traffic, keys in
// flight) and takes each node through lookup → hit (loaded when needed) or compute → store → record.
import { performance } from "node:perf_hooks";
import type {
  CacheBehavior,
  CacheRunView,
  Fingerprint,
  GraphExecuteContext,
  NodeExecuteContext,
  NodeInfo,
  NodeOutcome,
  NodeRunRecord,
} from "../contracts.js";
import { CorruptResultError } from "../codec/index.js";
import { deferredResult, materialize } from "../execution/deferred.js";
import { NodeExecutionError, isHamError, errorMessage } from "../errors.js";
import { uniqueFingerprint } from "../fingerprint/index.js";
import { hasName, named, setNamed } from "../graph/names.js";
import { decisionLine } from "../logging/decisions.js";
import { type CacheParts, type CacheStats, newStats } from "./cache-parts.js";
import { changedInput, changedInputReason } from "./changed-inputs.js";
import type { GraphBinding } from "./graph-binding.js";
import type { ResultWriter, WriteTarget } from "./result-writer.js";
import { inputFingerprintsOf, valueFingerprint } from "./run-inputs.js";
import type { RunPrefetch, RunShape } from "./prefetch.js";
import { isReportedResult } from "./reported-result.js";
import { RunProgress } from "./run-progress.js";
import { isUniqueFingerprint } from "./unique.js";

/** One node's call in this run, as the cache handles it. */
interface NodeStep {
  readonly ctx: NodeExecuteContext;
  readonly node: NodeInfo;
  readonly started: number;
  readonly behavior: CacheBehavior;
  /** Why a default-behaviour node must recompute anyway (see GraphBinding.volatileReason). */
  readonly volatile: string | undefined;
  /** The "expired: …" reason when a stored entry was found too old. */
  expired?: string | undefined;
}

/** What the execution context key and the record of a cached node are made of. */
interface NodeFacts {
  readonly contextKey: string;
  readonly deps: readonly string[];
  readonly codeVersion: string;
  readonly codeParts?: Readonly<Record<string, string>>;
  readonly inputFingerprints: Record<string, Fingerprint>;
}

/** A usable stored result, and why it is one when not found the plain way. */
interface Found {
  readonly fingerprint: Fingerprint;
  readonly reason?: string;
}

type Shared = { node: string; fingerprint: Fingerprint };

/** Why a node with a maxAge is computed when its entry's age could not be read (store error, onStoreError: "warn"). */
const AGE_UNKNOWN = "computed: the stored entry's age could not be read (store error)";

export class CacheRun implements CacheRunView {
  readonly runId: string;
  readonly started = Date.now();
  /** performance.now() at the start: the run's wall time in fractions of a ms (Date.now() differences can overstate it by 1 ms). */
  readonly startedMono = performance.now();
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly overrides: Readonly<Record<string, unknown>>;
  /** Data fingerprint of every node and used input, by name. */
  readonly fingerprints: Record<string, Fingerprint> = {};
  /** Each node's outcome, by name. */
  readonly records: Record<string, NodeRunRecord> = {};
  /** Fingerprints of input and override values (run-inputs.ts). */
  readonly valueFingerprints = new Map<string, Fingerprint>();
  readonly stats: CacheStats = newStats();
  /** True when the stores could not be opened (onStoreError: "warn"): nodes then run uncached. */
  uncached = false;
  finished = false;
  /** The run's snapshots in the history while it goes (long runs only). */
  progress: RunProgress | undefined;
  readonly #parts: CacheParts;
  readonly #binding: GraphBinding;
  readonly #writer: ResultWriter;
  /** Context keys being computed in this run, so a second node with the same key waits and shares. */
  readonly #computing = new Map<string, Promise<Shared | undefined>>();
  /** How to settle each claim in #computing, until the claiming node's #compute takes it. */
  readonly #claims = new Map<string, (value: Shared | undefined) => void>();
  /** Fingerprints whose result is known to be in the result store. */
  readonly #stored = new Set<Fingerprint>();
  /** Result writes still going on behind the run (#behind), and those that failed. */
  readonly #writesBehind = new Set<Promise<void>>();
  readonly #writeFailures: unknown[] = [];
  /** The batcher's round-trip count when the run started. */
  readonly #roundTripsAtStart: number;
  /** This run's speculative lookups (prefetch.ts). */
  #prefetch: RunPrefetch | undefined;

  constructor(ctx: GraphExecuteContext, parts: CacheParts, binding: GraphBinding, writer: ResultWriter) {
    this.runId = ctx.runId;
    this.inputs = ctx.inputs;
    this.overrides = ctx.overrides;
    this.#parts = parts;
    this.#binding = binding;
    this.#writer = writer;
    this.#roundTripsAtStart = parts.batcher.roundTrips;
  }

  /** Milliseconds since the run started (monotonic). */
  wallMs(): number {
    return performance.now() - this.startedMono;
  }

  /** Starts the history snapshots of a long run (when the repository keeps a history). */
  trackProgress(outputs: readonly string[]): void {
    const store = this.#parts.fingerprintStore;
    if (!store.saveRun || this.uncached) return;
    const save = store.saveRun.bind(store);
    this.progress = new RunProgress(save, () => ({ ...this.#runRecord(outputs), running: true }));
  }

  /** Speculative lookups (prefetch.ts): one batch for every key this run is predicted to ask for. */
  predict(nodes: readonly NodeInfo[], outputs: readonly string[]): void {
    if (this.uncached) return;
    this.#prefetch = this.#parts.prefetcher?.start(new CacheRunShape(this, this.#parts, this.#binding, nodes, outputs));
  }

  /**
   * Runs one node through the cache: a hit hands back its result unloaded, a miss computes and stores
   * it. A hit the run's batch already answered is handed back at once, anything else as a promise
   * (ExecutesNow); a synchronous throw is the node's failure.
   */
  execute(ctx: NodeExecuteContext, next: () => Promise<unknown>): unknown {
    const step = this.#step(ctx);
    if (step.behavior === "disable" || step.behavior === "ignore") return this.#uncachedCall(step, next);
    const parent = step.node.cachedThrough;
    if (parent !== undefined) return this.#passThrough(step, parent, next);
    const facts = this.#facts(step);
    if (step.behavior === "recompute") return this.#compute(step, facts, next);
    // hotpath: a hit the run's batch already answered is taken at once (no promises per node).
    const answered = this.#answeredHit(step, facts);
    if (answered) return this.#hit(step, facts, answered, next);
    return this.#findOrCompute(step, facts, next);
  }

  async #findOrCompute(step: NodeStep, facts: NodeFacts, next: () => Promise<unknown>): Promise<unknown> {
    const found = await this.#find(step, facts);
    return found ? this.#hit(step, facts, found, next) : this.#compute(step, facts, next);
  }

  /** What #find would find when the prefetched batch has already answered the key with a fingerprint (and no age needs reading). */
  #answeredHit(step: NodeStep, facts: NodeFacts): Found | undefined {
    const prefetch = this.#prefetch;
    if (prefetch === undefined || this.#parts.lifecycle.hasMaxAge(step.node.name)) return undefined;
    const fingerprint = prefetch.answered(facts.contextKey);
    return fingerprint === undefined ? undefined : { fingerprint };
  }

  /** Records a node that failed (its error, as the run reports it). */
  failed(ctx: NodeExecuteContext, error: unknown): void {
    setNamed(this.records, ctx.node.name, {
      node: ctx.node.name,
      outcome: "failed",
      durationMs: 0,
      reason: `failed: ${errorMessage(error)}`,
      deps: ctx.dependencyNames,
    });
  }

  /** Ends the run: starts saving it in the history, applies maxBytes, remembers the file digests. */
  async finish(outputs: readonly string[]): Promise<void> {
    this.finished = true;
    const parts = this.#parts;
    const writeFailure = await this.#writesDone();
    // Speculative lookups: the run's batch is done; its keys predict the next run's (prefetch.ts).
    this.#prefetch?.end();
    parts.prefetcher?.remember(Object.values(this.records), parts.options.readOnly !== true);
    // Exact for one run at a time; runs that overlap share the batcher and count each other's lookups.
    this.stats.repositoryRoundTrips += parts.batcher.roundTrips - this.#roundTripsAtStart;
    await this.progress?.stop();
    const store = parts.fingerprintStore;
    if (!this.uncached && store.saveRun) {
      const save = store.saveRun.bind(store);
      const record = this.#runRecord(outputs);
      // Not waited for when it waits on the network (the outputs do not depend on it): the next run,
      // close() and every history read wait for it instead (run-record-writes.ts).
      await parts.runRecords.add(parts.guard(store, "saveRun", () => save(record), undefined));
    }
    if (!this.uncached) {
      await parts.guard(
        parts.resultStore,
        "maxBytes",
        () => parts.lifecycle.afterRun(Object.values(this.fingerprints)),
        undefined,
      );
    }
    if (parts.options.readOnly !== true) parts.files.save();
    if (writeFailure !== undefined) throw writeFailure;
  }

  #runRecord(outputs: readonly string[]) {
    return {
      runId: this.runId,
      startedAt: this.started,
      durationMs: Date.now() - this.started,
      outputs,
      nodes: Object.values(this.records),
    };
  }

  #step(ctx: NodeExecuteContext): NodeStep {
    const node = ctx.node;
    const volatile = this.#binding.volatileReason(node, ctx.dependencyNames);
    return {
      ctx,
      node,
      started: performance.now(),
      volatile,
      behavior: volatile !== undefined ? "recompute" : this.#binding.behavior(node),
    };
  }

  #facts(step: NodeStep): NodeFacts {
    const { node, ctx } = step;
    const codeVersion = this.#binding.codeVersion(node);
    const inputFingerprints = inputFingerprintsOf(this.#parts, this.#binding, this, node, ctx.dependencyNames);
    const contextKey = this.#binding.contextKey(node, codeVersion, inputFingerprints);
    return {
      contextKey,
      codeVersion,
      inputFingerprints,
      deps: ctx.dependencyNames,
      ...this.#binding.codePartsOf(node),
    };
  }

  /** Behaviour disable or ignore: the node runs, nothing is read or stored, its fingerprint is unique. */
  async #uncachedCall(step: NodeStep, next: () => Promise<unknown>): Promise<unknown> {
    const result = await next();
    const disabled = step.behavior === "disable";
    const fingerprint = uniqueFingerprint();
    setNamed(this.fingerprints, step.node.name, fingerprint);
    this.#record(step, disabled ? "disabled" : "computed", {
      durationMs: ownTime(step),
      fingerprint,
      deps: step.ctx.dependencyNames,
      reason: disabled
        ? "behaviour disable: never read from or written to the cache"
        : "behaviour ignore: not cached, left out of dependents' keys",
    });
    return result;
  }

  /** A stored result for the key, unless expired; else one another node of this run is computing. */
  async #find(step: NodeStep, facts: NodeFacts): Promise<Found | undefined> {
    const fingerprint = await this.#lookup(facts.contextKey);
    if (fingerprint !== undefined) {
      // Only nodes with a maxAge read the entry's age, so the default warm path costs what it did.
      if (this.#parts.lifecycle.hasMaxAge(step.node.name))
        step.expired = await this.#expired(step.node.name, facts.contextKey);
      if (step.expired === undefined) return { fingerprint };
    }
    // Another node of this run with the same key (parameterize: same code, same inputs) is being
    // computed: wait for it and share its stored result instead of computing and storing again.
    const computing = this.#computing.get(facts.contextKey);
    if (computing === undefined) {
      // Claimed before this returns (no await in between), so a node with the same key starting now waits for this one.
      this.#claim(facts.contextKey);
      return undefined;
    }
    const shared = await computing;
    if (shared === undefined || !this.#stored.has(shared.fingerprint)) return undefined;
    return {
      fingerprint: shared.fingerprint,
      reason: `hit: node "${shared.node}" computed the same code with the same inputs earlier in this run`,
    };
  }

  #hit(step: NodeStep, facts: NodeFacts, found: Found, next: () => Promise<unknown>): unknown {
    setNamed(this.fingerprints, step.node.name, found.fingerprint);
    // hotpath: facts go into the record as they are (#record copies once), not through a merged copy first.
    this.#record(
      step,
      "hit",
      facts,
      found.reason !== undefined ? { fingerprint: found.fingerprint, reason: found.reason } : found,
    );
    return deferredResult(() => this.#loadNow(found.fingerprint) ?? this.#load(step, facts, found.fingerprint, next));
  }

  /**
   * hotpath: a hit whose bytes the run's early read already holds is decoded at once, without the
   * promise chain of #load (a warm run returning a thousand outputs made ten promises per output).
   * Undefined when the bytes are not here yet or do not decode: #load then reads and reports as usual.
   */
  #loadNow(fingerprint: Fingerprint): Promise<unknown> | undefined {
    const bytes = this.#prefetch?.bytesNow(fingerprint);
    if (bytes === undefined) return undefined;
    let value: unknown;
    try {
      value = this.#parts.codec.decode(bytes, fingerprint);
    } catch {
      return undefined;
    }
    this.stats.resultReads++;
    this.#writer.noteSize(fingerprint, bytes.byteLength);
    return Promise.resolve(value);
  }

  /**
   * A miss: computes the node under the key's lock (once per key in this run and across processes)
   * and stores it. A large result's value is handed on once its bytes are encoded; its write goes on
   * behind the run (#behind), holding the key's claim and lock until it is stored and recorded.
   */
  async #compute(step: NodeStep, facts: NodeFacts, next: () => Promise<unknown>): Promise<unknown> {
    const { contextKey } = facts;
    if (!this.#computing.has(contextKey)) this.#claim(contextKey);
    const settle = this.#claims.get(contextKey) ?? (() => undefined);
    this.#claims.delete(contextKey);
    let computed: Shared | undefined;
    let writing: Promise<Shared> | undefined;
    const release = await this.#lock(contextKey).catch((error: unknown) => {
      settle(undefined);
      throw error;
    });
    try {
      const other = release && step.behavior !== "recompute" ? await this.#foundMeanwhile(step, contextKey) : undefined;
      if (other) return this.#hit(step, facts, other, next);
      const result = await next();
      const pending = await this.#storeComputed(step, facts, result, this.#computedOutcome(step));
      const shared = { node: step.node.name, fingerprint: pending.fingerprint };
      if (pending.stored === undefined) computed = shared;
      else writing = pending.stored.then(() => shared);
      return result;
    } finally {
      if (writing === undefined) {
        settle(computed);
        if (release) await release();
      } else {
        this.#behind(
          writing.then(settle, (error: unknown) => {
            settle(undefined);
            throw error;
          }),
          release,
        );
      }
    }
  }

  /**
   * Tracks a write that goes on behind the run; `after` (the key's lock) is released once it is done.
   * finish() waits for every one, so `execute` still resolves with everything stored.
   */
  #behind(write: Promise<unknown>, after?: () => Promise<void>): void {
    const done = after ? write.finally(after) : write;
    const tracked = done.then(
      () => void this.#writesBehind.delete(tracked),
      (error: unknown) => {
        this.#writesBehind.delete(tracked);
        this.#writeFailures.push(error);
      },
    );
    this.#writesBehind.add(tracked);
  }

  /** Waits for the writes behind the run; resolves with the first failure (onStoreError "raise"), which fails the run. */
  async #writesDone(): Promise<unknown> {
    while (this.#writesBehind.size > 0) await Promise.all(this.#writesBehind);
    return this.#writeFailures[0];
  }

  /** Marks `contextKey` as being computed by this node; #compute settles it with the stored result. */
  #claim(contextKey: string): void {
    this.#computing.set(contextKey, new Promise((resolve) => this.#claims.set(contextKey, resolve)));
  }

  /** Another process may have computed it while this one waited for the lock. */
  async #foundMeanwhile(step: NodeStep, contextKey: string): Promise<Found | undefined> {
    const store = this.#parts.fingerprintStore;
    const fingerprint = await this.#parts.guard(store, "get", () => store.get(contextKey), undefined);
    if (fingerprint === undefined) return undefined;
    if (step.expired !== undefined && (await this.#expired(step.node.name, contextKey)) !== undefined) return undefined;
    return { fingerprint, reason: "hit: computed by another process while this one waited" };
  }

  /** What a computed node's record says: its outcome and why it ran. */
  #computedOutcome(step: NodeStep): Pick<NodeRunRecord, "outcome" | "reason" | "expired"> {
    if (step.behavior === "recompute")
      return { outcome: "recomputed", reason: step.volatile ?? "behaviour recompute: run and overwrite" };
    if (step.expired === undefined) return { outcome: "computed" };
    return {
      outcome: "computed",
      reason: step.expired,
      ...(step.expired !== AGE_UNKNOWN ? { expired: true as const } : {}),
    };
  }

  /**
   * Stores a computed result and records the node once; resolves with its fingerprint once the bytes
   * are encoded, and with the write when it goes on behind the run (a large result; see ResultWriter).
   */
  async #storeComputed(
    step: NodeStep,
    facts: NodeFacts,
    value: unknown,
    outcome: Pick<NodeRunRecord, "outcome" | "reason" | "expired">,
  ): Promise<{ fingerprint: Fingerprint; stored: Promise<void> | undefined }> {
    const changed = await this.#changedInput(step, facts, value);
    let fingerprint: Fingerprint;
    let stored: Promise<void> | undefined;
    let details = withoutOutcome(outcome);
    if (changed === undefined) {
      const pending = await this.#writer.store(this.#target(step, facts), value, this.stats);
      fingerprint = pending.fingerprint;
      if (typeof pending.stored === "boolean") {
        if (pending.stored) this.#stored.add(fingerprint);
      } else {
        stored = pending.stored.then((ok) => void (ok && this.#stored.add(pending.fingerprint)));
      }
    } else {
      // Not stored: a hit could not change the input as a fresh run of the node does (changed-inputs.ts).
      const reason = changedInputReason(step.node.name, changed);
      this.#parts.warn(reason);
      details = { reason };
      fingerprint = this.#parts.fingerprint(value, step.node.name, step.node.cache?.fingerprint);
    }
    setNamed(this.fingerprints, step.node.name, fingerprint);
    this.#record(step, outcome.outcome, Object.assign({}, facts, { durationMs: ownTime(step), fingerprint }, details)); // see #hit
    return { fingerprint, stored };
  }

  /** An input the node changed in place while it ran (changed-inputs.ts); not looked for when a worker ran it. */
  async #changedInput(step: NodeStep, facts: NodeFacts, value: unknown): Promise<string | undefined> {
    if (isReportedResult(value) || !this.#binding.mayChangeInputs(step.node)) return undefined;
    const values = await step.ctx.inputs(); // loaded for the call already
    return changedInput(this.#parts, this.#binding, step.node, facts.inputFingerprints, values, (name) =>
      hasName(this.overrides, name),
    );
  }

  /**
   * Loads a hit's result when something needs it. A missing or corrupt result is recomputed (with a
   * warning), never returned; the node's record then says what it became — recomputed, with the new
   * result's fingerprint and the recompute's time — replacing the hit's in one write.
   */
  async #load(
    step: NodeStep,
    facts: NodeFacts,
    fingerprint: Fingerprint,
    next: () => Promise<unknown>,
  ): Promise<unknown> {
    const read = await this.#read(fingerprint);
    if ("value" in read) return read.value;
    const name = step.node.name;
    this.#parts.warn(`node "${name}": cached result ${fingerprint} ${read.problem}; recomputing it`);
    const again: NodeStep = { ...step, started: performance.now() };
    let value: unknown;
    try {
      value = await next();
    } catch (error) {
      const cause = error instanceof Error && "node" in error ? error.cause : error;
      setNamed(this.records, name, {
        node: name,
        outcome: "failed",
        durationMs: 0,
        reason: `failed while recomputing a cached result that ${read.problem}: ${errorMessage(cause)}`,
      });
      throw error;
    }
    const pending = await this.#storeComputed(again, facts, value, {
      outcome: "recomputed",
      reason: `recomputed: cached result ${read.problem}`,
    });
    if (pending.stored) this.#behind(pending.stored);
    return materialize(value); // the value is needed now, also when a worker computed it
  }

  /**
   * The stored bytes: read early with the run's predicted lookups when it is a requested output
   * (prefetch.ts). An early read that found nothing, or failed other than by damage, is read again.
   */
  #readBytes(fingerprint: Fingerprint): Promise<Uint8Array | undefined> {
    const results = this.#parts.results;
    const early = this.#prefetch?.result(fingerprint);
    if (early === undefined) return results.get(fingerprint);
    return early.then(
      (bytes) => bytes ?? results.get(fingerprint),
      (error: unknown) => (isCorruptResult(error) ? Promise.reject(error) : results.get(fingerprint)),
    );
  }

  /** Reads and decodes a stored result; a corrupt one is deleted (unless read-only) so the recompute can take its place. */
  async #read(fingerprint: Fingerprint): Promise<{ value: unknown } | { problem: string }> {
    const parts = this.#parts;
    this.stats.resultReads++;
    let corrupt: unknown;
    // A store that checks its own checksum reports damage with CorruptResultError (see ResultStore.get).
    const bytes = await parts.guard(
      parts.resultStore,
      "get",
      () =>
        this.#readBytes(fingerprint).catch((error: unknown) => {
          if (!isCorruptResult(error)) throw error;
          corrupt = error;
          return undefined;
        }),
      undefined,
    );
    if (bytes !== undefined) {
      this.#writer.noteSize(fingerprint, bytes.byteLength);
      try {
        return { value: parts.codec.decode(bytes, fingerprint) };
      } catch (error) {
        corrupt = error;
      }
    }
    if (corrupt === undefined) return { problem: "is missing from the result store" };
    this.#prefetch?.drop(fingerprint);
    // Remove the damaged bytes so the recomputed result is written in their place: a
    // content-addressed set skips keys that already exist. A read-only cache leaves them.
    if (!parts.options.readOnly)
      await parts.guard(parts.resultStore, "delete", () => parts.resultStore.delete(fingerprint), undefined);
    return { problem: `could not be read back (${errorMessage(corrupt).replace(/^\[ham\] /, "")})` };
  }

  /**
   * A node whose value lives in its parent's stored result (extractFields). Only its fingerprint is
   * recorded (context key → fingerprint of the field's value), never a result: a hit hands back the
   * field picked from the parent's result when something reads it, so an unchanged parent means the
   * field node does not run, and a field whose value did not change keeps its dependents' keys.
   */
  async #passThrough(step: NodeStep, parent: string, next: () => Promise<unknown>): Promise<unknown> {
    const { node } = step;
    const facts = this.#facts(step);
    // A parent left out of the key (behaviour "ignore") cannot vouch for the value: never reuse it.
    const complete = node.params.every((p) => p.dep === undefined || hasName(facts.inputFingerprints, p.name));
    const found = complete && step.behavior !== "recompute" ? await this.#lookup(facts.contextKey) : undefined;
    if (found !== undefined) {
      setNamed(this.fingerprints, node.name, found);
      this.#record(step, "hit", {
        ...facts,
        fingerprint: found,
        pickedFrom: parent,
        reason: `hit: part of the cached result of "${parent}", read only when needed`,
      });
      return deferredResult(() => pickField(node.name, parent, next));
    }
    const result = await next();
    // A worker's result (reported-result.ts) comes with its fingerprint.
    const fingerprint = !complete
      ? uniqueFingerprint()
      : isReportedResult(result)
        ? result.fingerprint
        : this.#parts.fingerprint(result, node.name, node.cache?.fingerprint);
    if (complete && !isUniqueFingerprint(fingerprint))
      await this.#writer.record(this.#target(step, facts), fingerprint, this.stats);
    setNamed(this.fingerprints, node.name, fingerprint);
    this.#record(step, step.behavior === "recompute" ? "recomputed" : "computed", {
      ...facts,
      durationMs: ownTime(step),
      fingerprint,
      pickedFrom: parent,
      reason: `picked from "${parent}"; its value is stored as part of "${parent}"'s result`,
    });
    return result;
  }

  #target(step: NodeStep, facts: NodeFacts): WriteTarget {
    return {
      node: step.node.name,
      mode: step.node.cache?.fingerprint,
      contextKey: facts.contextKey,
      codeVersion: facts.codeVersion,
    };
  }

  #lookup(contextKey: string): Promise<Fingerprint | undefined> {
    // Answered from the run's prefetched batch when predicted (prefetch.ts), else batched per level.
    return this.#parts.guard(
      this.#parts.fingerprintStore,
      "getMany",
      () => this.#prefetch?.lookup(contextKey) ?? this.#parts.batcher.get(contextKey),
      undefined,
    );
  }

  #expired(node: string, contextKey: string): Promise<string | undefined> {
    // A store error (onStoreError: "warn") leaves the age unknown: never count that as fresh.
    const parts = this.#parts;
    return parts.guard(
      parts.fingerprintStore,
      "getEntry",
      () => parts.lifecycle.expired(node, contextKey),
      AGE_UNKNOWN,
    );
  }

  async #lock(contextKey: string): Promise<(() => Promise<void>) | undefined> {
    const store = this.#parts.fingerprintStore;
    const acquire = store.acquireLock?.bind(store);
    if (!acquire) return undefined;
    return this.#parts.guard(store, "acquireLock", () => acquire(contextKey), undefined);
  }

  #record(step: NodeStep, outcome: NodeOutcome, extra: Partial<NodeRunRecord>, more?: Partial<NodeRunRecord>): void {
    // Object.assign, not `{ ...extra }`: V8 (Node 20) gives every object built by spreading a hidden class of its own.
    const record: NodeRunRecord = Object.assign(
      { node: step.node.name, outcome, durationMs: performance.now() - step.started },
      extra,
      more,
    );
    setNamed(this.records, step.node.name, record);
    const logger = this.#parts.logger;
    if (logger.enabled("debug")) logger.debug(decisionLine(record));
  }
}

/** A field node's hit, read from its parent's result; a failure names both. */
async function pickField(node: string, parent: string, next: () => Promise<unknown>): Promise<unknown> {
  try {
    return await next();
  } catch (error) {
    if (isHamError(error)) throw error;
    const cause = error instanceof Error && "cause" in error ? error.cause : error;
    throw new NodeExecutionError(node, [], {
      cause,
      message: `node "${node}" failed when read from the cached result of "${parent}": ${errorMessage(cause)}`,
    });
  }
}

function withoutOutcome(outcome: Pick<NodeRunRecord, "outcome" | "reason" | "expired">): Partial<NodeRunRecord> {
  const { outcome: _, ...rest } = outcome;
  return rest;
}

/** True for a CorruptResultError, also one from another copy of @ham/core (matched by name). */
function isCorruptResult(error: unknown): boolean {
  return error instanceof CorruptResultError || (error instanceof Error && error.name === "CorruptResultError");
}

/** A computed node's duration: its function's own time (NodeExecuteContext.ownTimeMs), else wall time since it started. */
function ownTime(step: NodeStep): number {
  return step.ctx.ownTimeMs?.() ?? performance.now() - step.started;
}

/**
 * What the prefetcher asks of a run (prefetch.ts), as methods of a class rather than closures made
 * per run: a closure's optimised code lives only as long as the closure does, so closures made
 * anew each run are run unoptimised again after every full garbage collection.
 */
class CacheRunShape implements RunShape {
  readonly #run: CacheRun;
  readonly #parts: CacheParts;
  readonly #binding: GraphBinding;
  readonly nodes: readonly NodeInfo[];
  readonly outputs: readonly string[];

  constructor(
    run: CacheRun,
    parts: CacheParts,
    binding: GraphBinding,
    nodes: readonly NodeInfo[],
    outputs: readonly string[],
  ) {
    this.#run = run;
    this.#parts = parts;
    this.#binding = binding;
    this.nodes = nodes;
    this.outputs = outputs;
  }

  looksUp(node: NodeInfo): boolean {
    return this.#binding.behavior(node) === "default";
  }

  codeVersion(node: string): string | undefined {
    return named(this.#binding.codeVersions, node);
  }

  isValue(name: string): boolean {
    return hasName(this.#run.overrides, name) || hasName(this.#run.inputs, name);
  }

  valueFingerprint(name: string): Fingerprint {
    return valueFingerprint(this.#parts, this.#run, name);
  }

  readResult(fingerprint: Fingerprint): Promise<Uint8Array | undefined> {
    return this.#parts.results.get(fingerprint);
  }
}
