// An object copied under another result's key (CopyObject, a restore to the wrong name) is caught
// without a signing key by the envelope's fingerprint, and with one by the signature: recomputed
// with a warning, never returned.
import { CopyObjectCommand } from "@aws-sdk/client-s3";
import { Builder, MemoryFingerprintRepository } from "@ham/core";
import { S3ResultStore } from "@ham/store-s3";
import { expect, it } from "vitest";
import { describeS3, testBucket, testClientConfig } from "./env.js";

const flow = {
  A: (x: number) => `A of ${x}`,
  B: (A: string) => `${A}, then B`,
};

describeS3("S3 objects copied under the wrong key", () => {
  const { bucket, admin } = testBucket("misplaced");

  async function scenario(prefix: string, signingKey: string | false) {
    const repository = new MemoryFingerprintRepository();
    const run = async () => {
      const warnings: string[] = [];
      const dr = await new Builder()
        .withModules(flow)
        .withCache({
          fingerprintStore: repository,
          resultStore: new S3ResultStore({ bucket, prefix, clientConfig: testClientConfig() }),
          signingKey,
          logger: { warn: (m: string) => void warnings.push(m) },
        })
        .build();
      try {
        const out = await dr.execute(["A", "B"], { inputs: { x: 1 } });
        return { out, warnings, records: { ...dr.cache.lastRun } };
      } finally {
        await dr.close();
      }
    };
    const cold = await run();
    const [a, b] = [cold.records.A?.fingerprint, cold.records.B?.fingerprint];
    // B's object copied over A's, metadata (and so its checksum) included.
    await admin.send(
      new CopyObjectCommand({ Bucket: bucket, CopySource: `${bucket}/${prefix}/${b}`, Key: `${prefix}/${a}` }),
    );
    const warm = await run();
    expect(warm.out).toEqual({ A: "A of 1", B: "A of 1, then B" });
    expect(warm.records.A?.outcome).toBe("recomputed");
    return warm.warnings;
  }

  it("without signing: the envelope names B's fingerprint, so A's key holding it is recomputed", async () => {
    const warnings = await scenario("unsigned", false);
    expect(warnings.some((w) => w.includes("its bytes belong to another entry"))).toBe(true);
  });

  it("with signing: the signature binds the bytes to their key", async () => {
    const warnings = await scenario("signed", "s3-signing-key-0123456789abcdef");
    expect(warnings.some((w) => w.includes("has a wrong signature"))).toBe(true);
  });
});
