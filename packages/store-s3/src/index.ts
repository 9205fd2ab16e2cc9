// Public API of @ham/store-s3, listed by name.
export { S3ResultStore, CHECKSUM_METADATA_KEY } from "./result-store.js";
export type { S3ResultStoreOptions } from "./options.js";
