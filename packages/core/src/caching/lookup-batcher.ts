// Coalesces repository lookups made in the same tick into one getMany: one round trip per DAG level.
import type { Fingerprint, FingerprintRepository } from "../contracts.js";
import { pending } from "../execution/pending.js";

/** One `get` (one key, its fingerprint) or one `getAll` (`count` keys, their fingerprints in order). */
interface Waiter {
  readonly count: number;
  readonly all: boolean;
  resolve(value: Fingerprint | undefined | (Fingerprint | undefined)[]): void;
  reject(error: unknown): void;
}

export class LookupBatcher {
  #keys: string[] = [];
  #waiters: Waiter[] = [];
  #scheduled = false;
  /** Round trips made to the repository (one per getMany, one per get without it). */
  roundTrips = 0;

  constructor(private readonly repository: FingerprintRepository) {}

  /** The fingerprint recorded for `contextKey`, looked up together with others asked for in this tick. */
  get(contextKey: string): Promise<Fingerprint | undefined> {
    const found = pending<Fingerprint | undefined>();
    this.#keys.push(contextKey);
    this.#waiter({ count: 1, all: false, resolve: found.resolve as Waiter["resolve"], reject: found.reject });
    return found.promise;
  }

  /** The fingerprints recorded for `contextKeys`, in order: one promise for all of them, in the same batch as `get`s of this tick. */
  getAll(contextKeys: readonly string[]): Promise<(Fingerprint | undefined)[]> {
    if (contextKeys.length === 0) return Promise.resolve([]);
    const found = pending<(Fingerprint | undefined)[]>();
    for (const key of contextKeys) this.#keys.push(key);
    this.#waiter({
      count: contextKeys.length,
      all: true,
      resolve: found.resolve as Waiter["resolve"],
      reject: found.reject,
    });
    return found.promise;
  }

  #waiter(waiter: Waiter): void {
    this.#waiters.push(waiter);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // process.nextTick runs after the current microtask queue drains, so every node that became
      // ready at the same time has queued its key by then.
      process.nextTick(this.#flushSoon);
    }
  }

  /** One closure for the batcher's life, not one per batch (see execution/pending.ts). */
  readonly #flushSoon = (): void => void this.#flush();

  async #flush(): Promise<void> {
    const keys = this.#keys;
    const waiters = this.#waiters;
    this.#keys = [];
    this.#waiters = [];
    this.#scheduled = false;
    try {
      let found: (Fingerprint | undefined)[];
      if (this.repository.getMany && keys.length > 1) {
        this.roundTrips++;
        found = await this.repository.getMany(keys);
      } else {
        this.roundTrips += keys.length;
        found = await Promise.all(keys.map((key) => this.repository.get(key)));
      }
      let at = 0;
      for (const waiter of waiters) {
        waiter.resolve(waiter.all ? found.slice(at, at + waiter.count) : found[at]);
        at += waiter.count;
      }
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
    }
  }
}
