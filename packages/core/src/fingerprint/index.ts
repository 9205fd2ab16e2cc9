// Public names of the fingerprinting module (re-exported from @ham/core's src/index.ts).
export { FINGERPRINT_METHOD, FINGERPRINT_SPEC_VERSION, uniqueFingerprint } from "./encoder.js";
export {
  FingerprinterRegistry,
  defaultFingerprinter,
  fingerprintValue,
  DEFAULT_MAX_DEPTH,
  type FingerprinterRegistryOptions,
  type FingerprintOptions,
  type FingerprintValueOptions,
} from "./registry.js";
export { hashingReady, isHashingReady, hashBytes, hashString, murmur128, xxh64 } from "./bytes.js";
