// Public API of @ham/core, listed by name.
export type * from "./contracts.js";
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

// Dataflows and the driver
export { Builder, type NodesOf } from "./driver/builder.js";
export { Driver, type ExecuteOptions, type ExecuteResult, type OutputName, type Variable } from "./driver/driver.js";
export { type VisualizeOptions, type NodeRunFacts, visualizeRun, OUTCOME_COLORS } from "./driver/visualize.js";
export { renderExecution, renderDot, graphvizAvailable, formatOfFile, type ImageFormat, type PictureFormat } from "./driver/render.js";

// Progress and logging
export { ProgressAdapter, type ProgressOptions, type ProgressEvent, type ProgressOutcome, type ProgressCacheView } from "./progress/progress.js";
export { summaryLine, ComputeDurations } from "./progress/summary.js";
export { resolveLogger, type LogLevel, type LevelLogger, type LoggerSettings } from "./logging/logger.js";
export { deferredResult, isDeferred, DeferredResult } from "./driver/deferred.js";
export { node, type NodeOptions } from "./graph/node-spec.js";
export {
  parameterize,
  value,
  source,
  extractFields,
  config,
  tag,
  cache,
  type BoundValue,
  type BoundSource,
  type Bindings,
  type FieldType,
  type FieldValue,
  type FieldValues,
  type ConfigMatch,
  type WhenOptions,
} from "./modifiers/index.js";
export { type ParamInfo, type GraphNode } from "./graph/graph.js";

// Files and folders as inputs: their content is part of the cache key
export { file, FileInput, isFileInput } from "./files/index.js";

// Executors (where ready nodes run)
export { InProcessExecutor, callArguments, finishResult, invokeNode, runsOnMain, executorCacheOf } from "./execution/index.js";

// Caching
export { SmartCache, type CacheStats } from "./caching/smart-cache.js";
export { type CacheOptions } from "./caching/options.js";
export { FingerprintingAdapter, type FingerprintingAdapterOptions } from "./caching/fingerprinting-adapter.js";
export { encodeDict, decodeDict } from "./caching/encode-dict.js";
export { type Explanation, compareNodeRecords } from "./caching/explain.js";
export { isUniqueFingerprint } from "./caching/unique.js";

// Cache lifecycle: expiry, garbage collection, size limits, inspection (the `ham` command uses these)
export {
  parseSize,
  parseDuration,
  formatBytes,
  plural,
  collectGarbage,
  clearCache,
  DEFAULT_GC_GRACE,
  summarizeCache,
  summarizeRun,
  explainRun,
  storelessNodesOf,
  type GcOptions,
  type GcReport,
  type GcProgress,
  type CacheStores,
  type CacheSummary,
  type RunSummary,
} from "./lifecycle/index.js";

// Fingerprinting
export {
  FINGERPRINT_METHOD,
  FINGERPRINT_SPEC_VERSION,
  uniqueFingerprint,
  FingerprinterRegistry,
  defaultFingerprinter,
  fingerprintValue,
  type FingerprinterRegistryOptions,
  type FingerprintOptions,
  type FingerprintValueOptions,
  hashingReady,
  hashBytes,
  hashString,
  murmur128,
} from "./fingerprint/index.js";

// Stores and codecs
export {
  MemoryFingerprintRepository,
  MemoryResultStore,
  FileFingerprintRepository,
  FileResultStore,
  type FileFingerprintRepositoryOptions,
  type FileResultStoreOptions,
  readOnlyError,
  readRuns,
  readRun,
} from "./stores/index.js";
export { v8Codec, ResultCodec, CodecError, CorruptResultError, type ResultCodecOptions } from "./codec/index.js";
