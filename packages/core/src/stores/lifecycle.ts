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
export const toStoreError = StoreError.wrap;

/** The StoreError for a write to a store opened with `open({ readOnly: true })` (for store authors too). */
export function readOnlyError(store: string, operation: string): StoreError {
  return new StoreError(
    store,
    operation,
    "the store was opened read-only (withCache({ readOnly: true })) and writes nothing; open it without readOnly to write",
  );
}

/** The warning of a read-only file store whose cache folder does not exist (nothing is created). */
export function missingFolderWarning(store: string, folder: string): string {
  return `store "${store}": the cache folder ${folder} does not exist; a read-only cache creates nothing, so every node is a miss (computed, not stored). Point withCache({ path }) at an existing cache, or run once without readOnly to create it`;
}
