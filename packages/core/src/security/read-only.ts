// Read-only decorators: a cache that reads and hits from shared stores but never writes to them
// (results, records, run history), e.g. for CI jobs of untrusted branches.
import type { Fingerprint, FingerprintEntry, FingerprintMeta, FingerprintRepository, ResultStore, RunRecord } from "../contracts.js";

/**
 * Wraps a FingerprintRepository: reads pass through, writes (`set`, `setMany`, `delete`, `saveRun`,
 * `deleteRuns`) are dropped. No `acquireLock`: a reader never makes writers wait for it.
 */
export class ReadOnlyFingerprintRepository implements FingerprintRepository {
  readonly name: string;
  readonly inner: FingerprintRepository;
  readonly open?: () => Promise<void>;
  readonly close?: () => Promise<void>;
  readonly getMany?: (contextKeys: readonly string[]) => Promise<(Fingerprint | undefined)[]>;
  readonly getEntry?: (contextKey: string) => Promise<FingerprintEntry | undefined>;
  readonly entries?: () => AsyncIterable<FingerprintEntry>;
  readonly listRuns?: (options?: { limit?: number }) => Promise<RunRecord[]>;
  readonly getRun?: (runId: string) => Promise<RunRecord | undefined>;

  constructor(inner: FingerprintRepository) {
    this.inner = inner;
    this.name = inner.name;
    const i = inner;
    if (i.open) this.open = () => i.open!();
    if (i.close) this.close = () => i.close!();
    if (i.getMany) this.getMany = (keys) => i.getMany!(keys);
    if (i.getEntry) this.getEntry = (contextKey) => i.getEntry!(contextKey);
    if (i.entries) this.entries = () => i.entries!();
    if (i.listRuns) this.listRuns = (options) => i.listRuns!(options);
    if (i.getRun) this.getRun = (runId) => i.getRun!(runId);
  }

  get(contextKey: string): Promise<Fingerprint | undefined> {
    return this.inner.get(contextKey);
  }

  async set(_contextKey: string, _fingerprint: Fingerprint, _meta: FingerprintMeta): Promise<void> {
    // Read-only: dropped on purpose.
  }

  async setMany(_entries: readonly FingerprintEntry[]): Promise<void> {}

  async delete(_contextKey: string): Promise<void> {}

  async saveRun(_run: RunRecord): Promise<void> {}

  async deleteRuns(_runIds: readonly string[]): Promise<void> {}
}

/** Wraps a ResultStore: reads pass through, `set` and `delete` are dropped. */
export class ReadOnlyResultStore implements ResultStore {
  readonly name: string;
  readonly inner: ResultStore;
  readonly open?: () => Promise<void>;
  readonly close?: () => Promise<void>;
  readonly getMany?: (keys: readonly Fingerprint[]) => Promise<(Uint8Array | undefined)[]>;
  readonly list?: () => AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }>;
  readonly size?: () => Promise<number>;

  constructor(inner: ResultStore) {
    this.inner = inner;
    this.name = inner.name;
    const i = inner;
    if (i.open) this.open = () => i.open!();
    if (i.close) this.close = () => i.close!();
    if (i.getMany) this.getMany = (keys) => i.getMany!(keys);
    if (i.list) this.list = () => i.list!();
    if (i.size) this.size = () => i.size!();
  }

  has(key: Fingerprint): Promise<boolean> {
    return this.inner.has(key);
  }

  get(key: Fingerprint): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  async set(_key: Fingerprint, _bytes: Uint8Array): Promise<void> {}

  async delete(_key: Fingerprint): Promise<void> {}
}
