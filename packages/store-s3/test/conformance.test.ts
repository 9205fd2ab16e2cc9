// Runs @ham/conformance against S3ResultStore on the S3 test server, one bucket for this file.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { describeResultStore } from "@ham/conformance";
import { S3ResultStore } from "@ham/store-s3";

import { describeS3, emptyBucket, testBucket, testClientConfig } from "./env.js";

describeS3("S3ResultStore passes @ham/conformance", () => {
  const { bucket, admin } = testBucket("conformance");

  describeResultStore(
    "S3ResultStore",
    ({ namespace }) => new S3ResultStore({ bucket, prefix: `runs/${namespace}`, clientConfig: testClientConfig() }),
    {
      cleanup: ({ namespace }) => emptyBucket(admin, bucket, `runs/${namespace}/`),
      // Every object with its size, ETag and modification time: changes if anything writes or deletes.
      snapshot: async ({ namespace }) => {
        const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `runs/${namespace}/` }));
        return (page.Contents ?? []).map((o) => [o.Key, o.Size, o.ETag, o.LastModified?.toISOString()]);
      },
      // Bit rot: the body changes, the ham-sha256 metadata stays, so the store's own checksum fails.
      damage: async ({ namespace, key }) => {
        const Key = `runs/${namespace}/${key}`;
        const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key }));
        const bytes = await got.Body!.transformToByteArray();
        bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) & 0xff;
        await admin.send(new PutObjectCommand({ Bucket: bucket, Key, Body: bytes, Metadata: got.Metadata }));
      },
    },
  );
});
