// ResultWriter: fingerprints a computed result, encodes it and writes it (result bytes first, then
// the repository record); equal results computed at once are written once. Results are written
// behind the run (write-behind): a node's value is handed on once it is encoded, while its bytes are stored.
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

/** A result being stored: its fingerprint, known at once, and whether it ends up stored and recorded. */
export interface PendingWrite {
  readonly fingerprint: Fingerprint;
  /**
   * Whether the bytes are in the result store and the record in the repository (false: not stored);
   * a promise of it when the write goes on behind the run.
   */
  readonly stored: boolean | Promise<boolean>;
}

/** A result's bytes on their way to the store (a wrapper, so the promise is not flattened into the one that encodes). */
interface Writing {
  readonly written: Promise<boolean>;
  /** True when the caller need not wait for it (see MAX_BYTES_BEHIND). */
  readonly behind: boolean;
}

/**
 * Encoded bytes written behind the run at most, in all: past it a node waits for its own write before
 * its value is handed on, so a run of many large results holds at most this much more memory.
 *
 * Every result is written behind, small ones too: a chain of small results then goes on without
 * waiting for each write, and the file stores append a turn's results and records in one write each
 * (stores/batched-appends.ts) instead of one per node; a network store overlaps its writes with the
 * next nodes.
 */
export const MAX_BYTES_BEHIND = 256 * 1024 * 1024;

const NOT_STORED: Writing = { written: Promise.resolve(false), behind: false };

export class ResultWriter {
  readonly #parts: CacheParts;
  /** Result writes in flight by fingerprint, so equal results computed at once are written once. */
  readonly #writes = new Map<Fingerprint, Promise<Writing>>();
  /** Bytes of results being written behind the run (see MAX_BYTES_BEHIND). */
  #bytesBehind = 0;
  /** Encoded result sizes seen in this process, by fingerprint (for visualizeExecution). */
  readonly #sizes = new Map<Fingerprint, number>();
  readonly #maxBytesBehind: number;

  constructor(parts: CacheParts, maxBytesBehind = MAX_BYTES_BEHIND) {
    this.#parts = parts;
    this.#maxBytesBehind = maxBytesBehind;
  }

  /**
   * Fingerprints `value` and starts storing it; resolves once its bytes are encoded (so the caller
   * may hand the value on: later changes to it cannot reach the stored bytes) with its fingerprint
   * and the write's outcome. A unique fingerprint (a value that cannot be found again) is not stored.
   */
  async store(target: WriteTarget, value: unknown, stats: CacheStats): Promise<PendingWrite> {
    // A worker's result (reported-result.ts) comes with its fingerprint: not loaded, not fingerprinted again.
    const reported = isReportedResult(value) ? value : undefined;
    const fingerprint = reported?.fingerprint ?? this.#parts.fingerprint(value, target.node, target.mode);
    if (isUniqueFingerprint(fingerprint)) return { fingerprint, stored: false };
    // Equal results computed at the same moment (two nodes, or two runs) share one write.
    let write = this.#writes.get(fingerprint);
    if (!write) {
      write = reported
        ? Promise.resolve({ written: this.#writeReported(reported, stats), behind: false })
        : this.#writeResult(target.node, fingerprint, value, stats);
      this.#writes.set(fingerprint, write);
      void this.#forgetWhenWritten(fingerprint, write);
    }
    const { written, behind } = await write;
    const stored = this.#recordWhenWritten(target, fingerprint, written, stats);
    return { fingerprint, stored: behind ? stored : await stored };
  }

  // hotpath: async methods rather than promise callbacks made per result (see execution/pending.ts).

  /** Drops the shared write of `fingerprint` once it is done. */
  async #forgetWhenWritten(fingerprint: Fingerprint, writing: Promise<Writing>): Promise<void> {
    try {
      await (await writing).written;
    } catch {
      // done all the same
    }
    if (this.#writes.get(fingerprint) === writing) this.#writes.delete(fingerprint);
  }

  /** Whether the bytes were stored, once they are, with the repository record written after them. */
  async #recordWhenWritten(
    target: WriteTarget,
    fingerprint: Fingerprint,
    written: Promise<boolean>,
    stats: CacheStats,
  ): Promise<boolean> {
    const ok = await written;
    if (ok) await this.record(target, fingerprint, stats);
    return ok;
  }

  /** Writes the repository record `contextKey → fingerprint` (for a result stored here or inside another). */
  async record(target: WriteTarget, fingerprint: Fingerprint, stats: CacheStats): Promise<void> {
    const parts = this.#parts;
    const store = parts.fingerprintStore;
    const meta: FingerprintMeta = { node: target.node, codeVersion: target.codeVersion, createdAt: Date.now() };
    try {
      await store.set(target.contextKey, fingerprint, meta);
    } catch (error) {
      parts.storeFailed(store, "set", error, undefined);
    }
    parts.prefetcher?.wrote(target.contextKey); // prefetched answers for this key are out of date
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

  /**
   * Puts a result's bytes in the result store unless they are there; resolves once they are encoded,
   * with the write (false when it is not stored).
   */
  async #writeResult(node: string, fingerprint: Fingerprint, value: unknown, stats: CacheStats): Promise<Writing> {
    const parts = this.#parts;
    if (parts.options.readOnly === true) return NOT_STORED; // nothing would be written: skip encoding too
    let exists: boolean;
    try {
      exists = await parts.resultStore.has(fingerprint);
    } catch (error) {
      exists = parts.storeFailed(parts.resultStore, "has", error, false);
    }
    if (exists) return { written: Promise.resolve(true), behind: false };
    let chunks: Uint8Array[];
    try {
      chunks = parts.codec.encodeChunks(value, undefined, fingerprint);
    } catch (error) {
      parts.warn(
        `node "${node}": its result is not cached because it cannot be encoded (${errorMessage(error)}); register a codec for it with withCache({ codecs })`,
      );
      return NOT_STORED;
    }
    let size = 0;
    for (const chunk of chunks) size += chunk.byteLength;
    const limit = parts.options.maxResultBytes;
    if (limit !== undefined && size > limit) {
      parts.warn(`node "${node}": its result (${size} bytes) exceeds maxResultBytes (${limit}) and is not cached`);
      return NOT_STORED;
    }
    const written = this.#put(fingerprint, chunks, size, stats);
    this.#bytesBehind += size;
    const done = written.finally(() => {
      this.#bytesBehind -= size;
    });
    // Too much already on its way: this node waits for its own write (its failure is then reported with the run's).
    if (this.#bytesBehind > this.#maxBytesBehind) await done.catch(() => undefined);
    return { written: done, behind: true };
  }

  /**
   * Stores the encoded pieces (`size` bytes in all): one piece with `set`, several with `setChunks`
   * where the store has it, else concatenated; false when the store failed (onStoreError: "warn").
   */
  async #put(fingerprint: Fingerprint, chunks: Uint8Array[], size: number, stats: CacheStats): Promise<boolean> {
    const parts = this.#parts;
    const store = parts.resultStore;
    const pieces = chunks.length > 1 && store.setChunks !== undefined;
    try {
      if (pieces) await store.setChunks!(fingerprint, chunks);
      else await store.set(fingerprint, chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size));
    } catch (error) {
      return parts.storeFailed(store, pieces ? "setChunks" : "set", error, false);
    }
    stats.resultWrites++;
    parts.lifecycle.noteWrite(size);
    this.noteSize(fingerprint, size);
    return true;
  }
}
