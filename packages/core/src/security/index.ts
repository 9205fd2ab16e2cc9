// Applies the cache's trust options to its stores: signing (HMAC over every entry) and read-only.
import type { FingerprintRepository, ResultStore } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { ReadOnlyFingerprintRepository, ReadOnlyResultStore } from "./read-only.js";
import { SignedFingerprintRepository } from "./signed-repository.js";
import { SignedResultStore } from "./signed-result-store.js";
import { resolveSigningKeys, type SigningKey } from "./signing-keys.js";

export { ReadOnlyFingerprintRepository, ReadOnlyResultStore } from "./read-only.js";
export { SignedFingerprintRepository } from "./signed-repository.js";
export { SignedResultStore } from "./signed-result-store.js";
export { resolveSigningKeys, SIGNING_KEY_ENV, MIN_SIGNING_KEY_BYTES, type SigningKey } from "./signing-keys.js";

/** The trust options of `withCache()` this module reads. */
export interface TrustOptions {
  signingKey?: SigningKey | readonly SigningKey[] | false;
  readOnly?: boolean;
}

/**
 * Wraps the stores as the options ask: signing innermost (what is stored is signed and checked),
 * read-only outermost (nothing reaches the store). Checks the options; throws ConfigurationError.
 */
export function protectStores(
  options: TrustOptions,
  stores: { fingerprintStore: FingerprintRepository; resultStore: ResultStore },
  warn: (message: string) => void,
): { fingerprintStore: FingerprintRepository; resultStore: ResultStore } {
  let { fingerprintStore, resultStore } = stores;
  if (options.readOnly !== undefined && typeof options.readOnly !== "boolean") {
    throw new ConfigurationError(
      `withCache({ readOnly }) must be true or false, got ${JSON.stringify(options.readOnly)}`,
    );
  }
  const keys = resolveSigningKeys(options.signingKey);
  if (keys !== undefined) {
    fingerprintStore = new SignedFingerprintRepository(fingerprintStore, keys, warn);
    resultStore = new SignedResultStore(resultStore, keys, warn);
  }
  if (options.readOnly === true) {
    fingerprintStore = new ReadOnlyFingerprintRepository(fingerprintStore, warn);
    resultStore = new ReadOnlyResultStore(resultStore, warn);
  }
  return { fingerprintStore, resultStore };
}
