// Damaged entries for the integrity and batch groups: damage one behind the store's back, check it is reported.
import type { ResultStore } from "@ham/core";
import { check, describe } from "./assertions.js";
import type { Harness } from "./harness.js";

/** The bytes stored under `key` damaged behind the store's back (the author's hook, or delete + set). */
export async function damage(
  h: Harness<ResultStore>,
  store: ResultStore,
  key: string,
  original: Uint8Array,
): Promise<void> {
  if (h.damage) return h.damage(store, key);
  const damaged = new Uint8Array(original); // a copy (Buffer#slice would be a view)
  damaged[damaged.length - 1] = (damaged[damaged.length - 1]! + 1) & 0xff;
  await store.delete(key);
  await store.set(key, damaged);
}

/** Reads a damaged entry: a CorruptResultError or bytes other than the original; anything else fails. */
export async function checkReportsDamage(
  store: ResultStore,
  key: string,
  original: Uint8Array,
  what: string,
): Promise<void> {
  let got: Uint8Array | undefined;
  try {
    got = await store.get(key);
  } catch (error) {
    const name = (error as { name?: unknown })?.name;
    check(
      name === "CorruptResultError",
      `${what}: get() of a damaged entry should return its bytes or reject with CorruptResultError (see ResultStore.get), got ${error instanceof Error ? `${error.name}: ${error.message}` : describe(error)}`,
    );
    return;
  }
  check(
    got !== undefined,
    `${what}: get() of a damaged entry returned undefined: report it with CorruptResultError (a read must not delete it, and a miss hides the damage)`,
  );
  check(
    Buffer.compare(Buffer.from(got), Buffer.from(original)) !== 0,
    `${what}: get() returned the original bytes: the damage hook did not damage the entry`,
  );
}
