// ResultWriter: fingerprints a computed result, encodes it and writes it (result bytes first, then
// the repository record); equal results computed at once are written once.
import type { Fingerprint, FingerprintMeta } from "../contracts.js";
import { errorMessage } from "../errors.js";
import { type CacheParts, type CacheStats } from "./cache-parts.js";
import { type ReportedResult, isReportedResult, storeReported } from "./reported-result.js";
import { isUniqueFingerprint } from "./unique.js";

/** Where a stored result is recorded: its context key and the facts kept beside it. */
export interface WriteTarget {
  readonly node: string;
  /** The node's cache({ fingerprint }) mode, if any. */
  readonly mode: string | undefined;
  readonly contextKey: string;
  readonly codeVersion: string;
}

export class ResultWriter {
  readonly #parts: CacheParts;
  /** Result writes in flight by fingerprint, so equal results computed at once are written once. */
  readonly #writes = new Map<Fingerprint, Promise<boolean>>();
  /** Encoded result sizes seen in this process, by fingerprint (for visualizeExecution). */
  readonly #sizes = new Map<Fingerprint, number>();

  constructor(parts: CacheParts) {
    this.#parts = parts;
  }

  /**
   * Fingerprints `value` and stores it; resolves with its fingerprint and whether its result is now
   * in the result store. A unique fingerprint (a value that cannot be found again) is not stored.
   */
  async store(
    target: WriteTarget,
    value: unknown,
    stats: CacheStats,
  ): Promise<{ fingerprint: Fingerprint; stored: boolean }> {
    // A worker's result (reported-result.ts) comes with its fingerprint: not loaded, not fingerprinted again.
    const reported = isReportedResult(value) ? value : undefined;
    const fingerprint = reported?.fingerprint ?? this.#parts.fingerprint(value, target.node, target.mode);
    if (isUniqueFingerprint(fingerprint)) return { fingerprint, stored: false };
    // Equal results computed at the same moment (two nodes, or two runs) share one write.
    let write = this.#writes.get(fingerprint);
    if (!write) {
      const writing = reported
        ? this.#writeReported(reported, stats)
        : this.#writeResult(target.node, fingerprint, value, stats);
      write = writing.finally(() => this.#writes.delete(fingerprint));
      this.#writes.set(fingerprint, write);
    }
    if (!(await write)) return { fingerprint, stored: false };
    await this.record(target, fingerprint, stats);
    return { fingerprint, stored: true };
  }

  /** Writes the repository record `contextKey → fingerprint` (for a result stored here or inside another). */
  async record(target: WriteTarget, fingerprint: Fingerprint, stats: CacheStats): Promise<void> {
    const store = this.#parts.fingerprintStore;
    const meta: FingerprintMeta = { node: target.node, codeVersion: target.codeVersion, createdAt: Date.now() };
    await this.#parts.guard(store, "set", () => store.set(target.contextKey, fingerprint, meta), undefined);
    this.#parts.prefetcher?.wrote(target.contextKey); // prefetched answers for this key are out of date
    stats.repositoryWrites++;
  }

  /** Encoded size in bytes of the result stored under `fingerprint`, if this process wrote or read it. */
  sizeOf(fingerprint: Fingerprint): number | undefined {
    return this.#sizes.get(fingerprint);
  }

  noteSize(fingerprint: Fingerprint, bytes: number): void {
    if (this.#sizes.size >= 10_000) this.#sizes.clear(); // only for pictures: keep memory bounded
    this.#sizes.set(fingerprint, bytes);
  }

  /** A worker's result: the worker stored its bytes, or they are stored here as they came; false when not stored. */
  async #writeReported(reported: ReportedResult, stats: CacheStats): Promise<boolean> {
    const parts = this.#parts;
    if (parts.options.readOnly === true) return false;
    const written = await parts.guard(
      parts.resultStore,
      "set",
      () => storeReported(parts.resultStore, reported),
      undefined,
    );
    if (written === undefined) return false;
    if (written > 0) {
      stats.resultWrites++;
      parts.lifecycle.noteWrite(written);
      this.noteSize(reported.fingerprint, written);
    }
    return true;
  }

  /** Puts a result's bytes in the result store unless they are there; false when it is not stored. */
  async #writeResult(node: string, fingerprint: Fingerprint, value: unknown, stats: CacheStats): Promise<boolean> {
    const parts = this.#parts;
    if (parts.options.readOnly === true) return false; // nothing would be written: skip encoding too
    const exists = await parts.guard(parts.resultStore, "has", () => parts.resultStore.has(fingerprint), false);
    if (exists) return true;
    let bytes: Uint8Array;
    try {
      bytes = parts.codec.encode(value, undefined, fingerprint);
    } catch (error) {
      parts.warn(
        `node "${node}": its result is not cached because it cannot be encoded (${errorMessage(error)}); register a codec for it with withCache({ codecs })`,
      );
      return false;
    }
    const limit = parts.options.maxResultBytes;
    if (limit !== undefined && bytes.byteLength > limit) {
      parts.warn(
        `node "${node}": its result (${bytes.byteLength} bytes) exceeds maxResultBytes (${limit}) and is not cached`,
      );
      return false;
    }
    const stored = await parts.guard(
      parts.resultStore,
      "set",
      async () => (await parts.resultStore.set(fingerprint, bytes), true),
      false,
    );
    if (stored) {
      stats.resultWrites++;
      parts.lifecycle.noteWrite(bytes.byteLength);
      this.noteSize(fingerprint, bytes.byteLength);
    }
    return stored;
  }
}
