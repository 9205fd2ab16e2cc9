// S3ResultStore: results as content-addressed S3 objects, with a SHA-256 written beside each and checked on read.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { type ResultStore, StoreError } from "@ham/core";
import { CorruptResultError } from "@ham/core/codec";
import { type StoreOpenOptions, readOnlyError } from "@ham/core/stores";
import { createHash } from "node:crypto";
import { isNoSuchBucket, isNotFound, isPreconditionFailed, s3StoreError } from "./errors.js";
import { type ResolvedS3Options, type S3ResultStoreOptions, resolveS3Options } from "./options.js";
import { PACK_FOLDER, PACK_MAX_BYTES, PACK_MIN_KEYS, decodePack, encodePack, packName } from "./read-packs.js";

/** Object metadata key (sent as `x-amz-meta-ham-sha256`) holding the base64 SHA-256 of the bytes. */
export const CHECKSUM_METADATA_KEY = "ham-sha256";

type State = "new" | "open" | "closed";

/**
 * Buckets a client you passed in has already found with HeadBucket, in this process: opening a
 * store on the same client and bucket again (a long-running program that builds a driver per run)
 * skips that request. A later request that finds the bucket gone forgets it, so the next open checks.
 */
const foundBuckets = new WeakMap<S3Client, Set<string>>();

/**
 * Result store on S3 (or any S3-compatible server). Objects are `<prefix>/<fingerprint>`;
 * since a fingerprint always names the same value, `set` uploads nothing when the object exists.
 * Every object carries the SHA-256 of its bytes; `get` of an object that fails the check (changed
 * or damaged behind the cache's back) rejects with `CorruptResultError` and leaves the object: the
 * cache warns, recomputes, and (unless read-only) deletes and re-uploads it. `get` never writes;
 * `getMany` of many small results writes a read pack beside them (see `readPacks`). Opened with
 * `{ readOnly: true }`, `set` and `delete` throw a StoreError and no pack is written.
 *
 * ```ts
 * new S3ResultStore({ bucket: "team-cache", prefix: "ham", clientConfig: { region: "eu-west-1" } })
 * ```
 */
export class S3ResultStore implements ResultStore {
  readonly name: string;
  private readonly options: ResolvedS3Options;
  private client: S3Client | undefined;
  private state: State = "new";
  private readOnly = false;
  private opening: Promise<void> | undefined;
  private readonly secrets: string[];
  private readonly uploading = new Map<string, Promise<void>>();
  /** Read packs being written (read-packs.ts); close() waits for them. */
  private readonly packWrites = new Set<Promise<void>>();

  constructor(options: S3ResultStoreOptions) {
    this.options = resolveS3Options(options);
    this.name = `s3:${this.options.bucket}${this.options.prefix ? `/${this.options.prefix}` : ""}`;
    const credentials = this.options.clientConfig.credentials as
      | { secretAccessKey?: unknown; sessionToken?: unknown }
      | undefined;
    this.secrets = [credentials?.secretAccessKey, credentials?.sessionToken].filter(
      (s): s is string => typeof s === "string" && s.length > 0,
    );
  }

  /**
   * Checks that the bucket exists and can be reached (a read; once per client you pass in and bucket,
   * in a process). Idempotent; reopens after close().
   */
  async open(options?: StoreOpenOptions): Promise<void> {
    // Read-only lasts until close(): a later plain open() must not start writing.
    if (options?.readOnly === true) this.readOnly = true;
    if (this.state === "open") return;
    if (this.opening) return this.opening;
    this.opening = (async () => {
      const client = this.options.client ?? new S3Client(this.options.clientConfig);
      const bucket = this.options.bucket;
      try {
        if (!(this.options.client && foundBuckets.get(client)?.has(bucket))) {
          await client.send(new HeadBucketCommand({ Bucket: bucket }));
          if (this.options.client) {
            const found = foundBuckets.get(client) ?? new Set<string>();
            foundBuckets.set(client, found.add(bucket));
          }
        }
      } catch (error) {
        if (!this.options.client) client.destroy();
        // HeadBucket has no body, so a missing bucket shows only as a 404.
        const missing =
          isNoSuchBucket(error) ||
          (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
        throw missing
          ? new StoreError(
              this.name,
              "open",
              `bucket ${this.options.bucket} does not exist: create it or check the name/region`,
              { cause: error },
            )
          : this.fail("open", undefined, error);
      }
      this.client = client;
      this.state = "open";
    })().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  /** Releases the client the store made (a client you passed in stays yours). Idempotent. */
  async close(): Promise<void> {
    if (this.opening) await this.opening.catch(() => {});
    await this.packWritesDone();
    if (this.client && !this.options.client) this.client.destroy();
    this.client = undefined;
    this.state = "closed";
    this.readOnly = false;
  }

  async has(key: string): Promise<boolean> {
    const client = await this.ready("check", key);
    try {
      await client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw this.fail("check", key, error);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const client = await this.ready("get", key);
    const objectKey = this.objectKey(key);
    let read: { bytes: Uint8Array; expected: string | undefined } | undefined;
    try {
      read = await readObject(client, this.options.bucket, objectKey);
    } catch (error) {
      throw this.fail("get", key, error);
    }
    if (read === undefined) return undefined;
    const { bytes, expected } = read;
    const actual = sha256(bytes);
    if (expected === actual) return bytes;
    const problem =
      expected === undefined
        ? `has no ${CHECKSUM_METADATA_KEY} checksum (written by something other than ham?)`
        : `fails its checksum (${bytes.byteLength} bytes, SHA-256 ${actual}, expected ${expected}): it was changed or damaged after it was written`;
    throw new CorruptResultError(`store "${this.name}": object s3://${this.options.bucket}/${objectKey} ${problem}`);
  }

  /**
   * The results of `keys`, each in its place (undefined for a miss): from their read pack when one
   * holds them all (one GET), else with at most `concurrency` GETs in flight, then packed for next
   * time when there are at least PACK_MIN_KEYS of them, all found and small (read-packs.ts).
   */
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const packs = this.options.readPacks && keys.length >= PACK_MIN_KEYS;
    const name = packs ? packName(keys) : "";
    if (packs) {
      const pack = await this.readPack(name);
      if (pack !== undefined && keys.every((key) => pack.has(key))) return keys.map((key) => pack.get(key));
    }
    const results = new Array<Uint8Array | undefined>(keys.length);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const index = next++;
        results[index] = await this.get(keys[index] as string);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, keys.length) }, worker));
    if (packs && !this.readOnly) this.startPackWrite(name, keys, results);
    return results;
  }

  /** The entries of the read pack `name`, or undefined when there is none or it cannot be trusted (it is only a copy). */
  private async readPack(name: string): Promise<Map<string, Uint8Array> | undefined> {
    const client = await this.ready("get", undefined);
    try {
      const read = await readObject(client, this.options.bucket, this.packKey(name));
      if (read === undefined || read.expected !== sha256(read.bytes)) return undefined;
      return decodePack(read.bytes);
    } catch {
      return undefined; // unreadable: the results are read one by one, and report any real failure
    }
  }

  /** Writes the read pack of `keys` in the background when every result was found and they are small. */
  private startPackWrite(name: string, keys: readonly string[], results: readonly (Uint8Array | undefined)[]): void {
    const entries = new Map<string, Uint8Array>();
    let total = 0;
    for (let i = 0; i < keys.length; i++) {
      const bytes = results[i];
      if (bytes === undefined) return;
      if (!entries.has(keys[i] as string)) total += bytes.byteLength;
      entries.set(keys[i] as string, bytes);
    }
    if (total > PACK_MAX_BYTES) return;
    const client = this.client;
    if (client === undefined) return;
    const pack = encodePack(entries);
    const write = client
      .send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: this.packKey(name),
          ContentType: "application/octet-stream",
          Metadata: { [CHECKSUM_METADATA_KEY]: sha256(pack) },
          Body: pack,
          ContentLength: pack.byteLength,
        }),
      )
      .then(
        () => undefined,
        () => undefined, // only a copy: the next getMany reads the results one by one again
      )
      .finally(() => this.packWrites.delete(write));
    this.packWrites.add(write);
  }

  /** Deletes every read pack (before a result is deleted, so no pack still holds it). */
  private async deletePacks(client: S3Client, key: string): Promise<void> {
    // A pack this process is still writing may hold the key: let it land, then remove it with the rest.
    await this.packWritesDone();
    for await (const objects of this.pages(client, `${this.objectKey(PACK_FOLDER)}/`, "delete", key)) {
      await Promise.all(
        objects.map(async (object) => {
          if (!object.Key) return;
          try {
            await client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: object.Key }));
          } catch (error) {
            if (!isNotFound(error)) throw this.fail("delete", key, error);
          }
        }),
      );
    }
  }

  /** Resolves once no read pack is being written (packs started meanwhile included). */
  private async packWritesDone(): Promise<void> {
    while (this.packWrites.size > 0) await Promise.all(this.packWrites);
  }

  private packKey(name: string): string {
    return this.objectKey(`${PACK_FOLDER}/${name}`);
  }

  async set(key: string, bytes: Uint8Array): Promise<void> {
    // Concurrent sets of one key in this process share a single upload.
    const pending = this.uploading.get(key);
    if (pending) return pending;
    const upload = this.upload(key, bytes).finally(() => this.uploading.delete(key));
    this.uploading.set(key, upload);
    return upload;
  }

  private async upload(key: string, bytes: Uint8Array): Promise<void> {
    const client = await this.ready("set", key);
    this.refuseIfReadOnly("set", key);
    // Content-addressed: an existing object already holds this value, so nothing is uploaded.
    if (await this.has(key)) return;
    const objectKey = this.objectKey(key);
    const common = {
      Bucket: this.options.bucket,
      Key: objectKey,
      ContentType: "application/octet-stream",
      Metadata: { [CHECKSUM_METADATA_KEY]: sha256(bytes) },
    };
    try {
      if (bytes.byteLength <= this.options.multipartThreshold) {
        // If-None-Match: another machine that wrote the key since our HEAD wins, we do not overwrite.
        await client.send(
          new PutObjectCommand({ ...common, Body: bytes, ContentLength: bytes.byteLength, IfNoneMatch: "*" }),
        );
      } else {
        await this.uploadInParts(client, common, bytes);
      }
    } catch (error) {
      if (isPreconditionFailed(error)) return; // written by someone else meanwhile: same value
      throw this.fail("set", key, error);
    }
  }

  async delete(key: string): Promise<void> {
    const client = await this.ready("delete", key);
    this.refuseIfReadOnly("delete", key);
    try {
      if (this.options.readPacks) await this.deletePacks(client, key);
      await client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (isNotFound(error)) return;
      throw this.fail("delete", key, error);
    }
  }

  /** Every stored key with its size; `lastAccess` is the object's LastModified (S3 keeps no read time). */
  async *list(): AsyncIterable<{ key: string; bytes: number; lastAccess: number }> {
    const client = await this.ready("list", undefined);
    const listPrefix = this.options.prefix ? `${this.options.prefix}/` : "";
    for await (const objects of this.pages(client, listPrefix, "list", undefined)) {
      for (const object of objects) {
        if (!object.Key) continue;
        const key = object.Key.slice(listPrefix.length);
        // With a prefix, deeper "folders" belong to other stores (e.g. prefix "a" vs "a/b").
        if (key === "" || key.includes("/")) continue;
        yield { key, bytes: object.Size ?? 0, lastAccess: object.LastModified?.getTime() ?? 0 };
      }
    }
  }

  /** The objects under `prefix`, a ListObjectsV2 page at a time; a failed page is a StoreError for `operation`. */
  private async *pages(
    client: S3Client,
    prefix: string,
    operation: string,
    key: string | undefined,
  ): AsyncIterable<NonNullable<ListObjectsV2CommandOutput["Contents"]>> {
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }),
        );
      } catch (error) {
        throw this.fail(operation, key, error);
      }
      yield page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async size(): Promise<number> {
    let total = 0;
    for await (const entry of this.list()) total += entry.bytes;
    return total;
  }

  // ---------------------------------------------------------------------------------------------

  private objectKey(key: string): string {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }

  private async ready(operation: string, key: string | undefined): Promise<S3Client> {
    if (this.state === "closed") {
      throw new StoreError(
        this.name,
        key === undefined ? operation : `${operation} ${JSON.stringify(key)}`,
        "it is closed: call open() before using it again",
      );
    }
    if (this.state !== "open") await this.open();
    if (!this.client)
      throw new StoreError(this.name, operation, "it was closed during the call: call open() before using it again");
    return this.client;
  }

  private refuseIfReadOnly(operation: string, key: string): void {
    if (this.readOnly) throw readOnlyError(this.name, `${operation} ${JSON.stringify(key)}`);
  }

  private fail(operation: string, key: string | undefined, error: unknown): StoreError {
    if (error instanceof StoreError) return error;
    if (isNoSuchBucket(error) && this.client) foundBuckets.get(this.client)?.delete(this.options.bucket);
    return s3StoreError(
      this.name,
      key === undefined ? operation : `${operation} ${JSON.stringify(key)}`,
      this.options.bucket,
      key === undefined ? undefined : this.objectKey(key),
      error,
      this.secrets,
    );
  }

  /** Multipart upload of views into `bytes` (no copies), a few parts at a time; aborted on failure. */
  private async uploadInParts(
    client: S3Client,
    common: { Bucket: string; Key: string; ContentType: string; Metadata: Record<string, string> },
    bytes: Uint8Array,
  ): Promise<void> {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand(common));
    if (!UploadId) throw new Error("CreateMultipartUpload returned no UploadId");
    try {
      const partSize = this.options.partSize;
      const count = Math.ceil(bytes.byteLength / partSize);
      const parts = new Array<{ ETag: string | undefined; PartNumber: number }>(count);
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const index = next++;
          const body = bytes.subarray(index * partSize, Math.min(bytes.byteLength, (index + 1) * partSize));
          const { ETag } = await client.send(
            new UploadPartCommand({
              Bucket: common.Bucket,
              Key: common.Key,
              UploadId,
              PartNumber: index + 1,
              Body: body,
              ContentLength: body.byteLength,
            }),
          );
          parts[index] = { ETag, PartNumber: index + 1 };
        }
      };
      await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: common.Bucket,
          Key: common.Key,
          UploadId,
          MultipartUpload: { Parts: parts },
          IfNoneMatch: "*",
        }),
      );
    } catch (error) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: common.Bucket, Key: common.Key, UploadId }))
        .catch(() => {});
      throw error;
    }
  }
}

/** An object's bytes and its ham-sha256 metadata, or undefined when there is no such object. */
async function readObject(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ bytes: Uint8Array; expected: string | undefined } | undefined> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return {
      bytes: await readBody(response.Body, response.ContentLength),
      expected: response.Metadata?.[CHECKSUM_METADATA_KEY],
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/**
 * Reads a GetObject body. With a known length the bytes go straight into one buffer of that size
 * as they arrive (no second whole-size copy); otherwise the SDK's transformToByteArray.
 */
async function readBody(body: unknown, length: number | undefined): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  const iterable = body as AsyncIterable<Uint8Array>;
  if (length !== undefined && typeof iterable[Symbol.asyncIterator] === "function") {
    const out = new Uint8Array(length);
    let offset = 0;
    for await (const chunk of iterable) {
      if (offset + chunk.byteLength > length)
        throw new Error(`object is longer than its Content-Length (${length} bytes)`);
      out.set(chunk, offset);
      offset += chunk.byteLength;
    }
    if (offset !== length) throw new Error(`object ended after ${offset} of its ${length} bytes`);
    return out;
  }
  return (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
}
