// S3ResultStore options and their validation.
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { ConfigurationError, type Logger } from "@ham/core";

/** Options of `S3ResultStore`. */
export interface S3ResultStoreOptions {
  /** The bucket that holds results. It must exist: the store never creates buckets. */
  bucket: string;
  /** Folder-like prefix inside the bucket, e.g. "team/ham" (objects are `<prefix>/<key>`). Default: none. */
  prefix?: string;
  /** Your S3 client (its credentials, retries and endpoint are used as they are). */
  client?: S3Client;
  /** Settings for the client the store makes when `client` is not given (region, endpoint, …). */
  clientConfig?: S3ClientConfig;
  /** Objects fetched at once by getMany: at most this many GETs in flight (default 16). */
  concurrency?: number;
  /**
   * Read packs (default true): after a getMany of 8 or more small results (4 MiB in all at most)
   * read one by one, the store writes them together into one object under `<prefix>/.packs/`, so
   * the next getMany of the same keys (the next warm run) is one GET. Results stay their own
   * objects too; `delete` removes every pack first. False: one GET per result, no packs written.
   */
  readPacks?: boolean;
  /** Results above this many bytes are uploaded in parts (default 16 MiB). */
  multipartThreshold?: number;
  /** Size of each uploaded part (default 8 MiB; S3 needs at least 5 MiB). */
  partSize?: number;
  /**
   * @deprecated Not used: an object that fails its checksum is reported with CorruptResultError
   * and the cache warns through its own logger. Accepted so existing code keeps compiling.
   */
  logger?: Logger;
}

export interface ResolvedS3Options {
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client | undefined;
  readonly clientConfig: S3ClientConfig;
  readonly concurrency: number;
  readonly readPacks: boolean;
  readonly multipartThreshold: number;
  readonly partSize: number;
}

const MiB = 1024 * 1024;
// S3's bucket naming rules (the DNS-compatible ones every region accepts).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function resolveS3Options(options: S3ResultStoreOptions): ResolvedS3Options {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError('S3ResultStore: options must be an object like { bucket: "my-bucket" }');
  }
  const { bucket } = options;
  if (typeof bucket !== "string" || !BUCKET.test(bucket) || bucket.includes("..")) {
    throw new ConfigurationError(
      `S3ResultStore: options.bucket must be an S3 bucket name (3-63 lower-case letters, digits, "." and "-"), got ${JSON.stringify(bucket)}`,
    );
  }
  let prefix = options.prefix ?? "";
  if (typeof prefix !== "string") {
    throw new ConfigurationError(
      `S3ResultStore: options.prefix must be a string like "team/ham", got ${typeof prefix}`,
    );
  }
  prefix = prefix.replace(/\/+$/, "");
  if (prefix !== "" && prefix.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new ConfigurationError(
      `S3ResultStore: options.prefix ${JSON.stringify(options.prefix)} must be folder names separated by "/", without a leading "/", empty parts, "." or ".."`,
    );
  }
  if (options.client !== undefined && options.clientConfig !== undefined) {
    throw new ConfigurationError(
      "S3ResultStore: give options.client or options.clientConfig, not both (the client already has its config)",
    );
  }
  if (options.client !== undefined && typeof (options.client as { send?: unknown }).send !== "function") {
    throw new ConfigurationError("S3ResultStore: options.client must be an S3Client from @aws-sdk/client-s3");
  }
  const concurrency = positiveInteger("concurrency", options.concurrency, 16);
  if (options.readPacks !== undefined && typeof options.readPacks !== "boolean") {
    throw new ConfigurationError(
      `S3ResultStore: options.readPacks must be true or false, got ${JSON.stringify(options.readPacks)}`,
    );
  }
  const multipartThreshold = positiveInteger("multipartThreshold", options.multipartThreshold, 16 * MiB);
  const partSize = positiveInteger("partSize", options.partSize, 8 * MiB);
  if (partSize < 5 * MiB) {
    throw new ConfigurationError(
      `S3ResultStore: options.partSize must be at least 5 MiB (S3's minimum part size), got ${partSize}`,
    );
  }
  return {
    bucket,
    prefix,
    client: options.client,
    clientConfig: options.clientConfig ?? {},
    concurrency,
    readPacks: options.readPacks ?? true,
    multipartThreshold,
    partSize,
  };
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`S3ResultStore: options.${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
