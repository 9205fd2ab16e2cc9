// Suite options: the factory signature, the groups an implementation may switch off, and their validation.
import type { FingerprintRepository, ResultStore } from "@ham/core";

/** What a factory receives: a namespace that names one set of backing data. */
export interface ConformanceContext {
  /**
   * Names one set of backing data (a directory, a table prefix, a bucket prefix, a sublevel…).
   * Two factory calls with the same namespace must give instances over the same data; a
   * namespace the suite has not used before must give empty data. Namespaces match
   * `/^hc_[a-z0-9_]+$/` (at most 40 characters), so they are safe as file names, SQL identifiers
   * and object-key prefixes.
   */
  readonly namespace: string;
}

/**
 * Makes a fresh, not yet opened instance over the namespace's backing data. The suite calls
 * `open()` (when present) itself, and `close()` at the end of every check.
 */
export type StoreFactory<T> = (ctx: ConformanceContext) => T | Promise<T>;

/** Groups of the result store suite that an implementation may switch off (with a reason). */
export const resultStoreGroups = [
  "signing",
  "batch",
  "chunks",
  "persistence",
  "concurrency",
  "sharedAccess",
  "lifecycle",
  "listing",
  "largeValues",
  "readOnly",
  "integrity",
] as const;
export type ResultStoreGroup = (typeof resultStoreGroups)[number];

/** Groups of the fingerprint repository suite that an implementation may switch off (with a reason). */
export const fingerprintRepositoryGroups = [
  "signing",
  "batch",
  "runHistory",
  "persistence",
  "concurrency",
  "sharedAccess",
  "lifecycle",
  "listing",
  "readOnly",
] as const;
export type FingerprintRepositoryGroup = (typeof fingerprintRepositoryGroups)[number];

/** Groups of the fingerprinter suite that an implementation may switch off (with a reason). */
export const fingerprinterGroups = ["distinctness", "accepts", "registry"] as const;
export type FingerprinterGroup = (typeof fingerprinterGroups)[number];

/** What a snapshot hook receives: the namespace and the instance the check is using. */
export interface SnapshotContext<T> extends ConformanceContext {
  readonly instance: T;
}

/**
 * Describes a namespace's backing data exactly as stored — every file with its size, mtime and inode
 * (`folderSnapshot(dir)` does that), every row with every column, every object with its ETag and
 * modification time — as any JSON-serialisable value. The readOnly group compares it before and
 * after a read-only instance is opened, read and closed: any difference is a write. A store whose
 * only medium is the instance (in memory) may describe it through `instance`.
 */
export type SnapshotHook<T> = (ctx: SnapshotContext<T>) => unknown;

/** Options shared by the store suites. */
export interface StoreSuiteOptions<Group extends string, T = unknown> {
  /**
   * For the readOnly group: describes the backing data as stored (see SnapshotHook). Without it,
   * the check that the medium is unchanged is skipped with a printed reason; the others still run.
   */
  readonly snapshot?: SnapshotHook<T>;
  /**
   * Groups switched off, each with the reason printed in the test report, e.g.
   * `{ persistence: "in-memory store, nothing persists" }`. An empty reason is a TypeError.
   */
  readonly skip?: Partial<Record<Group, string>>;
  /**
   * Removes a namespace's backing data; called once per namespace after the check that used it,
   * once every instance is closed. Optional: tests on temporary directories may clean up in bulk.
   */
  readonly cleanup?: (ctx: ConformanceContext) => void | Promise<void>;
  /** Per-test timeout in milliseconds (default 60 000: the 32 MiB round trip over a network takes a while). */
  readonly timeout?: number;
}

export interface ResultStoreSuiteOptions extends StoreSuiteOptions<ResultStoreGroup, ResultStore> {
  /**
   * For the integrity group: damages the bytes stored under `key` behind the store's back, the way
   * bit rot or a careless tool would (e.g. rewrite an S3 object's body keeping its metadata). Give it
   * when the store keeps its own checksum; the default overwrites the entry through `delete` + `set`.
   */
  readonly damage?: (ctx: SnapshotContext<ResultStore> & { readonly key: string }) => void | Promise<void>;
}
export type FingerprintRepositorySuiteOptions = StoreSuiteOptions<FingerprintRepositoryGroup, FingerprintRepository>;

/**
 * Checks the `skip` map: every key must be a known group and every reason a non-empty string.
 * Throws a TypeError otherwise, so a typo or a silent switch-off fails at collection time.
 */
export function validateSkips<Group extends string>(
  suite: string,
  groups: readonly Group[],
  skip: Partial<Record<Group, string>> | undefined,
): Map<Group, string> {
  const result = new Map<Group, string>();
  if (skip === undefined) return result;
  if (typeof skip !== "object" || skip === null) {
    throw new TypeError(`[ham conformance] ${suite}: options.skip must be an object of { group: "reason" }`);
  }
  for (const [group, reason] of Object.entries(skip)) {
    if (!(groups as readonly string[]).includes(group)) {
      throw new TypeError(
        `[ham conformance] ${suite}: options.skip names unknown group "${group}"; known groups: ${groups.join(", ")}`,
      );
    }
    if (typeof reason !== "string" || reason.trim() === "") {
      throw new TypeError(
        `[ham conformance] ${suite}: options.skip.${group} needs a reason (a non-empty string saying why the group does not apply), got ${JSON.stringify(reason)}`,
      );
    }
    result.set(group as Group, reason.trim());
  }
  return result;
}

let namespaceCounter = 0;
const runTag = Math.random()
  .toString(36)
  .slice(2, 10)
  .replace(/[^a-z0-9]/g, "0");

/** A namespace never used before in this process (and, by its random tag, unlikely in others). */
export function freshNamespace(): string {
  namespaceCounter += 1;
  return `hc_${runTag}_${namespaceCounter}`;
}
