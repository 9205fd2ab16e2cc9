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
  // hotpath (every node's inputs): loops, not callbacks made per call (see pending.ts).
  const loading = new Array<unknown>(values.length);
  let waits = false;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (isDeferred(value)) {
      loading[i] = value.load();
      waits = true;
    } else {
      if (isThenable(value)) waits = true;
      loading[i] = value;
    }
  }
  if (!waits) return loading;
  const settled = await Promise.allSettled(loading);
  const out = new Array<unknown>(settled.length);
  for (let i = 0; i < settled.length; i++) {
    const outcome = settled[i] as PromiseSettledResult<unknown>;
    if (outcome.status === "rejected") throw outcome.reason;
    out[i] = outcome.value;
  }
  return out;
}
