// A node result that is loaded only when something needs it (a cache hit nobody has read yet): part of the Adapter contract.

const DEFERRED = Symbol.for("ham.deferredResult");

/** A value that will be loaded on demand, at most once. */
export class DeferredResult {
  readonly [DEFERRED] = true;
  #promise: Promise<unknown> | undefined;
  constructor(private readonly loader: () => Promise<unknown>) {}
  /** Loads the value (once) and returns it. */
  load(): Promise<unknown> {
    this.#promise ??= this.loader();
    return this.#promise;
  }
}

/** Wraps a loader so `doNodeExecute` can return a result without loading it. */
export function deferredResult(load: () => Promise<unknown>): DeferredResult {
  return new DeferredResult(load);
}

/** True for a value made by `deferredResult`. */
export function isDeferred(value: unknown): value is DeferredResult {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[DEFERRED] === true;
}

/** True for a promise or other thenable (awaited before a node receives it). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as PromiseLike<unknown>).then === "function"
  );
}

/** The value itself, loading it first when it is deferred. */
export function materialize(value: unknown): unknown {
  return isDeferred(value) ? value.load() : value;
}

/**
 * The values themselves, every deferred one loading at once (so the cache reads them in one batch).
 * All loads settle before it answers; a failure rejects with the first failing value's error, in order.
 */
export async function materializeAll(values: readonly unknown[]): Promise<unknown[]> {
  if (!values.some((value) => isDeferred(value) || isThenable(value))) return [...values];
  const settled = await Promise.allSettled(values.map(materialize));
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value);
}
