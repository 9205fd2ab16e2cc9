// Runs @ham/conformance against S3ResultStore on the S3 test server, one bucket for this file.
import { S3Client } from "@aws-sdk/client-s3";
import { describeResultStore } from "@ham/conformance";
import { S3ResultStore } from "@ham/store-s3";
import { afterAll, beforeAll } from "vitest";
import { createBucket, describeS3, emptyBucket, testClientConfig, uniqueBucket } from "./env.js";

describeS3("S3ResultStore passes @ham/conformance", () => {
  const bucket = uniqueBucket("conformance");
  let admin: S3Client;
  beforeAll(async () => {
    admin = new S3Client(testClientConfig());
    await createBucket(admin, bucket);
  });
  afterAll(async () => {
    await emptyBucket(admin, bucket, "", true);
    admin.destroy();
  });

  describeResultStore(
    "S3ResultStore",
    ({ namespace }) => new S3ResultStore({ bucket, prefix: `runs/${namespace}`, clientConfig: testClientConfig() }),
    { cleanup: ({ namespace }) => emptyBucket(admin, bucket, `runs/${namespace}/`) },
  );
});
