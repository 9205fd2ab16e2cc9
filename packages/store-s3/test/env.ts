// Reads the S3 test server's settings; without them tests skip locally (with the reason) and fail in CI.
import {
  CreateBucketCommand,
  S3Client,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe } from "vitest";

const REASON = "HAM_S3_ENDPOINT not set: run `pnpm services:up && source .services/env`";

function readEndpoint(): string | undefined {
  const endpoint = process.env.HAM_S3_ENDPOINT;
  if (endpoint) return endpoint;
  if (process.env.CI) {
    throw new Error(`[store-s3 tests] ${REASON}. CI must run these tests against a real server, never skip them.`);
  }
  console.warn(`[store-s3 tests] skipping S3 tests: ${REASON}`);
  return undefined;
}

export const S3_ENDPOINT = readEndpoint();

/** Client settings for the test server: path-style addressing, any credentials. */
export function testClientConfig(): S3ClientConfig {
  return {
    endpoint: S3_ENDPOINT ?? "http://127.0.0.1:1",
    region: process.env.HAM_S3_REGION ?? "us-east-1",
    forcePathStyle: true,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "test",
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "test",
    },
  };
}

/** `describe` when a server is configured, else `describe.skip` with the reason in its title. */
export function describeS3(name: string, body: () => void): void {
  if (S3_ENDPOINT) describe(name, body);
  else describe.skip(`${name} (skipped: ${REASON})`, body);
}

let counter = 0;
/** A bucket name no other test file or process uses. */
export function uniqueBucket(label: string): string {
  counter += 1;
  return `ham-${label}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase();
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Deletes every object under `prefix` ("" for all), then the bucket itself when asked. */
export async function emptyBucket(client: S3Client, bucket: string, prefix = "", remove = false): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (objects.length > 0)
      await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  if (remove) await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * A bucket of its own for the enclosing describe block: created before its tests, emptied and
 * removed after them; `admin` is a client for looking behind the store's back.
 */
export function testBucket(label: string): { bucket: string; admin: S3Client } {
  const bucket = uniqueBucket(label);
  const admin = new S3Client(testClientConfig());
  beforeAll(() => createBucket(admin, bucket));
  afterAll(async () => {
    await emptyBucket(admin, bucket, "", true);
    admin.destroy();
  });
  return { bucket, admin };
}
