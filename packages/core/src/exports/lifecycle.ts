/**
 * `@ham/core/lifecycle`: the cache's housekeeping and inspection, as the `ham` command and `ham ui` use
 * them — garbage collection, clearing, summaries, run history and explanations, sizes and durations.
 * @packageDocumentation
 */
export {
  parseSize,
  parseDuration,
  formatBytes,
  plural,
  collectGarbage,
  clearCache,
  storelessNodesOf,
  summarizeCache,
  summarizeRun,
  explainRun,
  type GcOptions,
  type GcReport,
  type GcProgress,
  type CacheStores,
  type CacheSummary,
  type RunSummary,
} from "../lifecycle/index.js";
export { readRuns, readRun } from "../stores/index.js";
export { compareNodeRecords, type Explanation } from "../lifecycle/explain.js";
export { ComputeDurations } from "../progress/summary.js";
