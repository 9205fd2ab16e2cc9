// Facts read from a run's node records: their fields, or for records written before those fields
// existed (older history), the reason text the cache wrote then.
import type { NodeRunRecord } from "../contracts.js";

/** The node whose stored result holds this node's value (extractFields), when the record says so. */
export function pickedFromOf(record: NodeRunRecord): string | undefined {
  if (record.pickedFrom !== undefined) return record.pickedFrom;
  // Older history: `picked from "parent"; …` (computed) or `hit: part of the cached result of "parent", …` (hit).
  const legacy = /^(?:picked from "|hit: part of the cached result of ")([^"]*)"/.exec(record.reason ?? "");
  return legacy?.[1];
}

/** True when the node's stored entry had expired (maxAge) and it was computed again. */
export function wasExpired(record: NodeRunRecord): boolean {
  return record.expired === true || (record.expired === undefined && record.reason?.startsWith("expired:") === true);
}
