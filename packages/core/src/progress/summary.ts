// The one-line run summary ("6 nodes: 5 from cache, 1 computed · saved ~12.4s") and the time the cache saved.
import type { FingerprintRepository, NodeOutcome, NodeRunRecord } from "../contracts.js";
import { readStoredRuns } from "../stores/run-history.js";
import { plural } from "../lifecycle/parse.js";

/** How many recent runs of the history are read (once per open) to find what hits cost to compute. */
const HISTORY_RUNS = 50;

/**
 * Time saved by hits = what those nodes took when they were computed. Each computed node's duration
 * is already in the run history (NodeRunRecord.durationMs of the run that computed it, found by the
 * same context key), so nothing new is stored: durations seen in this process are remembered, and the
 * history is read at most once per open for keys computed by earlier processes.
 *
 * Async nodes' durations overlap (each is call-to-settle wall time), so the hits computed by one run
 * are credited at most that run's wall time: the estimate never exceeds what the runs it replaces took.
 */
export class ComputeDurations {
  readonly #byContextKey = new Map<string, { ms: number; runId: string }>();
  readonly #runWallMs = new Map<string, number>();
  #historyRead = false;

  /** Notes what computed nodes took in run `runId`, which took `wallMs` (call after every run). */
  remember(records: readonly NodeRunRecord[], runId: string, wallMs: number): void {
    let computed = false;
    for (const record of records) {
      if (!isComputation(record)) continue;
      computed = true;
      this.#byContextKey.set(record.contextKey, { ms: record.durationMs, runId });
    }
    // Only a run that computed something is ever looked up: a warm run leaves nothing behind.
    if (computed) this.#runWallMs.set(runId, wallMs);
  }

  /** Forgets that the history was read (after close, another process may have written more). */
  reset(): void {
    this.#historyRead = false;
  }

  /** Sum of compute durations of the hits; `unknown` counts hits whose computation is not on record. */
  async saved(
    records: readonly NodeRunRecord[],
    repository: FingerprintRepository,
  ): Promise<{ ms: number; unknown: number }> {
    const hits = records.filter((r) => r.outcome === "hit" && r.contextKey !== undefined);
    if (
      !this.#historyRead &&
      hits.some((r) => !this.#byContextKey.has(r.contextKey as string)) &&
      repository.listRuns
    ) {
      this.#historyRead = true;
      try {
        for (const run of await readStoredRuns(repository, { limit: HISTORY_RUNS })) {
          if (!this.#runWallMs.has(run.runId)) this.#runWallMs.set(run.runId, run.durationMs);
          for (const record of run.nodes) {
            // Newest first: keep the most recent computation of a key.
            if (isComputation(record) && !this.#byContextKey.has(record.contextKey)) {
              this.#byContextKey.set(record.contextKey, { ms: record.durationMs, runId: run.runId });
            }
          }
        }
      } catch {
        // The summary is informational: a history that cannot be read leaves the saving unknown.
      }
    }
    const byRun = new Map<string, number>();
    let unknown = 0;
    for (const hit of hits) {
      const took = this.#byContextKey.get(hit.contextKey as string);
      if (took === undefined) unknown++;
      else byRun.set(took.runId, (byRun.get(took.runId) ?? 0) + took.ms);
    }
    let ms = 0;
    for (const [runId, sum] of byRun) ms += Math.min(sum, this.#runWallMs.get(runId) ?? sum);
    return { ms, unknown };
  }
}

function isComputation(record: NodeRunRecord): record is NodeRunRecord & { contextKey: string } {
  return (record.outcome === "computed" || record.outcome === "recomputed") && record.contextKey !== undefined;
}

/** "6 nodes: 5 from cache, 1 computed" plus " · saved ~1.2s" when hits saved 10 ms or more. */
export function summaryLine(records: readonly NodeRunRecord[], saved?: { ms: number; unknown: number }): string {
  const nodes = records.filter((r) => r.outcome !== "input" && r.outcome !== "override");
  const count = (outcome: NodeOutcome) => nodes.filter((r) => r.outcome === outcome).length;
  const parts = [
    `${count("hit")} from cache`,
    `${count("computed")} computed`,
    count("recomputed") ? `${count("recomputed")} recomputed` : "",
    count("disabled") ? `${count("disabled")} uncached (disabled)` : "",
    count("failed") ? `${count("failed")} failed` : "",
  ].filter(Boolean);
  let line = `${plural(nodes.length, "node")}: ${parts.join(", ")}`;
  // Savings under 10 ms are noise next to the run itself: the line stays as short as it was.
  if (saved && count("hit") > 0 && saved.ms >= 10) {
    line += ` · saved ${saved.unknown > 0 ? "≥ " : "~"}${formatDuration(saved.ms)}`;
  }
  return line;
}

/** 850ms, 12.4s, 3m 05s, 1h 02m: short, for one line. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
