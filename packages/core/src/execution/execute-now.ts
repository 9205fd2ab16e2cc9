// An adapter's doNodeExecute that may answer without a promise: the driver's path for results known
// at once (a cache hit its run's batch already answered), so a warm run does not make a chain of
// promises per node. Internal to @ham/core: third-party adapters implement doNodeExecute only.
import type { NodeExecuteContext } from "../contracts.js";

/** The method's key on an adapter (a second copy of this package has its own key, and then takes doNodeExecute). */
export const EXECUTE_NOW: unique symbol = Symbol("ham.executeNow");

/**
 * What the adapter's doNodeExecute resolves to, given at once when it is known at once: the value
 * (never a thenable), or a promise of it. A synchronous throw is the call's failure. `next` returns a
 * promise, as doNodeExecute's does.
 */
export interface ExecutesNow {
  [EXECUTE_NOW](ctx: NodeExecuteContext, next: () => Promise<unknown>): unknown;
}

export function executesNow(adapter: object): adapter is ExecutesNow {
  return typeof (adapter as Partial<ExecutesNow>)[EXECUTE_NOW] === "function";
}

/** `call()`'s value, or its failure, as a promise. */
export function promised(call: () => unknown): Promise<unknown> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}
