// The cache view's tables: stored bytes by the node that produced them and by when they were last used.
import type { FingerprintEntry } from "@ham/core/stores";

/** Sizes of the stored results, in total, by node and by last use. */
export interface CacheView {
  readonly results: number | undefined;
  readonly bytes: number | undefined;
  readonly byNode: readonly { node: string; results: number; bytes: number }[] | undefined;
  readonly byAge: readonly { label: string; results: number; bytes: number }[] | undefined;
}

type Sizes = ReadonlyMap<string, { bytes: number; lastAccess: number }>;

/** Results by the node whose records point at them (a result equal for several nodes counts once, under the first); biggest first. */
export function byNode(
  sizes: Sizes,
  entries: readonly FingerprintEntry[],
): { node: string; results: number; bytes: number }[] {
  const owner = new Map<string, string>();
  for (const e of [...entries].sort((x, y) => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0)))
    if (!owner.has(e.fingerprint)) owner.set(e.fingerprint, e.node);
  const rows = new Map<string, { node: string; results: number; bytes: number }>();
  for (const [key, { bytes }] of sizes) {
    const node = owner.get(key) ?? "(no record points at it)";
    const row = rows.get(node) ?? { node, results: 0, bytes: 0 };
    row.results++;
    row.bytes += bytes;
    rows.set(node, row);
  }
  return [...rows.values()].sort((x, y) => y.bytes - x.bytes);
}

const AGES: readonly [string, number][] = [
  ["last hour", 3600_000],
  ["last day", 86_400_000],
  ["last week", 7 * 86_400_000],
  ["last 30 days", 30 * 86_400_000],
  ["older", Number.POSITIVE_INFINITY],
];

/** Results by when they were last written or read. */
export function byAge(sizes: Sizes, now: number): { label: string; results: number; bytes: number }[] {
  const rows = AGES.map(([label]) => ({
    label: `used in the ${label}`.replace("used in the older", "used earlier"),
    results: 0,
    bytes: 0,
  }));
  for (const { bytes, lastAccess } of sizes.values()) {
    const index = AGES.findIndex(([, ms]) => now - lastAccess <= ms);
    const row = rows[index] as { results: number; bytes: number };
    row.results++;
    row.bytes += bytes;
  }
  return rows;
}
