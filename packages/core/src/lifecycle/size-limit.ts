// withCache({ maxBytes }): after a run that wrote results, keeps the result store under a size
// limit by removing least-recently-used results (and the records pointing at them).
import type { Fingerprint } from "../contracts.js";
import { type CacheStores, type GcReport, collectGarbage } from "./gc.js";

/**
 * Cheap when nothing grows: the store is measured (one listing) on the first run that writes and
 * again only once this process's writes since then could have crossed the limit, so warm runs
 * cost nothing. Writes by other processes are noticed at their own next check (each process that
 * writes checks). Eviction protects the results of the run that just finished, the newest run in
 * the history and anything used within the grace period; older runs whose results are evicted
 * leave the history.
 */
export class SizeLimiter {
  readonly maxBytes: number;
  readonly #stores: CacheStores;
  readonly #graceMs: number;
  readonly #preserveNodes: () => Iterable<string>;
  #measured: number | undefined;
  #writtenSince = 0;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(maxBytes: number, stores: CacheStores, graceMs: number, preserveNodes: () => Iterable<string>) {
    this.maxBytes = maxBytes;
    this.#stores = stores;
    this.#graceMs = graceMs;
    this.#preserveNodes = preserveNodes;
  }

  /** Counts bytes this process added to the result store. */
  noteWrite(bytes: number): void {
    this.#writtenSince += bytes;
  }

  /** Enforces the limit if it may have been crossed; returns the gc report when it removed something. */
  afterRun(protect: Iterable<Fingerprint>): Promise<GcReport | undefined> {
    const protectList = [...protect];
    // One check at a time: overlapping runs of one driver would otherwise list the store twice.
    const next = this.#queue.then(() => this.#check(protectList));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #check(protect: readonly Fingerprint[]): Promise<GcReport | undefined> {
    if (this.#writtenSince === 0) return undefined;
    if (this.#measured !== undefined && this.#measured + this.#writtenSince <= this.maxBytes) return undefined;
    this.#writtenSince = 0;
    const size = await this.#size();
    if (size <= this.maxBytes) {
      this.#measured = size;
      return undefined;
    }
    const report = await collectGarbage(this.#stores, {
      maxBytes: this.maxBytes,
      grace: this.#graceMs,
      protect,
      preserveNodes: this.#preserveNodes(),
    });
    this.#measured = report.bytesKept ?? size - report.bytesFreed;
    return report;
  }

  async #size(): Promise<number> {
    const store = this.#stores.resultStore;
    if (store.size) return store.size();
    let total = 0;
    for await (const item of store.list?.() ?? []) total += item.bytes;
    return total;
  }
}
