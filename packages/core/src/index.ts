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
} from "./errors.js";
export { hashingReady, hashBytes, hashString, murmur128 } from "./fingerprint/bytes.js";
