/**
 * `@ham/core/stores`: for authors of stores and store decorators — the record types a repository
 * keeps, open options and locks, the read-only error every store gives, and `forwardOptional` for
 * decorators. The contracts themselves (`FingerprintRepository`, `ResultStore`) come from `@ham/core`.
 * @packageDocumentation
 */
export type { FingerprintEntry, FingerprintMeta, ReleaseLock, StoreOpenOptions } from "../contracts.js";
export { readOnlyError } from "../stores/index.js";
export { forwardOptional, type Forwarding, type OptionalMethods } from "../stores/forward-optional.js";
