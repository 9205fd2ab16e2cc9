// Speculative lookups: predicts a run's context keys from the keys earlier runs recorded and asks the
// repository for all of them in one batch, so a warm run costs a constant number of round trips.
//
// The prediction never decides anything: each node still computes its real context key from this
// run's fingerprints and asks for it. A key that was predicted is answered from the batch; any other
// key (below a node whose inputs changed) is looked up level by level, as without prediction. So the
// outcome is what the level-by-level path gives, only with fewer round trips. Likewise the results of
// the requested outputs are read while the batch is out; a read is used only by a hit on that very
// fingerprint, and is bytes the result store held under it, checked and decoded as any read.
import type { Fingerprint, FingerprintRepository, NodeInfo, NodeRunRecord } from "../contracts.js";
import { readRuns } from "../stores/run-history.js";
import type { LookupBatcher } from "./lookup-batcher.js";
import type { Known, PredictionMemo } from "./prediction-memo.js";

/** How many of the newest runs in the repository's history a fresh process predicts from. */
const HISTORY_RUNS = 3;

/** Outcomes after which a node's result is in the result store under its record's fingerprint. */
const STORED = new Set(["hit", "computed", "recomputed"]);
/** Outcomes of a value given to the run (its record's fingerprint is the value's). */
const VALUES = new Set(["input", "override"]);

/** What a run is predicted from: the nodes whose key the cache looks up, their code, the outputs wanted. */
export interface RunShape {
  /** Every node of the run. */
  readonly nodes: readonly NodeInfo[];
  /** Whether the cache looks up `node`'s key (its default behaviour): only those are predicted. */
  looksUp(node: NodeInfo): boolean;
  /** A node's current code version: a record made with other code cannot be this run's key. */
  codeVersion(node: string): string | undefined;
  /** The requested outputs: their predicted results are read early. */
  readonly outputs: readonly string[];
  /** Whether `name` is given as an input or override (a value, not a node that runs). */
  isValue(name: string): boolean;
  /** The fingerprint of the input or override `name` in this run. */
  valueFingerprint(name: string): Fingerprint;
  /** Reads a stored result (batched with the other reads of the same tick). */
  readResult(fingerprint: Fingerprint): Promise<Uint8Array | undefined>;
}

/** Predicts context keys across runs of one cache; `start` gives each run its batch of answers. */
export class LookupPrefetcher {
  /** Each node's context key in the latest run seen (this process's runs, else the local memo, else the repository's history). */
  readonly #known = new Map<string, Known>();
  /** Each input's and override's fingerprint in the latest run seen, from the same sources. */
  readonly #values = new Map<string, Fingerprint>();
  /** Set once the local memo and the repository's history have been read (a fresh process reads them once). */
  #historyRead = false;
  /** Runs in progress: a write this process makes voids their answer for that key. */
  readonly #live = new Set<RunPrefetch>();

  constructor(
    private readonly repository: FingerprintRepository,
    private readonly batcher: LookupBatcher,
    /** The local memo (in the cache folder); undefined keeps predictions in memory only. */
    private readonly memo?: PredictionMemo,
  ) {}

  /** Starts the batch for a run of `shape.nodes` (those whose key the cache looks up), and the early output reads. */
  start(shape: RunShape): RunPrefetch {
    const run = new RunPrefetch(this.batcher, () => this.#live.delete(run));
    this.#live.add(run);
    run.begin(this.#predict(shape), shape);
    return run;
  }

  /** Remembers the keys a finished run used, for the next run's prediction (and in the local memo when they changed). */
  remember(records: Iterable<NodeRunRecord>, save: boolean): void {
    let changed = false;
    for (const record of records) {
      const value = givenValueOf(record);
      if (value !== undefined && this.#values.get(record.node) !== value) {
        changed = true;
        this.#values.set(record.node, value);
      }
      if (record.contextKey === undefined) continue;
      const before = this.#known.get(record.node);
      if (
        before?.contextKey === record.contextKey &&
        before.codeVersion === record.codeVersion &&
        before.fingerprint === storedFingerprint(record)
      )
        continue; // as last time (a warm run): nothing to allocate
      changed = true;
      this.#known.delete(record.node); // re-inserted last: the memo keeps the newest when it is full
      this.#known.set(record.node, knownOf(record) as Known);
    }
    if (changed && save) this.memo?.save(this.#known, this.#values);
  }

  /** Resolves once the local memo's writes are done (closing the cache waits for them). */
  flush(): Promise<void> {
    return this.memo?.flush() ?? Promise.resolve();
  }

  /** This process wrote `contextKey`: answers fetched before the write no longer say what a lookup would. */
  wrote(contextKey: string): void {
    for (const run of this.#live) run.forget(contextKey);
  }

  async #predict(shape: RunShape): Promise<Prediction> {
    // hotpath (loops, not callbacks: see CacheRunShape)
    const nodes: NodeInfo[] = [];
    for (const node of shape.nodes) if (shape.looksUp(node)) nodes.push(node);
    if (!this.#historyRead && !this.#knowsAll(nodes)) {
      this.#historyRead = true;
      // This machine's last runs first: no round trip at all when they cover the graph.
      const memo = this.memo?.load();
      for (const [node, known] of memo?.nodes ?? []) if (!this.#known.has(node)) this.#known.set(node, known);
      for (const [name, value] of memo?.values ?? []) if (!this.#values.has(name)) this.#values.set(name, value);
      // Else one round trip (two when the newest run lacks some nodes): the newest runs of the shared history (what another machine ran counts too).
      // The newest run first (one run of a big graph is most of the parsing); older ones only for nodes it lacks.
      for (const limit of [1, HISTORY_RUNS]) {
        if (this.#knowsAll(nodes)) break;
        if (this.repository.listRuns) this.batcher.roundTrips++;
        const runs = await readRuns(this.repository, { limit }).catch(() => []);
        // Newest first: the newest run's key for a node wins (this process's own runs win over all).
        for (const run of runs) {
          for (const record of run.nodes) {
            const value = givenValueOf(record);
            if (value !== undefined && !this.#values.has(record.node)) this.#values.set(record.node, value);
            const known = knownOf(record);
            if (known !== undefined && !this.#known.has(record.node)) this.#known.set(record.node, known);
          }
        }
        if (runs.length < limit) break;
      }
    }
    const keys = new Set<string>();
    const predicted = new Map<string, Known>();
    for (const node of nodes) {
      const known = this.#known.get(node.name);
      if (!known || (known.codeVersion !== undefined && known.codeVersion !== shape.codeVersion(node.name))) continue;
      keys.add(known.contextKey);
      predicted.set(node.name, known);
    }
    let results: Fingerprint[] = [];
    try {
      results = this.#earlyReads(shape, predicted);
    } catch {
      // An input that cannot be fingerprinted, say: its node reports that itself; the keys still go out.
    }
    return { keys: [...keys], results };
  }

  /** Whether a key is known for every one of `nodes`. */
  #knowsAll(nodes: readonly NodeInfo[]): boolean {
    for (const node of nodes) if (!this.#known.has(node.name)) return false;
    return true;
  }

  /**
   * The results worth reading before the lookups answer: those of the outputs whose every upstream
   * node is predicted with its current code and every input and override upstream has the value it
   * had (so likely a hit). Any change upstream (code, a value, a file a node names, a node that always
   * runs) makes the output recompute, and its old result is not read: a read counts as a use of the
   * result (a store's LRU), and would be wasted.
   */
  #earlyReads(shape: RunShape, predicted: ReadonlyMap<string, Known>): Fingerprint[] {
    const byName = new Map<string, NodeInfo>();
    for (const node of shape.nodes) byName.set(node.name, node);
    const settled = new Map<string, boolean>();
    const results = new Set<Fingerprint>();
    for (const output of shape.outputs) {
      const fingerprint = predicted.get(output)?.fingerprint;
      if (
        fingerprint !== undefined &&
        byName.get(output)?.cachedThrough === undefined &&
        this.#unchanged(output, shape, predicted, byName, settled)
      )
        results.add(fingerprint);
    }
    return [...results];
  }

  /** Whether `root` and all it depends on are as last time; depth-first with a stack (chains run deep). */
  #unchanged(
    root: string,
    shape: RunShape,
    predicted: ReadonlyMap<string, Known>,
    byName: ReadonlyMap<string, NodeInfo>,
    settled: Map<string, boolean>,
  ): boolean {
    const stack = [root];
    const entered = new Set<string>();
    while (stack.length > 0) {
      const name = stack[stack.length - 1] as string;
      if (settled.has(name)) {
        stack.pop();
        continue;
      }
      const node = byName.get(name);
      if (shape.isValue(name)) {
        settled.set(name, this.#values.get(name) === shape.valueFingerprint(name)); // the same value
        stack.pop();
        continue;
      }
      if (node === undefined) {
        settled.set(name, !this.#values.has(name)); // absent now (its default applies): absent before too
        stack.pop();
        continue;
      }
      if (!predicted.has(name) || (node.cache?.files?.length ?? 0) > 0) {
        settled.set(name, false);
        stack.pop();
        continue;
      }
      // hotpath (every run): count the deps not settled yet, without an array per node.
      let pending = 0;
      let allUnchanged = true;
      for (const dep of node.deps) {
        const known = settled.get(dep);
        if (known === undefined) pending++;
        else if (!known) allUnchanged = false;
      }
      if (pending === 0) {
        settled.set(name, allUnchanged);
        stack.pop();
      } else if (entered.has(name)) {
        settled.set(name, false); // back at a node whose deps lead to it again: a cycle is never unchanged
        stack.pop();
      } else {
        entered.add(name);
        for (const dep of node.deps) if (!settled.has(dep)) stack.push(dep);
      }
    }
    return settled.get(root) === true;
  }
}

/** What a run record says a node's key was, with its result's fingerprint when the result is stored under it. */
function knownOf(record: NodeRunRecord): Known | undefined {
  if (record.contextKey === undefined) return undefined;
  return { contextKey: record.contextKey, codeVersion: record.codeVersion, fingerprint: storedFingerprint(record) };
}

/** The record's fingerprint when its result lives in the result store under it. */
function storedFingerprint(record: NodeRunRecord): Fingerprint | undefined {
  return STORED.has(record.outcome) && record.pickedFrom === undefined ? record.fingerprint : undefined;
}

/** The fingerprint of an input's or override's value, from its record (undefined for a node). */
function givenValueOf(record: NodeRunRecord): Fingerprint | undefined {
  return VALUES.has(record.outcome) ? record.fingerprint : undefined;
}

/** A run's predicted keys, and the results of its outputs if those keys hold. */
interface Prediction {
  keys: string[];
  results: Fingerprint[];
}

/** One run's predicted keys and the repository's answers for them. */
export class RunPrefetch {
  /** Each predicted key's place in the batch; set once the prediction is made. A key this process wrote since is removed. */
  #places = new Map<string, number>();
  /** The repository's answers to the batch, in the order of its keys. */
  #batch: Promise<(Fingerprint | undefined)[]> | undefined;
  /** The same answers once they came (a failed batch leaves it undefined). */
  #answered: readonly (Fingerprint | undefined)[] | undefined;
  /** Early reads of the outputs' predicted results, by fingerprint (kept until the run ends). */
  #results = new Map<Fingerprint, Promise<Uint8Array | undefined>>();
  /** The same reads' bytes once they came. */
  #bytes = new Map<Fingerprint, Uint8Array>();
  #ready: Promise<void> = Promise.resolve();
  /** Keys written by this process since the batch was sent: looked up again, never answered from it. */
  readonly #stale = new Set<string>();

  constructor(
    private readonly batcher: LookupBatcher,
    private readonly onEnd: () => void,
  ) {}

  /** Sends every predicted key to the repository at once (the batcher makes it one getMany), and reads the outputs' results meanwhile. */
  begin(predicted: Promise<Prediction>, shape: Pick<RunShape, "readResult">): void {
    this.#ready = this.#begin(predicted, shape);
  }

  // Async methods rather than promise callbacks: nothing here is a closure made per run (see CacheRunShape).
  async #begin(predicted: Promise<Prediction>, shape: Pick<RunShape, "readResult">): Promise<void> {
    let prediction: Prediction;
    try {
      prediction = await predicted;
    } catch {
      return;
    }
    const { keys, results } = prediction;
    // One promise for the whole batch, not one per key: a warm run of a big graph asks for thousands.
    const batch = this.batcher.getAll(keys);
    void this.#answer(batch);
    this.#batch = batch;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (!this.#stale.has(key)) this.#places.set(key, i);
    }
    for (const fingerprint of results) {
      const read = shape.readResult(fingerprint);
      void this.#keepBytes(fingerprint, read);
      this.#results.set(fingerprint, read);
    }
  }

  async #answer(batch: Promise<(Fingerprint | undefined)[]>): Promise<void> {
    try {
      this.#answered = await batch;
    } catch {
      // a failed batch is retried per key by lookup()
    }
  }

  async #keepBytes(fingerprint: Fingerprint, read: Promise<Uint8Array | undefined>): Promise<void> {
    try {
      const bytes = await read;
      if (bytes !== undefined && this.#results.has(fingerprint)) this.#bytes.set(fingerprint, bytes);
    } catch {
      // a failed early read is read again by result()'s caller
    }
  }

  /** The fingerprint recorded for `contextKey`: from the batch when it was predicted, else looked up now. */
  async lookup(contextKey: string): Promise<Fingerprint | undefined> {
    await this.#ready;
    const place = this.#places.get(contextKey);
    if (place === undefined || this.#batch === undefined) return this.batcher.get(contextKey);
    try {
      return (await this.#batch)[place];
    } catch {
      // A batch that failed (a store hiccup) is not an answer: ask again, as the level-by-level path would.
      return this.batcher.get(contextKey);
    }
  }

  /**
   * The fingerprint the batch answered for `contextKey`, when the answer is already here and is a
   * fingerprint: what `lookup` would resolve with, without waiting (a hit costs no promise). Else
   * undefined, and the caller looks up as usual.
   */
  answered(contextKey: string): Fingerprint | undefined {
    const answered = this.#answered;
    if (answered === undefined) return undefined;
    const place = this.#places.get(contextKey);
    return place === undefined ? undefined : answered[place];
  }

  /**
   * The early read of `fingerprint` (a hit's, so after this run's lookups), or undefined when there
   * was none: the caller then reads as usual. It settles as the store answered, damage included.
   */
  result(fingerprint: Fingerprint): Promise<Uint8Array | undefined> | undefined {
    return this.#results.get(fingerprint);
  }

  /** The bytes of the early read of `fingerprint` when they have already come: what `result` resolves with, without waiting. */
  bytesNow(fingerprint: Fingerprint): Uint8Array | undefined {
    return this.#bytes.get(fingerprint);
  }

  /** The early read of `fingerprint` could not be decoded: later reads go to the store. */
  drop(fingerprint: Fingerprint): void {
    this.#results.delete(fingerprint);
    this.#bytes.delete(fingerprint);
  }

  forget(contextKey: string): void {
    this.#stale.add(contextKey);
    this.#places.delete(contextKey);
  }

  /** The run ended: later writes need not reach it, and unused early reads are dropped. */
  end(): void {
    this.#results.clear();
    this.#bytes.clear();
    this.onEnd();
  }
}
