// Public API of @ham/conformance, listed by name.
export { describeResultStore, describeFingerprintRepository, describeFingerprinter } from "./describe.js";
export type { FingerprinterSuiteOptions } from "./describe.js";
export {
  resultStoreGroups,
  fingerprintRepositoryGroups,
  fingerprinterGroups,
} from "./options.js";
export type {
  ConformanceContext,
  StoreFactory,
  StoreSuiteOptions,
  ResultStoreSuiteOptions,
  SnapshotContext,
  SnapshotHook,
  FingerprintRepositorySuiteOptions,
  ResultStoreGroup,
  FingerprintRepositoryGroup,
  FingerprinterGroup,
} from "./options.js";
export { runCheck, CheckSkipped } from "./harness.js";
export type { Check, CheckResult, Harness, Openable, RunCheckOptions } from "./harness.js";
export { resultStoreChecks } from "./result-store-checks.js";
export { fingerprintRepositoryChecks } from "./fingerprint-repository-checks.js";
export { repositorySigningChecks, resultSigningChecks } from "./signing-checks.js";
export { fingerprinterChecks, runFingerprinterCheck, makeFingerprintContext } from "./fingerprinter-checks.js";
export type {
  FingerprinterCheck,
  FingerprinterFactory,
  FingerprinterSamples,
  FingerprinterSubject,
} from "./fingerprinter-checks.js";
export { patternBytes } from "./assertions.js";
export { folderSnapshot } from "./snapshot.js";
export { URL_SAFE_ALPHABET, CONTEXT_KEY_EXTRA, resultStoreKeySamples, contextKeySamples } from "./keys.js";
export * from "./vectors/index.js";
