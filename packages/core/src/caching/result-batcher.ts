// Coalesces result reads asked for in the same tick into one ResultStore.getMany (one get per key without it).
import type { Fingerprint, ResultStore } from "../contracts.js";
import { pending } from "../execution/pending.js";
import { forEachLimit } from "../lifecycle/concurrency.js";

/** Single reads in flight at once, for a store without getMany or a batch read again key by key. */
export const SINGLE_READS_IN_FLIGHT = 16;

interface Waiter {
  resolve(bytes: Uint8Array | undefined): void;
  reject(error: unknown): void;
}

/**
 * Loads of cached results that start together (a run's outputs, a node's inputs) become one
 * `getMany`: one round trip instead of one per result. A batch that fails as a whole (one damaged
 * entry, a store error) is read again key by key, so each read gets its own outcome: one corrupt
 * entry makes only its node recompute, as with `get`. Key-by-key reads (also for stores without
 * getMany) keep at most SINGLE_READS_IN_FLIGHT `get`s in flight.
 */
export class ResultBatcher {
  /** Keys waiting for the next flush, each with the reads that asked for it (duplicates share one read). */
  #pending = new Map<Fingerprint, Waiter[]>();
  #scheduled = false;
  /** Read round trips made to the result store (one per getMany, one per get). */
  roundTrips = 0;

  constructor(private readonly store: ResultStore) {}

  /** The bytes stored under `key`, read together with the other keys asked for in this tick. */
  get(key: Fingerprint): Promise<Uint8Array | undefined> {
    const read = pending<Uint8Array | undefined>();
    const waiters = this.#pending.get(key);
    if (waiters) waiters.push(read);
    else this.#pending.set(key, [read]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // After the current microtasks: every load started at the same time has queued its key.
      process.nextTick(this.#flushSoon);
    }
    return read.promise;
  }

  /** One closure for the batcher's life, not one per batch (see execution/pending.ts). */
  readonly #flushSoon = (): void => void this.#flush();

  async #flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    this.#scheduled = false;
    const keys = [...batch.keys()];
    if (this.store.getMany && keys.length > 1) {
      this.roundTrips++;
      let found: (Uint8Array | undefined)[] | undefined;
      try {
        found = await this.store.getMany(keys);
        // A store that answers the wrong number of entries cannot be trusted for any of them.
        if (!Array.isArray(found) || found.length !== keys.length) found = undefined;
      } catch {
        // One bad entry (or a failing store) rejects the batch: read key by key below instead.
      }
      if (found !== undefined) {
        const answers = found;
        for (let i = 0; i < keys.length; i++) settle(batch.get(keys[i] as Fingerprint), { value: answers[i] });
        return;
      }
    }
    await forEachLimit(keys, SINGLE_READS_IN_FLIGHT, (key) => this.#getOne(key, batch.get(key)));
  }

  async #getOne(key: Fingerprint, waiters: Waiter[] | undefined): Promise<void> {
    this.roundTrips++;
    try {
      settle(waiters, { value: await this.store.get(key) });
    } catch (error) {
      settle(waiters, { error });
    }
  }
}

function settle(waiters: Waiter[] | undefined, outcome: { value: Uint8Array | undefined } | { error: unknown }): void {
  for (const waiter of waiters ?? []) {
    if ("error" in outcome) waiter.reject(outcome.error);
    else waiter.resolve(outcome.value);
  }
}
