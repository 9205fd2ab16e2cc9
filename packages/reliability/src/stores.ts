// Store profiles the reliability tests run against, described as JSON so a child process can open
// the same stores as its parent. Store packages load lazily: a worker loads only the one it uses.
import { FileFingerprintRepository, FileResultStore, type FingerprintRepository, type ResultStore } from "@ham/core";

/** Which stores, and where. */
export type StoreProfile =
  | { kind: "file"; path: string }
  | { kind: "level"; path: string }
  | { kind: "postgres"; url: string; tablePrefix: string }
  | { kind: "postgres-s3"; url: string; tablePrefix: string; endpoint: string; bucket: string; prefix: string };

export interface StorePair {
  fingerprintStore: FingerprintRepository;
  resultStore: ResultStore;
}

/** Opens (lazily: the cache opens them) the repository and result store a profile names. */
export async function storesOf(profile: StoreProfile): Promise<StorePair> {
  switch (profile.kind) {
    case "file":
      return {
        fingerprintStore: new FileFingerprintRepository({ path: profile.path }),
        resultStore: new FileResultStore({ path: profile.path }),
      };
    case "level": {
      const { LevelFingerprintRepository, LevelResultStore } = await import("@ham/store-level");
      return {
        fingerprintStore: new LevelFingerprintRepository({ location: `${profile.path}/records` }),
        resultStore: new LevelResultStore({ location: `${profile.path}/results` }),
      };
    }
    case "postgres": {
      const { PostgresFingerprintRepository, PostgresResultStore } = await import("@ham/store-postgres");
      const options = { connectionString: profile.url, tablePrefix: profile.tablePrefix };
      return {
        fingerprintStore: new PostgresFingerprintRepository(options),
        resultStore: new PostgresResultStore(options),
      };
    }
    case "postgres-s3": {
      const { PostgresFingerprintRepository } = await import("@ham/store-postgres");
      return {
        fingerprintStore: new PostgresFingerprintRepository({
          connectionString: profile.url,
          tablePrefix: profile.tablePrefix,
        }),
        resultStore: await s3Store(profile.endpoint, profile.bucket, profile.prefix),
      };
    }
  }
}

/** An S3 result store on a test server (path-style, test credentials). */
export async function s3Store(endpoint: string, bucket: string, prefix: string): Promise<ResultStore> {
  const { S3ResultStore } = await import("@ham/store-s3");
  const { S3Client, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 2,
  });
  // The store expects an existing bucket (it never creates one): make it, ignoring "already exists".
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: { name?: string }) => {
    if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists") throw error;
  });
  return new S3ResultStore({ bucket, prefix, client });
}

/** Closes both stores, ignoring a store that is already closed or unreachable. */
export async function closeStores(stores: StorePair): Promise<void> {
  await stores.fingerprintStore.close?.().catch(() => undefined);
  await stores.resultStore.close?.().catch(() => undefined);
}
