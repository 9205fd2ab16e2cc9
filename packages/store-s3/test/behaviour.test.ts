// S3ResultStore on a real S3 server: no re-upload, integrity checks, large values in parts, clear errors.
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Builder, MemoryFingerprintRepository, StoreError } from "@ham/core";
import { CorruptResultError } from "@ham/core/codec";
import { CHECKSUM_METADATA_KEY, S3ResultStore } from "@ham/store-s3";
import { expect, it } from "vitest";
import { describeS3, emptyBucket, testBucket, testClientConfig } from "./env.js";

/** A client that counts the commands it sends, by name (SDK middleware: the requests still happen). */
function countingClient(): { client: S3Client; counts: Map<string, number> } {
  const client = new S3Client(testClientConfig());
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: "initialize", name: "hamCountCommands" },
  );
  return { client, counts };
}

const MiB = 1024 * 1024;

describeS3("S3ResultStore behaviour", () => {
  const { bucket, admin } = testBucket("behaviour");
  let n = 0;
  const prefix = () => `t${++n}`;

  it("set of an existing key uploads nothing: one PutObject for three sets from two instances", async () => {
    const p = prefix();
    const { client, counts } = countingClient();
    const a = new S3ResultStore({ bucket, prefix: p, client });
    const b = new S3ResultStore({ bucket, prefix: p, client });
    const bytes = new TextEncoder().encode("the same value");
    await a.set("fp1", bytes);
    await a.set("fp1", bytes);
    await b.set("fp1", bytes);
    expect(counts.get("PutObjectCommand")).toBe(1);
    expect(new TextDecoder().decode(await b.get("fp1"))).toBe("the same value");
    client.destroy();
  });

  it("writes the SHA-256 of the bytes as object metadata", async () => {
    const p = prefix();
    const store = new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig() });
    await store.set("fp", new Uint8Array([1, 2, 3]));
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `${p}/fp` }));
    expect(head.Metadata?.[CHECKSUM_METADATA_KEY]).toBe("A5BYxvLAy0ksUzsKTRTvd8wPeKvMztUofYShogEc+4E=");
    await store.close();
  });

  it("an object deleted behind the store's back reads as a miss", async () => {
    const p = prefix();
    const store = new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig() });
    await store.set("gone", new Uint8Array([9]));
    await emptyBucket(admin, bucket, `${p}/`);
    expect(await store.get("gone")).toBeUndefined();
    expect(await store.has("gone")).toBe(false);
    await store.close();
  });

  it("an object changed behind the store's back rejects with CorruptResultError and is left in place (reads never delete)", async () => {
    const p = prefix();
    const { client, counts } = countingClient();
    const store = new S3ResultStore({ bucket, prefix: p, client });
    await store.set("fp", new TextEncoder().encode("original"));
    // Same metadata, other bytes: what a damaged copy or a careless tool leaves.
    const head = await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `${p}/fp` }));
    await admin.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${p}/fp`, Body: "tampered", Metadata: head.Metadata }),
    );
    // Bytes written without ham's checksum at all.
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${p}/foreign`, Body: "no checksum" }));

    const changed = await store.get("fp").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(changed).toBeInstanceOf(CorruptResultError);
    expect((changed as Error).message).toMatch(
      new RegExp(`s3://${bucket}/${p}/fp fails its checksum \\(8 bytes, SHA-256 .*\\): it was changed or damaged`),
    );
    const foreign = await store.getMany(["foreign"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(foreign).toBeInstanceOf(CorruptResultError);
    expect((foreign as Error).message).toContain(`s3://${bucket}/${p}/foreign has no ham-sha256 checksum`);
    expect(counts.get("DeleteObjectCommand") ?? 0).toBe(0);
    expect(await store.has("fp")).toBe(true);
    expect(await store.has("foreign")).toBe(true);

    // The cache's repair: delete, then set uploads again.
    await store.delete("fp");
    await store.set("fp", new TextEncoder().encode("original"));
    expect(new TextDecoder().decode(await store.get("fp"))).toBe("original");
    await store.close();
    client.destroy();
  });

  it("opened read-only: a damaged object is recomputed by the cache but never deleted, and set/delete are refused", async () => {
    const p = prefix();
    const writer = new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig() });
    const dataflow = { A: () => 21, B: (A: number) => ({ answer: A * 2 }) };
    const fingerprintStore = new MemoryFingerprintRepository();
    const first = await new Builder()
      .withModules(dataflow)
      .withCache({ fingerprintStore, resultStore: writer })
      .build();
    await first.execute(["B"]);
    await first.cache.close();
    const key = first.cache.lastRun.B!.fingerprint!;
    const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: `${p}/${key}` }));
    const bytes = await got.Body!.transformToByteArray();
    bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) & 0xff;
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${p}/${key}`, Body: bytes, Metadata: got.Metadata }));
    const damagedTag = (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `${p}/${key}` }))).ETag;

    const { client, counts } = countingClient();
    const warnings: string[] = [];
    const reader = await new Builder()
      .withModules(dataflow)
      .withCache({
        fingerprintStore,
        resultStore: new S3ResultStore({ bucket, prefix: p, client }),
        readOnly: true,
        logger: { warn: (m) => void warnings.push(m) },
      })
      .build();
    expect(await reader.execute(["B"])).toEqual({ B: { answer: 42 } });
    expect(reader.cache.lastRun.B?.outcome).toBe("recomputed");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `cached result ${key} could not be read back (store "s3:${bucket}/${p}": object s3://${bucket}/${p}/${key} fails its checksum`,
    );
    expect([...counts.keys()].filter((name) => !/^(Get|Head|List)/.test(name))).toEqual([]);
    expect((await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: `${p}/${key}` }))).ETag).toBe(damagedTag);

    const readOnly = new S3ResultStore({ bucket, prefix: p, client });
    await readOnly.open({ readOnly: true });
    await readOnly.open();
    for (const write of [() => readOnly.set("other", new Uint8Array([1])), () => readOnly.delete(key)]) {
      const error = await write().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain("opened read-only");
    }
    expect(await readOnly.has(key)).toBe(true);
    await reader.cache.close();
    client.destroy();
  });

  it("a cached result corrupted in S3 is recomputed by the driver, not returned", async () => {
    const p = prefix();
    const bodies: string[] = [];
    const dataflow = {
      A: () => (bodies.push("A"), 21),
      B: (A: number) => (bodies.push("B"), { answer: A * 2 }),
    };
    const fingerprintStore = new MemoryFingerprintRepository();
    const build = () =>
      new Builder()
        .withModules(dataflow)
        .withCache({
          fingerprintStore,
          resultStore: new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig() }),
          logger: { warn: () => {} },
        })
        .build();
    const first = await build();
    expect(await first.execute(["B"])).toEqual({ B: { answer: 42 } });
    await first.cache.close();
    // Damage every stored object while keeping its metadata.
    for await (const { key } of new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig() }).list()) {
      const got = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: `${p}/${key}` }));
      const bytes = await got.Body!.transformToByteArray();
      bytes[bytes.length - 1] = (bytes[bytes.length - 1]! + 1) & 0xff;
      await admin.send(
        new PutObjectCommand({ Bucket: bucket, Key: `${p}/${key}`, Body: bytes, Metadata: got.Metadata }),
      );
    }
    bodies.length = 0;
    const second = await build();
    expect(await second.execute(["B"])).toEqual({ B: { answer: 42 } });
    expect(bodies).toContain("B");
    await second.cache.close();
  });

  it("a value above the multipart threshold is uploaded in parts and reads back whole", async () => {
    const p = prefix();
    const { client, counts } = countingClient();
    const store = new S3ResultStore({ bucket, prefix: p, client, multipartThreshold: 6 * MiB, partSize: 5 * MiB });
    const bytes = new Uint8Array(12 * MiB + 3);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) & 0xff;
    await store.set("big", bytes);
    expect(counts.get("PutObjectCommand")).toBeUndefined();
    expect(counts.get("UploadPartCommand")).toBe(3);
    expect(counts.get("CompleteMultipartUploadCommand")).toBe(1);
    const back = await store.get("big");
    expect(back?.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(back!).equals(Buffer.from(bytes))).toBe(true);
    client.destroy();
  });

  it("getMany fetches at most `concurrency` objects at once and keeps the order", async () => {
    const p = prefix();
    const store = new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig(), concurrency: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const k of keys) await store.set(k, new TextEncoder().encode(k));
    let inFlight = 0;
    let most = 0;
    const get = store.get.bind(store);
    store.get = async (key: string) => {
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await get(key);
      } finally {
        inFlight--;
      }
    };
    const values = await store.getMany([...keys, "missing"]);
    expect(values.map((v) => (v ? new TextDecoder().decode(v) : v))).toEqual([...keys, undefined]);
    expect(most).toBeLessThanOrEqual(3);
    await store.close();
  });

  it("getMany keeps 16 GETs in flight by default (issue 20) and answers each key in order", async () => {
    const p = prefix();
    const store = new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig() });
    const keys = Array.from({ length: 40 }, (_, i) => `d${i}`);
    await Promise.all(keys.map((k) => store.set(k, new TextEncoder().encode(k))));
    let inFlight = 0;
    let most = 0;
    const get = store.get.bind(store);
    store.get = async (key: string) => {
      most = Math.max(most, ++inFlight);
      try {
        return await get(key);
      } finally {
        inFlight--;
      }
    };
    const values = await store.getMany(["missing", ...keys, "d3"]);
    expect(values.map((v) => (v ? new TextDecoder().decode(v) : v))).toEqual([undefined, ...keys, "d3"]);
    expect(most).toBe(16);
    await store.close();
  });

  it("a missing bucket gives a clear StoreError on open and on first use", async () => {
    const store = new S3ResultStore({ bucket: "no-such-bucket-ham", clientConfig: testClientConfig() });
    const error = await store.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(
      "bucket no-such-bucket-ham does not exist: create it or check the name/region",
    );
    const onGet = await store.get("x").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((onGet as Error).message).toContain("does not exist");
  });

  it("SDK failures become StoreErrors naming the bucket and key, never the secret key", async () => {
    const secret = "SuperSecretKeyValue123";
    const store = new S3ResultStore({
      bucket,
      prefix: "p",
      clientConfig: {
        ...testClientConfig(),
        endpoint: "http://127.0.0.1:1",
        maxAttempts: 1,
        credentials: { accessKeyId: "AKIDTEST", secretAccessKey: secret },
      },
    });
    const error = await store.get("fp").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).store).toBe(`s3:${bucket}/p`);
    expect((error as Error).message).toContain(`s3://${bucket}`);
    expect((error as Error).message).not.toContain(secret);
  });
});
