// Public API of @ham/core, listed by name: what a dataflow's author needs to build, run and cache it.
// Tools, plugin authors and tests import the rest from the subpaths in ./exports/ (see package.json).

// Errors
export {
  HamError,
  MissingInputError,
  UnknownNodeError,
  CycleError,
  DuplicateNodeError,
  NodeExecutionError,
  StoreError,
  FingerprintError,
  ConfigurationError,
  isHamError,
  errorMessage,
} from "./errors.js";

// The contracts a cache, adapter or store is written against (store authors: more in @ham/core/stores)
export type {
  Adapter,
  CacheBehavior,
  CachingStrategy,
  Codec,
  Fingerprint,
  FingerprintContext,
  Fingerprinter,
  FingerprintRepository,
  GraphExecuteContext,
  GraphResultContext,
  Logger,
  NodeCacheOptions,
  NodeExecuteContext,
  NodeInfo,
  NodeOutcome,
  NodeResultContext,
  NodeRunRecord,
  ResultStore,
  RunRecord,
} from "./contracts.js";

// Dataflows and the driver
export { Builder, type NodesOf } from "./driver/builder.js";
export { Driver, type ExecuteOptions, type ExecuteResult, type Variable } from "./driver/driver.js";
export { deferredResult } from "./execution/deferred.js";
export { node, type NodeOptions } from "./graph/node-spec.js";
export { parameterize, value, source, extractFields, config, tag, cache } from "./modifiers/index.js";
export type { ProgressOptions, ProgressEvent } from "./progress/progress.js";
export type { LogLevel } from "./logging/logger.js";

// Files and folders as inputs: their content is part of the cache key
export { file, FileInput } from "./files/index.js";

// Caching
export { SmartCache, type CacheStats } from "./caching/smart-cache.js";
export type { CacheOptions } from "./caching/options.js";
export { FingerprintingAdapter, type FingerprintingAdapterOptions } from "./caching/fingerprinting-adapter.js";
export { encodeDict, decodeDict } from "./caching/encode-dict.js";
export type { Explanation } from "./lifecycle/explain.js";
export { FINGERPRINT_METHOD } from "./fingerprint/index.js";

// The embedded stores
export {
  MemoryFingerprintRepository,
  MemoryResultStore,
  FileFingerprintRepository,
  FileResultStore,
  type FileFingerprintRepositoryOptions,
  type FileResultStoreOptions,
} from "./stores/index.js";
