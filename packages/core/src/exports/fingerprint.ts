/**
 * `@ham/core/fingerprint`: fingerprinting outside a run — the default fingerprinter and its registry,
 * one value's fingerprint, the hashes behind them, and the spec version (docs/fingerprint-spec.md).
 * Call `await hashingReady()` once before hashing.
 * @packageDocumentation
 */
export {
  FINGERPRINT_METHOD,
  FINGERPRINT_SPEC_VERSION,
  FingerprinterRegistry,
  defaultFingerprinter,
  fingerprintValue,
  hashingReady,
  hashBytes,
  hashString,
  type FingerprinterRegistryOptions,
  type FingerprintOptions,
  type FingerprintValueOptions,
} from "../fingerprint/index.js";
export { isUniqueFingerprint } from "../caching/unique.js";
