// Speculative lookups with results on S3 (moto) and a file repository: the same outcomes as level by
// level, after deletions, expiry and another process's writes, and a warm run in two round trips.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { FileFingerprintRepository } from "@ham/core";
import { S3ResultStore } from "@ham/store-s3";
import { afterAll } from "vitest";
import { predictionCases } from "../../core/test/prediction-suite.js";
import { describeS3, testBucket } from "./env.js";

describeS3("predicted vs level-by-level lookups with S3 results", () => {
  const { bucket, admin: client } = testBucket("predict");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-s3-predict-"));
  let setups = 0;
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
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
