// What the progress adapter reads from the driver's cache (the GraphCache contract): each run's
// outcomes, that run's summary line, whether the cache's logger prints the summary itself.
import type { GraphCache } from "../contracts.js";
import { named } from "../graph/names.js";
import type { ProgressCacheView, ProgressOutcome } from "./progress.js";

export function cacheProgressView(cache: GraphCache): ProgressCacheView {
  return {
    outcomeOf(runId, node) {
      const run = cache.run(runId);
      const outcome = run === undefined ? undefined : named(run.records, node)?.outcome;
      return outcome === undefined || outcome === "input" || outcome === "override"
        ? undefined
        : (outcome as ProgressOutcome);
    },
    summary(runId) {
      const run = cache.run(runId);
      return cache.summary(run === undefined ? undefined : Object.values(run.records));
    },
    logsSummary: () => cache.logs("info"),
    hits(runId) {
      const run = cache.run(runId);
      return run === undefined
        ? undefined
        : Object.values(run.records).filter((record) => record.outcome === "hit").length;
    },
  };
}
