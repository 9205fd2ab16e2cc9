// Speculative lookups: predicts a run's context keys from the keys earlier runs recorded and asks the
// repository for all of them in one batch, so a warm run costs a constant number of round trips.
//
// The prediction never decides anything: each node still computes its real context key from this
// run's fingerprints and asks for it. A key that was predicted is answered from the batch; any other
// key (below a node whose inputs changed) is looked up level by level, as without prediction. So the
// outcome is what the level-by-level path gives, only with fewer round trips.
import type { Fingerprint, FingerprintRepository, NodeInfo, NodeRunRecord } from "../contracts.js";
import { readRuns } from "../stores/run-history.js";
import type { LookupBatcher } from "./lookup-batcher.js";

/** How many of the newest runs in the repository's history a fresh process predicts from. */
const HISTORY_RUNS = 3;

/** What one node's last run recorded: enough to predict its key in the next. */
interface Known {
  readonly contextKey: string;
  readonly codeVersion: string | undefined;
}

/** Predicts context keys across runs of one cache; `start` gives each run its batch of answers. */
export class LookupPrefetcher {
  /** Each node's context key in the latest run seen (this process's runs, else the repository's history). */
  readonly #known = new Map<string, Known>();
  /** Set once the repository's history has been read (a fresh process reads it once). */
  #historyRead = false;
  /** Runs in progress: a write this process makes voids their answer for that key. */
  readonly #live = new Set<RunPrefetch>();

  constructor(
    private readonly repository: FingerprintRepository,
    private readonly batcher: LookupBatcher,
  ) {}

  /**
   * Starts the batch for a run of `nodes` (those whose key the cache looks up). `codeVersion` gives a
   * node's current code version: a record made with other code cannot be this run's key.
   */
  start(nodes: readonly NodeInfo[], codeVersion: (node: string) => string | undefined): RunPrefetch {
    const run = new RunPrefetch(this.batcher, () => this.#live.delete(run));
    this.#live.add(run);
    run.begin(this.#predict(nodes, codeVersion));
    return run;
  }

  /** Remembers the keys a finished run used, for the next run's prediction. */
  remember(records: Iterable<NodeRunRecord>): void {
    for (const record of records) {
      if (record.contextKey !== undefined)
        this.#known.set(record.node, { contextKey: record.contextKey, codeVersion: record.codeVersion });
    }
  }

  /** This process wrote `contextKey`: answers fetched before the write no longer say what a lookup would. */
  wrote(contextKey: string): void {
    for (const run of this.#live) run.forget(contextKey);
  }

  async #predict(nodes: readonly NodeInfo[], codeVersion: (node: string) => string | undefined): Promise<string[]> {
    if (!this.#historyRead && nodes.some((node) => !this.#known.has(node.name))) {
      this.#historyRead = true;
      // One round trip (two when the newest run lacks some nodes): the newest runs of the shared history (what another machine ran counts too).
      // The newest run first (one run of a big graph is most of the parsing); older ones only for nodes it lacks.
      for (const limit of [1, HISTORY_RUNS]) {
        if (this.repository.listRuns) this.batcher.roundTrips++;
        const runs = await readRuns(this.repository, { limit }).catch(() => []);
        // Newest first: the newest run's key for a node wins (this process's own runs win over all).
        for (const run of runs) {
          for (const record of run.nodes) {
            if (record.contextKey !== undefined && !this.#known.has(record.node))
              this.#known.set(record.node, { contextKey: record.contextKey, codeVersion: record.codeVersion });
          }
        }
        if (runs.length < limit || nodes.every((node) => this.#known.has(node.name))) break;
      }
    }
    const keys = new Set<string>();
    for (const node of nodes) {
      const known = this.#known.get(node.name);
      if (known && (known.codeVersion === undefined || known.codeVersion === codeVersion(node.name)))
        keys.add(known.contextKey);
    }
    return [...keys];
  }
}

/** One run's predicted keys and the repository's answers for them. */
export class RunPrefetch {
  /** Answers by predicted key; set once the prediction is made. */
  #answers = new Map<string, Promise<Fingerprint | undefined>>();
  #ready: Promise<void> = Promise.resolve();
  /** Keys written by this process since the batch was sent: looked up again, never answered from it. */
  readonly #stale = new Set<string>();

  constructor(
    private readonly batcher: LookupBatcher,
    private readonly onEnd: () => void,
  ) {}

  /** Sends every predicted key to the repository at once (the batcher makes it one getMany). */
  begin(predicted: Promise<string[]>): void {
    this.#ready = predicted.then(
      (keys) => {
        for (const key of keys) {
          const answer = this.batcher.get(key);
          answer.catch(() => undefined); // a failed batch is retried per key by lookup()
          if (!this.#stale.has(key)) this.#answers.set(key, answer);
        }
      },
      () => undefined,
    );
  }

  /** The fingerprint recorded for `contextKey`: from the batch when it was predicted, else looked up now. */
  async lookup(contextKey: string): Promise<Fingerprint | undefined> {
    await this.#ready;
    const answer = this.#answers.get(contextKey);
    if (answer === undefined) return this.batcher.get(contextKey);
    // A batch that failed (a store hiccup) is not an answer: ask again, as the level-by-level path would.
    return answer.catch(() => this.batcher.get(contextKey));
  }

  forget(contextKey: string): void {
    this.#stale.add(contextKey);
    this.#answers.delete(contextKey);
  }

  /** The run ended: later writes need not reach it. */
  end(): void {
    this.onEnd();
  }
}
