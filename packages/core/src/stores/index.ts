// Public names of the embedded stores (memory and file), re-exported by @ham/core.
export { MemoryFingerprintRepository } from "./memory-repository.js";
export { MemoryResultStore } from "./memory-result-store.js";
export { FileFingerprintRepository, type FileFingerprintRepositoryOptions } from "./file-repository.js";
export { FileResultStore, type FileResultStoreOptions } from "./file-result-store.js";
export { readOnlyError } from "./lifecycle.js";
export { readRuns, readRun } from "./run-history.js";
