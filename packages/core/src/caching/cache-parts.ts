// What one cache owns for all its runs: the (protected) stores, codec, fingerprinters, file digests,
// lookup batcher, lifecycle and logger, with the store-error guard and the once-per-message warning.
import { join } from "node:path";
import type { Fingerprint, FingerprintRepository, ResultStore } from "../contracts.js";
import { ResultCodec } from "../codec/index.js";
import { StoreError } from "../errors.js";
import { FileHashes, fileFingerprinter, untrackedPathWarning } from "../files/index.js";
import { FingerprinterRegistry } from "../fingerprint/index.js";
import { CacheLifecycle } from "../lifecycle/cache-lifecycle.js";
import { type LevelLogger, resolveLogger } from "../logging/logger.js";
import { protectStores, resolveSigningKeys } from "../security/index.js";
import { FileFingerprintRepository, FileResultStore } from "../stores/index.js";
import { LookupBatcher } from "./lookup-batcher.js";
import { ResultBatcher } from "./result-batcher.js";
import { LookupPrefetcher } from "./prefetch.js";
import { PredictionMemo } from "./prediction-memo.js";
import { RunRecordWrites } from "./run-record-writes.js";
import type { CacheOptions } from "./options.js";

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

export function newStats(): CacheStats {
  return { repositoryRoundTrips: 0, repositoryWrites: 0, resultReads: 0, resultWrites: 0 };
}

export class CacheParts {
  readonly options: CacheOptions;
  readonly logger: LevelLogger;
  readonly fingerprintStore: FingerprintRepository;
  readonly resultStore: ResultStore;
  /** Encodes and decodes results (custom codecs first, then v8). */
  readonly codec: ResultCodec;
  /** Fingerprints values (custom fingerprinters first, then the default). */
  readonly fingerprinter: FingerprinterRegistry;
  /** Fingerprints inputs, config values and overrides that hold a file(): those by content, the rest as results are. */
  readonly inputFingerprinter: FingerprinterRegistry;
  /** Content digests of file() inputs, memoised by stat (in the cache folder when it has one). */
  readonly files: FileHashes;
  readonly batcher: LookupBatcher;
  /** Result reads started together go to the store as one getMany (issue 20). */
  readonly results: ResultBatcher;
  /** Predicts each run's context keys and confirms them in one batch (prefetch.ts); undefined with `predict: false`. */
  readonly prefetcher: LookupPrefetcher | undefined;
  /** Run records still being written after their run returned (awaited before history reads, runs and close). */
  readonly runRecords: RunRecordWrites;
  /** Expiry (maxAge), the maxBytes limit and gc: see lifecycle/. */
  readonly lifecycle: CacheLifecycle;
  readonly #warned = new Set<string>();
  /** Input and override names already checked for naming a file as a plain string (once per name). */
  readonly #pathChecked = new Set<string>();

  constructor(options: CacheOptions) {
    this.options = options;
    this.logger = resolveLogger({ logger: options.logger, logLevel: options.logLevel });
    const path = options.path ?? ".ham_cache";
    const warn = (message: string) => this.warn(message);
    const repository = options.fingerprintStore ?? new FileFingerprintRepository({ path });
    // Signing and read-only wrap the stores (security/): the rest of the cache sees plain stores.
    const stores = protectStores(
      options,
      {
        fingerprintStore: repository,
        resultStore: options.resultStore ?? new FileResultStore({ path }),
      },
      warn,
    );
    this.fingerprintStore = stores.fingerprintStore;
    this.runRecords = new RunRecordWrites([repository, stores.fingerprintStore]);
    this.resultStore = stores.resultStore;
    this.codec = new ResultCodec({
      codecs: [...(options.codecs ?? [])],
      ...(options.maxResultBytes !== undefined ? { maxResultBytes: options.maxResultBytes } : {}),
    });
    this.fingerprinter = new FingerprinterRegistry({ fingerprinters: [...(options.fingerprinters ?? [])], warn });
    // The memo goes beside the default file stores; with only custom stores it stays in memory, and
    // so it does for a signed cache: an unsigned memo on disk could pass off old content as current.
    const onDisk =
      (options.fingerprintStore === undefined || options.resultStore === undefined) &&
      resolveSigningKeys(options.signingKey) === undefined;
    this.files = new FileHashes(onDisk ? { memoFile: join(path, "file-hashes.json"), tempDir: join(path, "tmp") } : {});
    this.inputFingerprinter = new FingerprinterRegistry({
      fingerprinters: [fileFingerprinter(this.files), ...(options.fingerprinters ?? [])],
      warn,
    });
    this.batcher = new LookupBatcher(this.fingerprintStore);
    this.results = new ResultBatcher(this.resultStore);
    // The prediction memo (a hint, never trusted for a hit) is kept where this machine keeps a cache folder.
    const memo =
      options.path !== undefined || options.fingerprintStore === undefined || options.resultStore === undefined
        ? new PredictionMemo(join(path, "predictions.json"), join(path, "tmp"))
        : undefined;
    this.prefetcher =
      options.predict !== false ? new LookupPrefetcher(this.fingerprintStore, this.batcher, memo) : undefined;
    this.lifecycle = new CacheLifecycle(options, stores, { warn, info: (message) => this.logger.info?.(message) });
  }

  /** Fingerprints a result the way the cache keys it (`mode`: the node's cache({ fingerprint })). */
  fingerprint(value: unknown, node: string, mode?: string): Fingerprint {
    return this.fingerprinter.fingerprint(value, { node, ...(mode !== undefined ? { mode } : {}) });
  }

  /** Runs a store operation; a failure is a StoreError, or (onStoreError: "warn") a warning and `fallback`. */
  async guard<T>(store: { name: string }, operation: string, action: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await action();
    } catch (error) {
      return this.storeFailed(store, operation, error, fallback);
    }
  }

  /**
   * What `guard` does with a store operation's failure: throws it as a StoreError, or (onStoreError:
   * "warn") warns and returns `fallback`. hotpath: per-node store calls catch their own failure and
   * call this, rather than pass `guard` a closure made per call (see execution/pending.ts).
   */
  storeFailed<T>(store: { name: string }, operation: string, error: unknown, fallback: T): T {
    const storeError = StoreError.wrap(store.name, operation, error);
    if (this.options.onStoreError !== "warn") throw storeError;
    this.warn(`${storeError.message}; continuing without the cache for this step (onStoreError: "warn")`);
    return fallback;
  }

  /** Warns (once per name) when an input or override names an existing file as a plain string: its content is not in the key. */
  checkPath(name: string, value: string, kind: "input" | "override"): void {
    if (this.#pathChecked.has(name)) return;
    const warning = untrackedPathWarning(name, value, kind);
    if (warning === undefined) return;
    this.#pathChecked.add(name);
    this.warn(warning);
  }

  /** Warns through the logger, once per message. */
  warn(message: string): void {
    if (this.#warned.has(message)) return;
    this.#warned.add(message);
    this.logger.warn?.(message.startsWith("[ham]") ? message : `[ham] ${message}`);
  }
}
