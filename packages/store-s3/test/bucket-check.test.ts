// open() checks the bucket with HeadBucket once per client you pass in and bucket (issue 20: a
// program that builds a driver per run does not pay that request every time); a bucket removed
// later is still reported, and the next open checks again.
import { S3Client } from "@aws-sdk/client-s3";
import { StoreError } from "@ham/core";
import { expect, it } from "vitest";
import { S3ResultStore } from "../src/index.js";
import { createBucket, describeS3, emptyBucket, testClientConfig, uniqueBucket } from "./env.js";

/** A client that counts the HeadBucket requests it sends. */
function countingClient(): { client: S3Client; heads: () => number } {
  const client = new S3Client(testClientConfig());
  let heads = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if ((context as { commandName?: string }).commandName === "HeadBucketCommand") heads++;
      return next(args);
    },
    { step: "initialize", name: "countHeads" },
  );
  return { client, heads: () => heads };
}

describeS3("S3ResultStore: the bucket check at open", () => {
  it("stores on one client and bucket check it once; another bucket or client is checked again", async () => {
    const { client, heads } = countingClient();
    const other = uniqueBucket("check-b");
    const bucket = uniqueBucket("check-a");
    await createBucket(client, bucket);
    await createBucket(client, other);
    try {
      const first = new S3ResultStore({ bucket, client });
      await first.open();
      await first.set("k1", new Uint8Array([1, 2, 3]));
      await first.close();
      expect(heads()).toBe(1);
      // The same store reopened, and a new store on the same client and bucket: no new request.
      await first.open();
      const second = new S3ResultStore({ bucket, prefix: "p", client });
      await second.open();
      expect(heads()).toBe(1);
      expect(await first.get("k1")).toEqual(new Uint8Array([1, 2, 3]));
      await Promise.all([first.close(), second.close()]);
      // Another bucket on that client, or the same bucket on another client: checked.
      const elsewhere = new S3ResultStore({ bucket: other, client });
      await elsewhere.open();
      expect(heads()).toBe(2);
      await elsewhere.close();
      const { client: fresh, heads: freshHeads } = countingClient();
      const again = new S3ResultStore({ bucket, client: fresh });
      await again.open();
      expect(freshHeads()).toBe(1);
      await again.close();
      fresh.destroy();
    } finally {
      await emptyBucket(client, bucket, "", true);
      await emptyBucket(client, other, "", true);
      client.destroy();
    }
  });

  it("a bucket removed after its check fails the first request clearly, and the next open checks again", async () => {
    const { client, heads } = countingClient();
    const bucket = uniqueBucket("check-gone");
    await createBucket(client, bucket);
    const first = new S3ResultStore({ bucket, client });
    await first.open();
    await first.close();
    await emptyBucket(client, bucket, "", true);

    const store = new S3ResultStore({ bucket, client });
    await store.open(); // trusted: the bucket was found before
    expect(heads()).toBe(1);
    const failure = await store.set("k", new Uint8Array([1])).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as Error).message).toContain(bucket);
    await store.close();

    const reopened = await store.open().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(heads()).toBe(2);
    expect(reopened).toBeInstanceOf(StoreError);
    expect((reopened as Error).message).toContain(`bucket ${bucket} does not exist`);
    client.destroy();
  });
});
