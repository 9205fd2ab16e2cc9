// Public API of @ham/store-level, listed by name.
export { LevelFingerprintRepository } from "./level-fingerprint-repository.js";
export type { LevelFingerprintRepositoryOptions } from "./level-fingerprint-repository.js";
export { LevelResultStore } from "./level-result-store.js";
export type { LevelResultStoreOptions } from "./level-result-store.js";
export type { LevelDatabase, LevelStoreOptions } from "./database.js";
