// Speculative lookups with results on S3 (moto) and a file repository: the same outcomes as level by
// level, after deletions, expiry and another process's writes, and a warm run in two round trips.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { FileFingerprintRepository } from "@ham/core";
import { S3ResultStore } from "@ham/store-s3";
import { afterAll, beforeAll } from "vitest";
import { predictionCases } from "../../core/test/prediction-suite.js";
import { createBucket, describeS3, emptyBucket, testClientConfig, uniqueBucket } from "./env.js";

describeS3("predicted vs level-by-level lookups with S3 results", () => {
  const bucket = uniqueBucket("predict");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-s3-predict-"));
  let client: S3Client;
  let setups = 0;
  beforeAll(async () => {
    client = new S3Client(testClientConfig());
    await createBucket(client, bucket);
  });
  afterAll(async () => {
    await emptyBucket(client, bucket, "", true);
    client.destroy();
    fs.rmSync(root, { recursive: true, force: true });
  });
  // A chain of 30 when nothing changed: every cold run uploads each node's result to moto.
  predictionCases(
    () => {
      const name = `p${setups++}`;
      return {
        fingerprintStore: new FileFingerprintRepository({ path: path.join(root, name) }),
        resultStore: new S3ResultStore({ bucket, prefix: name, client }),
      };
    },
    { chain: 30 },
  );
});
