// What a cache holds and how recent runs used it: the numbers behind `ham cache stats` and `ham cache runs`.
import type { FingerprintRepository, NodeOutcome, RunRecord } from "../contracts.js";
import { type Explanation, explainNode } from "./explain.js";
import type { CacheStores, GcProgress } from "./gc.js";
import { readRuns } from "../stores/run-history.js";
import { wasExpired } from "./record-facts.js";

/** One run's use of the cache. */
export interface RunSummary {
  readonly runId: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly outputs: readonly string[];
  /** Nodes that ran or hit (inputs and overrides excluded). */
  readonly nodes: number;
  readonly hits: number;
  /** Misses: nodes computed because no usable entry was stored. */
  readonly computed: number;
  readonly recomputed: number;
  readonly disabled: number;
  readonly failed: number;
  /** Nodes whose entry had expired (maxAge) and were computed again. */
  readonly expired: number;
  /** hits / (hits + computed + recomputed + failed); undefined when no node could hit. */
  readonly hitRate: number | undefined;
}

/** Totals of a cache, for `ham cache stats`. Fields are undefined when a store cannot list. */
export interface CacheSummary {
  readonly repository: string;
  readonly resultStore: string;
  readonly entries: number | undefined;
  readonly results: number | undefined;
  readonly bytes: number | undefined;
  readonly oldestEntryAt: number | undefined;
  readonly newestEntryAt: number | undefined;
  readonly lastAccessAt: number | undefined;
  readonly runs: number | undefined;
  readonly lastRunAt: number | undefined;
  /** How many of the newest runs the hit rate covers. */
  readonly recentRuns: number;
  /** Node hit rate over the recent runs (all their nodes together). */
  readonly hitRate: number | undefined;
  readonly recentHits: number;
  readonly recentMisses: number;
}

const count = (run: RunRecord, outcome: NodeOutcome): number => run.nodes.filter((n) => n.outcome === outcome).length;

/** Hits, misses and hit rate of one run from its history record. */
export function summarizeRun(run: RunRecord): RunSummary {
  const hits = count(run, "hit");
  const computed = count(run, "computed");
  const recomputed = count(run, "recomputed");
  const failed = count(run, "failed");
  const cacheable = hits + computed + recomputed + failed;
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    outputs: run.outputs,
    nodes: run.nodes.filter((n) => n.outcome !== "input" && n.outcome !== "override").length,
    hits,
    computed,
    recomputed,
    disabled: count(run, "disabled"),
    failed,
    expired: run.nodes.filter(wasExpired).length,
    hitRate: cacheable === 0 ? undefined : hits / cacheable,
  };
}

/** Counts records, results and bytes, and the hit rate of the newest `recentRuns` runs (default 10). */
export async function summarizeCache(
  stores: CacheStores,
  options: { recentRuns?: number; onProgress?: (progress: GcProgress) => void } = {},
): Promise<CacheSummary> {
  const { fingerprintStore: repo, resultStore } = stores;
  const recent = options.recentRuns ?? 10;
  let entries: number | undefined;
  let oldest: number | undefined;
  let newest: number | undefined;
  if (repo.entries) {
    entries = 0;
    options.onProgress?.({ phase: "listing records", done: 0, total: undefined });
    for await (const entry of repo.entries()) {
      entries++;
      if (oldest === undefined || entry.createdAt < oldest) oldest = entry.createdAt;
      if (newest === undefined || entry.createdAt > newest) newest = entry.createdAt;
      if (entries % 500 === 0) options.onProgress?.({ phase: "listing records", done: entries, total: undefined });
    }
  }
  let results: number | undefined;
  let bytes: number | undefined;
  let lastAccess: number | undefined;
  if (resultStore.list) {
    results = 0;
    bytes = 0;
    options.onProgress?.({ phase: "listing results", done: 0, total: undefined });
    for await (const item of resultStore.list()) {
      results++;
      bytes += item.bytes;
      if (lastAccess === undefined || item.lastAccess > lastAccess) lastAccess = item.lastAccess;
      if (results % 500 === 0) options.onProgress?.({ phase: "listing results", done: results, total: undefined });
    }
  } else if (resultStore.size) {
    bytes = await resultStore.size();
  }
  const runs = repo.listRuns ? await readRuns(repo) : undefined;
  let hits = 0;
  let misses = 0;
  for (const run of (runs ?? []).slice(0, recent)) {
    const s = summarizeRun(run);
    hits += s.hits;
    misses += s.computed + s.recomputed + s.failed;
  }
  return {
    repository: repo.name,
    resultStore: resultStore.name,
    entries,
    results,
    bytes,
    oldestEntryAt: oldest,
    newestEntryAt: newest,
    lastAccessAt: lastAccess,
    runs: runs?.length,
    lastRunAt: runs?.[0]?.startedAt,
    recentRuns: Math.min(recent, runs?.length ?? 0),
    hitRate: hits + misses === 0 ? undefined : hits / (hits + misses),
    recentHits: hits,
    recentMisses: misses,
  };
}

/** Why `node` hit or ran in run `runId` of the history (`ham cache explain <run> <node>`). */
export function explainRun(repository: FingerprintRepository, runId: string, node: string): Promise<Explanation> {
  return explainNode(repository, undefined, {}, node, runId);
}
