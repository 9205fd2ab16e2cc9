// BatchedAppends: appends made within one turn of the event loop, written together (a group commit).
// A cold run stores a result and a record per node, each an append of a few hundred bytes; batched,
// a run of synchronous nodes costs one write (and one check that the segment is still there) per
// store instead of one per node. Each append's promise settles once its batch is written, so a caller
// that waits for it finds its bytes on disk, as when every append was written at once.
/** Queued bytes past which a batch is written at once rather than at the end of the turn. */
export const BATCH_MAX_BYTES = 1024 * 1024;

// Taken at load, so a test that fakes timers cannot hold a batch back.
const later = setImmediate;

/** Batches not yet written: written when the process exits (appends nobody waited for). */
const unwritten = new Set<{ flush(): void }>();
let exitHook = false;

function writeSoon(batches: { flush(): void }): void {
  batches.flush();
}

function ignore(): void {}

/** A batch's promise and the functions that settle it (one per batch, not per append). */
interface Batch {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function newBatch(): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((settle, fail) => {
    resolve = settle;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/**
 * Items appended through `add` are handed to `write` together: at the end of the current turn of the
 * event loop (setImmediate), at once when BATCH_MAX_BYTES are queued, on `flush()`, or at exit.
 */
export class BatchedAppends<T> {
  readonly #write: (items: readonly T[]) => void;
  readonly #maxBytes: number;
  #items: T[] = [];
  #bytes = 0;
  #batch: Batch | undefined;

  /** `write` appends the items in order (one write) or throws; every item of the batch then fails with its error. */
  constructor(write: (items: readonly T[]) => void, maxBytes = BATCH_MAX_BYTES) {
    this.#write = write;
    this.#maxBytes = maxBytes;
  }

  /** Items queued and not yet written. */
  get queued(): readonly T[] {
    return this.#items;
  }

  /** Queues `item` (`bytes` long); resolves once its batch is written, rejects with the write's error. */
  add(item: T, bytes: number): Promise<void> {
    this.#items.push(item);
    this.#bytes += bytes;
    let batch = this.#batch;
    if (batch === undefined) {
      batch = newBatch();
      batch.promise.catch(ignore); // each caller gets the failure through the promise it holds
      this.#batch = batch;
      later(writeSoon, this);
      unwritten.add(this);
      if (!exitHook) {
        exitHook = true;
        process.once("exit", () => {
          for (const batches of unwritten) batches.flush();
        });
      }
    }
    if (this.#bytes >= this.#maxBytes) this.flush();
    return batch.promise;
  }

  /** The promise of the batch being gathered, if any (resolves when it is written). */
  get current(): Promise<void> | undefined {
    return this.#batch?.promise;
  }

  /** Writes the queued items now (synchronously); their promises settle with the outcome. */
  flush(): void {
    const batch = this.#batch;
    if (batch === undefined) return;
    const items = this.#items;
    this.#items = [];
    this.#bytes = 0;
    this.#batch = undefined;
    unwritten.delete(this);
    try {
      this.#write(items);
    } catch (error) {
      batch.reject(error);
      return;
    }
    batch.resolve();
  }
}
