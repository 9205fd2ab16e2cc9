// Public names of the cache lifecycle: sizes and durations, expiry, garbage collection, inspection.
export { parseSize, parseDuration, formatBytes, formatDuration, plural } from "./parse.js";
export {
  collectGarbage,
  clearCache,
  storelessNodesOf,
  DEFAULT_GC_GRACE,
  type GcOptions,
  type GcReport,
  type GcProgress,
  type CacheStores,
} from "./gc.js";
export { summarizeCache, summarizeRun, explainRun, type CacheSummary, type RunSummary } from "./inspect.js";
export { CacheLifecycle, type LifecycleOptions } from "./cache-lifecycle.js";
