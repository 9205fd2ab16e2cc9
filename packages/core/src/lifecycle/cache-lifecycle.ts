// The lifecycle part of a SmartCache: validates withCache({ maxAge, maxBytes, gcGrace }), answers
// "has this entry expired?", enforces maxBytes after runs and runs dr.cache.gc().
import type { Fingerprint, NodeInfo } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { expiredReason, resolveMaxAges } from "./expiry.js";
import {
  type CacheStores,
  DEFAULT_GC_GRACE,
  type GcOptions,
  type GcReport,
  checkGcOptions,
  collectGarbage,
} from "./gc.js";
import { formatBytes, parseDuration, parseSize } from "./parse.js";
import { SizeLimiter } from "./size-limit.js";

/** The lifecycle options of withCache() (declared in CacheOptions). */
export interface LifecycleOptions {
  maxAge?: string | number;
  maxBytes?: string | number;
  gcGrace?: string | number;
}

export class CacheLifecycle {
  readonly #stores: CacheStores;
  readonly #warn: (message: string) => void;
  readonly #info: (message: string) => void;
  readonly #globalMaxAge: number | undefined;
  readonly #graceMs: number;
  readonly #limiter: SizeLimiter | undefined;
  #maxAges = new Map<string, number>();
  #ownMaxAge = new Set<string>();
  #preserveNodes: string[] = [];

  constructor(
    options: LifecycleOptions,
    stores: CacheStores,
    log: { warn: (message: string) => void; info: (message: string) => void },
  ) {
    this.#stores = stores;
    this.#warn = log.warn;
    this.#info = log.info;
    this.#globalMaxAge =
      options.maxAge === undefined ? undefined : parseDuration(options.maxAge, "withCache({ maxAge })");
    this.#graceMs = parseDuration(options.gcGrace ?? DEFAULT_GC_GRACE, "withCache({ gcGrace })");
    if (options.maxBytes !== undefined) {
      const maxBytes = parseSize(options.maxBytes, "withCache({ maxBytes })");
      const store = stores.resultStore;
      if (!store.list) {
        throw new ConfigurationError(
          `withCache({ maxBytes }) needs a result store that can list its results (list()); ${store.name} cannot — remove maxBytes or use another store`,
        );
      }
      this.#limiter = new SizeLimiter(maxBytes, stores, this.#graceMs, () => this.#preserveNodes);
    }
  }

  /** Reads each node's maxAge (its own, else the driver-wide one) and which nodes store no result. */
  attach(nodes: Iterable<NodeInfo & { cachedThrough?: string }>): void {
    const list = [...nodes];
    this.#maxAges = resolveMaxAges(list, this.#globalMaxAge);
    this.#ownMaxAge = new Set(list.filter((n) => n.cache?.maxAge !== undefined).map((n) => n.name));
    this.#preserveNodes = list.filter((n) => n.cachedThrough !== undefined).map((n) => n.name);
  }

  /** True when `node` has a maxAge (only then is an entry's age read). */
  hasMaxAge(node: string): boolean {
    return this.#maxAges.has(node);
  }

  /** The "expired: …" reason when the entry for `contextKey` is older than the node's maxAge. */
  expired(node: string, contextKey: string): Promise<string | undefined> {
    const maxAge = this.#maxAges.get(node);
    if (maxAge === undefined) return Promise.resolve(undefined);
    return expiredReason(
      this.#stores.fingerprintStore,
      contextKey,
      maxAge,
      this.#ownMaxAge.has(node) ? "node" : "cache",
      this.#warn,
    );
  }

  /** Counts bytes written to the result store (for the maxBytes check). */
  noteWrite(bytes: number): void {
    this.#limiter?.noteWrite(bytes);
  }

  /** After a run: enforces withCache({ maxBytes }) if this process's writes may have crossed it. */
  async afterRun(runFingerprints: Iterable<Fingerprint>): Promise<void> {
    if (!this.#limiter) return;
    const report = await this.#limiter.afterRun(runFingerprints);
    if (report && report.resultsRemoved > 0) {
      this.#info(
        `[ham] maxBytes ${formatBytes(this.#limiter.maxBytes)}: removed ${report.resultsRemoved} least-recently-used result${report.resultsRemoved === 1 ? "" : "s"} (${formatBytes(report.bytesFreed)})` +
          (report.overLimitBytes > 0
            ? `; still ${formatBytes(report.overLimitBytes)} over (results of this run or used in the last minutes)`
            : ""),
      );
    }
  }

  /** dr.cache.gc(options). */
  gc(options: GcOptions = {}): Promise<GcReport> {
    checkGcOptions(options, "dr.cache.gc");
    return collectGarbage(this.#stores, { grace: this.#graceMs, ...options, preserveNodes: this.#preserveNodes });
  }
}
