// Expiry: per-node (`cache({ maxAge })`) and driver-wide (`withCache({ maxAge })`) maximum ages of
// cached entries. Only nodes with a maxAge pay for reading an entry's creation time.
import type { FingerprintRepository, NodeInfo } from "../contracts.js";
import { formatDuration, parseDuration } from "./parse.js";

/** Each node's maximum entry age in ms; nodes without one are absent (and keep the plain warm path). */
export function resolveMaxAges(nodes: Iterable<NodeInfo>, globalMaxAgeMs: number | undefined): Map<string, number> {
  const ages = new Map<string, number>();
  for (const node of nodes) {
    const own = node.cache?.maxAge;
    // The modifier validated its value already; parse again for one reading of the units.
    const ms = own !== undefined ? parseDuration(own, `cache({ maxAge }) of node "${node.name}"`) : globalMaxAgeMs;
    if (ms !== undefined) ages.set(node.name, ms);
  }
  return ages;
}

/**
 * Why the stored entry for `contextKey` cannot be used (too old, or its age unknown), or undefined
 * when it is fresh. Called after a lookup found the record. Needs `getEntry`; without it the entry is used and `warn` says maxAge cannot apply.
 */
export async function expiredReason(
  repository: FingerprintRepository,
  contextKey: string,
  maxAgeMs: number,
  source: "node" | "cache",
  warn: (message: string) => void,
): Promise<string | undefined> {
  if (!repository.getEntry) {
    warn(
      `maxAge is set but repository ${repository.name} has no getEntry(): entries cannot expire; use a repository that implements it`,
    );
    return undefined;
  }
  const entry = await repository.getEntry(contextKey);
  // The record was found a moment ago: no entry now means it was removed or (signed caches) its
  // meta failed verification. Either way its age is unknown, so it cannot count as fresh.
  if (entry === undefined)
    return "computed: the stored entry's age could not be read (removed meanwhile, or its signature did not cover the stored createdAt)";
  const age = Date.now() - entry.createdAt;
  if (age <= maxAgeMs) return undefined;
  const setBy = source === "node" ? "cache({ maxAge }) on this node" : "withCache({ maxAge })";
  return `expired: the stored entry is ${formatDuration(age)} old, older than maxAge ${formatDuration(maxAgeMs)} (${setBy}); computed again`;
}
