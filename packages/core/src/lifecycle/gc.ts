// Garbage collection of a cache: plans what to remove (runs, repository records, results) by the
// rules of GcOptions, then removes it. Only ever deletes, so a concurrent run can at worst miss.
import type { Fingerprint, FingerprintEntry, FingerprintRepository, ResultStore, RunRecord } from "../contracts.js";
import { readRunIds, readRuns } from "../stores/run-history.js";
import { ConfigurationError, StoreError } from "../errors.js";
import { forEachLimit } from "./concurrency.js";
import { formatBytes, parseDuration, parseSize } from "./parse.js";
import { pickedFromOf } from "./record-facts.js";

/** What `dr.cache.gc()` (and `ham cache gc`) removes. Rules combine: each one can only remove more. */
export interface GcOptions {
  /**
   * Keep the newest N runs in the history: nothing they use is removed, and what only older runs
   * used is. Default: every run stays unless another rule removes what it used; the newest run is
   * always protected.
   */
  keepRuns?: number;
  /** Remove least-recently-used results until the result store holds at most this ("5GB", "500MiB", bytes). */
  maxBytes?: string | number;
  /** Remove runs, records and results not used for this long ("30d", "12h", ms). */
  olderThan?: string | number;
  /**
   * Never remove a result or record written or read within this time ("10m" by default), so a
   * process using the cache right now does not lose what it is writing or reading.
   */
  grace?: string | number;
  /** Report what would be removed without removing anything. */
  dryRun?: boolean;
  /** Called while listing and deleting (for progress bars on large caches). */
  onProgress?: (progress: GcProgress) => void;
}

/** Options the cache itself adds when it collects (not for users). */
export interface InternalGcOptions extends GcOptions {
  /** Fingerprints never removed (e.g. the results of the run that just finished). */
  protect?: Iterable<Fingerprint>;
  /** Nodes whose records point at values stored inside another node's result (extractFields fields). */
  preserveNodes?: Iterable<string>;
}

/** Progress of a long gc step. `total` is undefined while still listing. */
export interface GcProgress {
  readonly phase: "listing runs" | "listing results" | "listing records" | "removing";
  readonly done: number;
  readonly total: number | undefined;
}

/** What gc removed (or, with dryRun, would remove) and what it kept. */
export interface GcReport {
  readonly dryRun: boolean;
  readonly runsRemoved: number;
  readonly runsKept: number;
  /** Repository records (context key → fingerprint) removed. */
  readonly entriesRemoved: number;
  /** Records left; undefined when the repository cannot list them. */
  readonly entriesKept: number | undefined;
  readonly resultsRemoved: number;
  /** Results left; undefined when the result store cannot list them. */
  readonly resultsKept: number | undefined;
  readonly bytesFreed: number;
  /** Bytes left in the result store; undefined when it cannot list them. */
  readonly bytesKept: number | undefined;
  /** Results kept because a kept run references them or they were used within the grace period. */
  readonly protectedResults: number;
  /** Bytes still above maxBytes after removing everything allowed (0 when under the limit). */
  readonly overLimitBytes: number;
  /** Things gc could not do with these stores, and why the limit was not reached, in words. */
  readonly notes: readonly string[];
}

/** The stores gc works on (opened by the caller). */
export interface CacheStores {
  readonly fingerprintStore: FingerprintRepository;
  readonly resultStore: ResultStore;
}

/** Default grace period: nothing touched in the last 10 minutes is removed. */
export const DEFAULT_GC_GRACE = "10m";
const DELETE_CONCURRENCY = 8;
const PROGRESS_EVERY = 500;

interface StoredResult {
  readonly bytes: number;
  readonly lastAccess: number;
}

/** The decisions of one gc pass, before anything is removed. */
interface GcPlan {
  readonly runIds: string[];
  readonly runsKept: number;
  readonly contextKeys: string[];
  readonly entriesTotal: number | undefined;
  readonly results: Fingerprint[];
  readonly resultsTotal: number | undefined;
  readonly bytesFreed: number;
  readonly bytesTotal: number | undefined;
  readonly protectedResults: number;
  readonly overLimitBytes: number;
  readonly notes: string[];
}

/** Validated gc options, so bad values fail before anything is listed. */
export function checkGcOptions(
  options: GcOptions,
  prefix = "gc",
): { keepRuns?: number; maxBytes?: number; olderThanMs?: number; graceMs: number } {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(
      `${prefix}(options) needs an object like { keepRuns: 10, maxBytes: "5GB", olderThan: "30d" }`,
    );
  }
  const known = ["keepRuns", "maxBytes", "olderThan", "grace", "dryRun", "onProgress", "protect", "preserveNodes"];
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${prefix}(options) has unknown option ${unknown.map((k) => `"${k}"`).join(", ")}; use keepRuns, maxBytes, olderThan, grace, dryRun, onProgress`,
    );
  }
  const { keepRuns } = options;
  if (keepRuns !== undefined && !(Number.isInteger(keepRuns) && keepRuns >= 0)) {
    throw new ConfigurationError(
      `${prefix}({ keepRuns }) must be a whole number ≥ 0 (e.g. 10), got ${String(keepRuns)}`,
    );
  }
  return {
    ...(keepRuns !== undefined ? { keepRuns } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: parseSize(options.maxBytes, `${prefix}({ maxBytes })`) } : {}),
    ...(options.olderThan !== undefined
      ? { olderThanMs: parseDuration(options.olderThan, `${prefix}({ olderThan })`) }
      : {}),
    graceMs: parseDuration(options.grace ?? DEFAULT_GC_GRACE, `${prefix}({ grace })`),
  };
}

/**
 * Collects garbage. The rules (each can only remove more; see docs/cache-lifecycle.md):
 * - the newest `keepRuns` runs (default: the newest run) are protected: nothing they used is removed;
 * - runs beyond `keepRuns` or started before `olderThan` leave the history, and with `keepRuns`
 *   the records only those runs used go too;
 * - nothing written or read within `grace` is removed;
 * - results no record points at, and results and records unused since `olderThan`, are removed;
 * - with `maxBytes`, least-recently-used results go next until the store is under the limit;
 * - records whose result was removed (or is already missing) are removed too, except those of
 *   nodes whose value lives inside another node's result (extractFields fields);
 * - a run left in the history never references a result gc removed (such runs leave it as well).
 * "Used" means read (stores that track reads), referenced by a record written, or used by a run.
 */
export async function collectGarbage(stores: CacheStores, options: InternalGcOptions = {}): Promise<GcReport> {
  const checked = checkGcOptions(options);
  const plan = await planGc(stores, options, checked);
  return executePlan(stores, plan, options);
}

/** Removes every run, record and result (with `dryRun`, only counts them). */
export async function clearCache(
  stores: CacheStores,
  options: Pick<GcOptions, "dryRun" | "onProgress"> = {},
): Promise<GcReport> {
  const { fingerprintStore: repo, resultStore } = stores;
  const notes: string[] = [];
  const runIds = await readRunIds(repo);
  const entries = await listEntries(repo, options.onProgress);
  const results = await listResults(resultStore, options.onProgress);
  if (!entries) notes.push(`${repo.name} cannot list its records (no entries()); they were left in place`);
  if (!results) notes.push(`${resultStore.name} cannot list its results (no list()); they were left in place`);
  let bytes = 0;
  for (const r of results?.values() ?? []) bytes += r.bytes;
  const plan: GcPlan = {
    runIds,
    runsKept: 0,
    contextKeys: (entries ?? []).map((e) => e.contextKey),
    entriesTotal: entries?.length,
    results: [...(results?.keys() ?? [])],
    resultsTotal: results?.size,
    bytesFreed: bytes,
    bytesTotal: results ? bytes : undefined,
    protectedResults: 0,
    overLimitBytes: 0,
    notes,
  };
  return executePlan(stores, plan, options);
}

async function planGc(
  stores: CacheStores,
  options: InternalGcOptions,
  checked: ReturnType<typeof checkGcOptions>,
): Promise<GcPlan> {
  const { fingerprintStore: repo, resultStore } = stores;
  const now = Date.now();
  const graceCutoff = now - checked.graceMs;
  // Used within the grace period: after its start. (With grace 0 nothing is: a write in the same
  // millisecond as gc started is not protected.)
  const inGrace = (time: number): boolean => time > graceCutoff;
  const cutoff = checked.olderThanMs === undefined ? undefined : now - checked.olderThanMs;
  const tooOld = (time: number): boolean => cutoff !== undefined && time < cutoff;
  const notes: string[] = [];

  // 1. Run history. Protecting runs: the newest `keepRuns` (default: the newest one, so the last
  //    run stays warm). Runs beyond keepRuns or older than olderThan leave the history.
  options.onProgress?.({ phase: "listing runs", done: 0, total: undefined });
  const runs: RunRecord[] = await readRuns(repo);
  if ((checked.keepRuns !== undefined || cutoff !== undefined) && !repo.listRuns) {
    notes.push(`${repo.name} keeps no run history; keepRuns/olderThan only apply to records and results`);
  }
  const protecting: RunRecord[] = [];
  const others: RunRecord[] = [];
  const removedRuns = new Set<string>();
  runs.forEach((run, index) => {
    const beyondCount = checked.keepRuns !== undefined && index >= checked.keepRuns;
    if (beyondCount || tooOld(run.startedAt)) removedRuns.add(run.runId);
    else if (index < (checked.keepRuns ?? 1)) protecting.push(run);
    else others.push(run);
  });
  const protectedFingerprints = new Set<Fingerprint>(options.protect ?? []);
  const protectedKeys = new Set<string>();
  for (const run of protecting) {
    for (const node of run.nodes) {
      if (node.fingerprint !== undefined) protectedFingerprints.add(node.fingerprint);
      if (node.contextKey !== undefined) protectedKeys.add(node.contextKey);
    }
  }
  const survivingRuns = [...protecting, ...others];
  const usedKeys = new Set<string>();
  for (const run of survivingRuns)
    for (const node of run.nodes) if (node.contextKey !== undefined) usedKeys.add(node.contextKey);
  const preserveNodes = new Set<string>(options.preserveNodes ?? []);
  for (const name of storelessNodesOf(runs)) preserveNodes.add(name);

  // 2. What is stored.
  const results = await listResults(resultStore, options.onProgress);
  const entries = await listEntries(repo, options.onProgress);
  if (!results) notes.push(`${resultStore.name} cannot list its results (no list()); results were not collected`);
  if (!entries)
    notes.push(
      `${repo.name} cannot list its records (no entries()); records were not collected and no result counts as unreferenced`,
    );
  if (entries && !repo.delete) notes.push(`${repo.name} cannot delete records (no delete()); records were kept`);

  // When a result was last used: read (stores that track reads), referenced by a new record, or
  // used by a run still in the history — so stores that do not track reads still age correctly.
  const lastUse = new Map<Fingerprint, number>();
  const use = (fp: Fingerprint, time: number): void => {
    if (time > (lastUse.get(fp) ?? Number.NEGATIVE_INFINITY)) lastUse.set(fp, time);
  };
  for (const [key, r] of results ?? []) use(key, r.lastAccess);
  for (const e of entries ?? []) use(e.fingerprint, e.createdAt);
  for (const run of survivingRuns)
    for (const node of run.nodes) if (node.fingerprint !== undefined) use(node.fingerprint, run.startedAt);
  const lastUseOf = (fp: Fingerprint): number => lastUse.get(fp) ?? 0;

  // 3. Records no longer wanted: with keepRuns, those no kept run used; with olderThan, those unused since.
  const removeKeys = new Set<string>();
  const canDeleteRecords = entries !== undefined && repo.delete !== undefined;
  const byRuns = checked.keepRuns !== undefined && repo.listRuns !== undefined;
  if (canDeleteRecords && (cutoff !== undefined || byRuns)) {
    for (const e of entries) {
      if (protectedKeys.has(e.contextKey) || inGrace(e.createdAt)) continue;
      if ((byRuns && !usedKeys.has(e.contextKey)) || tooOld(Math.max(e.createdAt, lastUseOf(e.fingerprint))))
        removeKeys.add(e.contextKey);
    }
  }

  // 4. Results: unreferenced, unused since olderThan, then least recently used above maxBytes.
  const removeResults = new Set<Fingerprint>();
  let bytesTotal = 0;
  let bytesFreed = 0;
  let overLimitBytes = 0;
  let protectedCount = 0;
  if (results) {
    const referenced = entries
      ? new Set(entries.filter((e) => !removeKeys.has(e.contextKey)).map((e) => e.fingerprint))
      : undefined;
    const removable: Fingerprint[] = [];
    for (const [key, r] of results) {
      bytesTotal += r.bytes;
      if (protectedFingerprints.has(key) || inGrace(lastUseOf(key))) {
        protectedCount++;
        continue;
      }
      if ((referenced !== undefined && !referenced.has(key)) || tooOld(lastUseOf(key))) {
        removeResults.add(key);
        bytesFreed += r.bytes;
      } else {
        removable.push(key);
      }
    }
    if (checked.maxBytes !== undefined && bytesTotal - bytesFreed > checked.maxBytes) {
      removable.sort((a, b) => lastUseOf(a) - lastUseOf(b));
      for (const key of removable) {
        if (bytesTotal - bytesFreed <= checked.maxBytes) break;
        removeResults.add(key);
        bytesFreed += results.get(key)?.bytes ?? 0;
      }
      overLimitBytes = Math.max(0, bytesTotal - bytesFreed - checked.maxBytes);
      if (overLimitBytes > 0) {
        notes.push(
          `still ${formatBytes(overLimitBytes)} over maxBytes: the rest is used by the ${protecting.length === 1 ? "newest run" : `${protecting.length} kept runs`} or was used within the grace period`,
        );
      }
    }
  }

  // 5. Records whose result is gone or going (not those of nodes that store no result of their own).
  if (canDeleteRecords && results) {
    for (const e of entries) {
      if (removeKeys.has(e.contextKey) || inGrace(e.createdAt) || preserveNodes.has(e.node)) continue;
      if (removeResults.has(e.fingerprint) || !results.has(e.fingerprint)) removeKeys.add(e.contextKey);
    }
  }

  // 6. A run left in the history never references a result gc removed: such runs leave it too.
  let keptRuns = runs.length - removedRuns.size;
  if (repo.deleteRuns) {
    for (const run of others) {
      if (run.nodes.some((n) => n.fingerprint !== undefined && removeResults.has(n.fingerprint)))
        removedRuns.add(run.runId);
    }
    keptRuns = runs.length - removedRuns.size;
  } else if (removedRuns.size > 0) {
    notes.push(`${repo.name} cannot delete runs (no deleteRuns()); the history was kept`);
    removedRuns.clear();
    keptRuns = runs.length;
  }

  return {
    runIds: [...removedRuns],
    runsKept: keptRuns,
    contextKeys: [...removeKeys],
    entriesTotal: entries?.length,
    results: [...removeResults],
    resultsTotal: results?.size,
    bytesFreed,
    bytesTotal: results ? bytesTotal : undefined,
    protectedResults: protectedCount,
    overLimitBytes,
    notes,
  };
}

async function executePlan(stores: CacheStores, plan: GcPlan, options: GcOptions): Promise<GcReport> {
  const { fingerprintStore: repo, resultStore } = stores;
  const dryRun = options.dryRun === true;
  if (!dryRun) {
    const total = plan.contextKeys.length + plan.results.length;
    let done = 0;
    const tick = (): void => {
      done++;
      if (done % PROGRESS_EVERY === 0 || done === total) options.onProgress?.({ phase: "removing", done, total });
    };
    options.onProgress?.({ phase: "removing", done: 0, total });
    if (plan.runIds.length > 0 && repo.deleteRuns) await repo.deleteRuns(plan.runIds);
    // Records before results: a run racing with gc then sees a clean miss rather than a record
    // whose result vanished (which it would also survive, by recomputing with a warning).
    const deleteRecord = repo.delete?.bind(repo);
    if (deleteRecord) {
      await forEachLimit(plan.contextKeys, DELETE_CONCURRENCY, async (key) => {
        await deleteRecord(key);
        tick();
      });
    }
    await forEachLimit(plan.results, DELETE_CONCURRENCY, async (key) => {
      await resultStore.delete(key);
      tick();
    });
  }
  return {
    dryRun,
    runsRemoved: plan.runIds.length,
    runsKept: plan.runsKept,
    entriesRemoved: plan.contextKeys.length,
    entriesKept: plan.entriesTotal === undefined ? undefined : plan.entriesTotal - plan.contextKeys.length,
    resultsRemoved: plan.results.length,
    resultsKept: plan.resultsTotal === undefined ? undefined : plan.resultsTotal - plan.results.length,
    bytesFreed: plan.bytesFreed,
    bytesKept: plan.bytesTotal === undefined ? undefined : plan.bytesTotal - plan.bytesFreed,
    protectedResults: plan.protectedResults,
    overLimitBytes: plan.overLimitBytes,
    notes: plan.notes,
  };
}

async function listResults(
  store: ResultStore,
  onProgress: GcOptions["onProgress"],
): Promise<Map<Fingerprint, StoredResult> | undefined> {
  if (!store.list) return undefined;
  const results = new Map<Fingerprint, StoredResult>();
  onProgress?.({ phase: "listing results", done: 0, total: undefined });
  try {
    for await (const item of store.list()) {
      results.set(item.key, { bytes: item.bytes, lastAccess: item.lastAccess });
      if (results.size % PROGRESS_EVERY === 0)
        onProgress?.({ phase: "listing results", done: results.size, total: undefined });
    }
  } catch (error) {
    throw StoreError.wrap(store.name, "list", error);
  }
  return results;
}

async function listEntries(
  repo: FingerprintRepository,
  onProgress: GcOptions["onProgress"],
): Promise<FingerprintEntry[] | undefined> {
  if (!repo.entries) return undefined;
  const entries: FingerprintEntry[] = [];
  onProgress?.({ phase: "listing records", done: 0, total: undefined });
  try {
    for await (const entry of repo.entries()) {
      entries.push(entry);
      if (entries.length % PROGRESS_EVERY === 0)
        onProgress?.({ phase: "listing records", done: entries.length, total: undefined });
    }
  } catch (error) {
    throw StoreError.wrap(repo.name, "entries", error);
  }
  return entries;
}

/**
 * Nodes whose records point at a value stored inside another node's result (extractFields field
 * nodes), recognised in the run history by their `pickedFrom` (older records: their reason). Their records
 * have no result of their own and must not be collected as dangling.
 */
export function storelessNodesOf(runs: readonly RunRecord[]): Set<string> {
  const names = new Set<string>();
  for (const run of runs) {
    for (const node of run.nodes) if (pickedFromOf(node) !== undefined) names.add(node.node);
  }
  return names;
}
