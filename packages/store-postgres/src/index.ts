// Public API of @ham/store-postgres, listed by name.
export { PostgresFingerprintRepository } from "./fingerprint-repository.js";
export type { PostgresFingerprintRepositoryOptions } from "./fingerprint-repository.js";
export { PostgresResultStore } from "./result-store.js";
export type { PostgresResultStoreOptions } from "./result-store.js";
export type { PostgresConnectionOptions, PostgresStoreOptions } from "./options.js";
