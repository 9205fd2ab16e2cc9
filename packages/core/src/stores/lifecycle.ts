// Shared open/closed bookkeeping for the embedded stores: use after close must fail loudly.
import { StoreError } from "../errors.js";

/** Where a store is in its life: never opened, open, or closed by `close()`. */
export type StoreState = "initial" | "open" | "closed";

/** Throws the StoreError every store gives for use after `close()` without a new `open()`. */
export function assertNotClosed(state: StoreState, store: string, operation: string): void {
  if (state === "closed") {
    throw new StoreError(store, operation, "the store was closed; call open() again before using it");
  }
}

/** Wraps an unknown failure into a StoreError naming the store and operation (StoreErrors pass through). */
export function toStoreError(store: string, operation: string, error: unknown, detail?: string): StoreError {
  if (error instanceof StoreError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new StoreError(store, operation, detail ? `${detail}: ${text}` : text, { cause: error });
}
