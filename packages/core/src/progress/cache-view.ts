// What the progress adapter reads from a SmartCache: outcomes, the summary line, whether the logger prints it.
import type { SmartCache } from "../caching/smart-cache.js";
import { named } from "../graph/names.js";
import type { ProgressCacheView, ProgressOutcome } from "./progress.js";

export function cacheProgressView(cache: SmartCache): ProgressCacheView {
  return {
    outcomeOf(runId, node) {
      if (cache.lastRunId !== runId) return undefined;
      const outcome = named(cache.lastRun, node)?.outcome;
      return outcome === undefined || outcome === "input" || outcome === "override" ? undefined : (outcome as ProgressOutcome);
    },
    summary: () => cache.summary(),
    logsSummary: () => cache.logger.enabled("info"),
  };
}
