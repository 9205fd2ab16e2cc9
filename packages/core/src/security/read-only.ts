// Read-only decorators: a cache that reads and hits from shared stores but never writes to them
// (results, records, run history), e.g. for CI jobs of untrusted branches.
import type {
  Fingerprint,
  FingerprintEntry,
  FingerprintMeta,
  FingerprintRepository,
  ResultStore,
  RunRecord,
  StoreOpenOptions,
} from "../contracts.js";
import { forwardOptional } from "../stores/forward-optional.js";

/**
 * Opens the inner store read-only (`open({ readOnly: true })`) once, before its first use, so its
 * own open and reads write nothing either (no migrations, compaction, temp clean-up, access times).
 */
class ReadOnlyOpener {
  #opened: Promise<void> | undefined;
  constructor(
    private readonly inner: { open?(options?: StoreOpenOptions): Promise<void>; close?(): Promise<void> },
    private readonly warn: ((message: string) => void) | undefined,
  ) {}

  open(): Promise<void> {
    if (this.#opened === undefined) {
      const options: StoreOpenOptions = this.warn ? { readOnly: true, warn: this.warn } : { readOnly: true };
      const opening = this.inner.open ? this.inner.open(options) : Promise.resolve();
      this.#opened = opening.catch((error: unknown) => {
        this.#opened = undefined;
        throw error;
      });
    }
    return this.#opened;
  }

  async close(): Promise<void> {
    this.#opened = undefined;
    await this.inner.close?.();
  }

  /** Runs a read once the inner store is open read-only. */
  async read<T>(action: () => Promise<T>): Promise<T> {
    await this.open();
    return action();
  }

  /** `method` as a read that first opens the inner store read-only. */
  readonly reads =
    <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      this.read(() => method(...args));

  /** `list`/`entries` as an iteration that first opens the inner store read-only. */
  readonly iterates = <A extends unknown[], R>(method: (...args: A) => AsyncIterable<R>) => {
    const opener = this;
    return async function* (...args: A): AsyncIterable<R> {
      await opener.open();
      yield* method(...args);
    };
  };
}

/**
 * Wraps a FingerprintRepository: the inner one is opened read-only, reads pass through, writes
 * (`set`, `setMany`, `delete`, `saveRun`, `deleteRuns`) are dropped. No `acquireLock`: a reader
 * never makes writers wait for it.
 */
export class ReadOnlyFingerprintRepository implements FingerprintRepository {
  readonly name: string;
  readonly inner: FingerprintRepository;
  readonly getMany?: (contextKeys: readonly string[]) => Promise<(Fingerprint | undefined)[]>;
  readonly getEntry?: (contextKey: string) => Promise<FingerprintEntry | undefined>;
  readonly entries?: () => AsyncIterable<FingerprintEntry>;
  readonly listRuns?: (options?: { limit?: number }) => Promise<RunRecord[]>;
  readonly getRun?: (runId: string) => Promise<RunRecord | undefined>;
  readonly #opener: ReadOnlyOpener;

  /** `warn` receives what the inner store reports on open (e.g. a missing cache folder). */
  constructor(inner: FingerprintRepository, warn?: (message: string) => void) {
    this.inner = inner;
    this.name = inner.name;
    const opener = (this.#opener = new ReadOnlyOpener(inner, warn));
    // Reads pass through once the inner store is open read-only; writes are this class's no-ops.
    forwardOptional<FingerprintRepository>(this, inner, {
      open: "omit",
      close: "omit",
      getMany: opener.reads,
      setMany: "omit",
      getEntry: opener.reads,
      delete: "omit",
      entries: opener.iterates,
      saveRun: "omit",
      listRuns: opener.reads,
      getRun: opener.reads,
      deleteRuns: "omit",
      acquireLock: "omit", // a reader never makes writers wait for it
    });
  }

  open(): Promise<void> {
    return this.#opener.open();
  }

  close(): Promise<void> {
    return this.#opener.close();
  }

  get(contextKey: string): Promise<Fingerprint | undefined> {
    return this.#opener.read(() => this.inner.get(contextKey));
  }

  async set(_contextKey: string, _fingerprint: Fingerprint, _meta: FingerprintMeta): Promise<void> {
    // Read-only: dropped on purpose.
  }

  async setMany(_entries: readonly FingerprintEntry[]): Promise<void> {}

  async delete(_contextKey: string): Promise<void> {}

  async saveRun(_run: RunRecord): Promise<void> {}

  async deleteRuns(_runIds: readonly string[]): Promise<void> {}
}

/** Wraps a ResultStore: the inner one is opened read-only, reads pass through, `set` and `delete` are dropped. */
export class ReadOnlyResultStore implements ResultStore {
  readonly name: string;
  readonly inner: ResultStore;
  readonly getMany?: (keys: readonly Fingerprint[]) => Promise<(Uint8Array | undefined)[]>;
  readonly list?: () => AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }>;
  readonly size?: () => Promise<number>;
  readonly #opener: ReadOnlyOpener;

  /** `warn` receives what the inner store reports on open (e.g. a missing cache folder). */
  constructor(inner: ResultStore, warn?: (message: string) => void) {
    this.inner = inner;
    this.name = inner.name;
    const opener = (this.#opener = new ReadOnlyOpener(inner, warn));
    forwardOptional<ResultStore>(this, inner, {
      open: "omit",
      close: "omit",
      getMany: opener.reads,
      list: opener.iterates,
      size: opener.reads,
      // Writes are dropped: `set` does nothing, and pieces reach it concatenated (never: a read-only cache encodes nothing).
      setChunks: "omit",
    });
  }

  open(): Promise<void> {
    return this.#opener.open();
  }

  close(): Promise<void> {
    return this.#opener.close();
  }

  has(key: Fingerprint): Promise<boolean> {
    return this.#opener.read(() => this.inner.has(key));
  }

  get(key: Fingerprint): Promise<Uint8Array | undefined> {
    return this.#opener.read(() => this.inner.get(key));
  }

  async set(_key: Fingerprint, _bytes: Uint8Array): Promise<void> {}

  async delete(_key: Fingerprint): Promise<void> {}
}
