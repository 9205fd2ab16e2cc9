// A promise with its resolve and reject, made without a closure per promise (Promise.withResolvers
// needs Node 22). hotpath: the batchers make one per lookup and per read. A closure made anew for each
// call is also optimised anew after every full garbage collection (its code dies with it); this
// module's one executor function lives as long as the process.

/** A promise and the functions that settle it. */
export interface Pending<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

let capturedResolve: ((value: never) => void) | undefined;
let capturedReject: ((error: unknown) => void) | undefined;

function capture(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

/** A new pending promise (the executor runs synchronously inside `new Promise`, so the captured pair is this promise's). */
export function pending<T>(): Pending<T> {
  const promise = new Promise<T>(capture as (resolve: (value: T) => void, reject: (error: unknown) => void) => void);
  const out = {
    promise,
    resolve: capturedResolve as (value: T) => void,
    reject: capturedReject as (error: unknown) => void,
  };
  capturedResolve = undefined;
  capturedReject = undefined;
  return out;
}
