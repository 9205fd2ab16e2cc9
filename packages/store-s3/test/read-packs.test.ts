// Read packs on a real S3 server: the next getMany of the same keys is one GET, and a pack never
// outlives a delete, is ignored when damaged, and is not written when switched off or read-only.
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CHECKSUM_METADATA_KEY, S3ResultStore } from "@ham/store-s3";
import { describe, expect, it } from "vitest";
import { PACK_MIN_KEYS, decodePack, encodePack, packName } from "../src/read-packs.js";
import { describeS3, testBucket, testClientConfig } from "./env.js";

/** A client that counts GetObject requests (SDK middleware: the requests still happen). */
function countingClient(): { client: S3Client; gets: () => number } {
  const client = new S3Client(testClientConfig());
  let gets = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "GetObjectCommand") gets++;
      return next(args);
    },
    { step: "initialize", name: "hamCountGets" },
  );
  return { client, gets: () => gets };
}

const bytesOf = (i: number) => new TextEncoder().encode(`result number ${i}`);
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe("read pack encoding", () => {
  it("round-trips keys and bytes, and refuses anything else", () => {
    const entries = new Map([
      ["a", new Uint8Array([1, 2, 3])],
      ["ключ", new Uint8Array(0)],
      ["c", new Uint8Array(300).fill(7)],
    ]);
    const pack = encodePack(entries);
    const back = decodePack(pack)!;
    expect([...back.keys()]).toEqual(["a", "ключ", "c"]);
    for (const [key, bytes] of entries) expect(Buffer.from(back.get(key)!).equals(Buffer.from(bytes))).toBe(true);
    expect(decodePack(pack.subarray(0, pack.byteLength - 1))).toBeUndefined();
    expect(decodePack(Buffer.concat([pack, Buffer.from([0])]))).toBeUndefined();
    expect(decodePack(new TextEncoder().encode("HAMPACK2\0\0\0\0"))).toBeUndefined();
  });

  it("names a set of keys the same in any order and with repeats, and another set otherwise", () => {
    expect(packName(["b", "a", "c"])).toBe(packName(["a", "c", "b", "a"]));
    expect(packName(["a", "b"])).not.toBe(packName(["a", "b", "c"]));
    expect(packName(["a\nb"])).not.toBe(packName(["a", "b"]));
  });
});

describeS3("S3ResultStore read packs", () => {
  const { bucket, admin } = testBucket("packs");
  let n = 0;
  const prefix = () => `p${++n}`;
  const keys = Array.from({ length: 12 }, (_, i) => `fp${i}`);

  async function filled(p: string, options: Partial<ConstructorParameters<typeof S3ResultStore>[0]> = {}) {
    const store = new S3ResultStore({ bucket, prefix: p, clientConfig: testClientConfig(), ...options });
    await Promise.all(keys.map((key, i) => store.set(key, bytesOf(i))));
    return store;
  }

  async function packObjects(p: string): Promise<string[]> {
    const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${p}/.packs/` }));
    return (page.Contents ?? []).map((object) => object.Key!);
  }

  it("a second getMany of the same keys, in another order, is one GET and gives the same bytes", async () => {
    const p = prefix();
    const writer = await filled(p);
    expect((await writer.getMany(keys)).map(text)).toEqual(keys.map((_, i) => `result number ${i}`));
    await writer.close(); // waits for the pack
    expect(await packObjects(p)).toHaveLength(1);

    const { client, gets } = countingClient();
    const reader = new S3ResultStore({ bucket, prefix: p, client });
    const asked = [...keys].reverse();
    const got = await reader.getMany(asked);
    expect(gets()).toBe(1);
    expect(got.map(text)).toEqual(asked.map((key) => `result number ${Number(key.slice(2))}`));
    // A different set of keys is not answered by that pack.
    await reader.getMany(keys.slice(1));
    expect(gets()).toBe(1 + 1 + keys.length - 1);
    // The pack is not a result: list() and size() see only the results.
    expect((await collect(reader.list())).map((e) => e.key).sort()).toEqual([...keys].sort());
    await reader.close();
    client.destroy();
  });

  it("delete removes every pack first: a deleted result is never read from a pack", async () => {
    const p = prefix();
    const store = await filled(p);
    await store.getMany(keys);
    await store.getMany(keys.slice(0, PACK_MIN_KEYS));
    await store.close();
    expect(await packObjects(p)).toHaveLength(2);
    await store.open();
    await store.delete("fp3");
    expect(await packObjects(p)).toEqual([]);
    const got = await store.getMany(keys);
    expect(got[3]).toBeUndefined();
    expect(text(got[4])).toBe("result number 4");
    await store.close();
    // With a miss among them, no pack is written.
    expect(await packObjects(p)).toEqual([]);
  });

  it("a delete right after a getMany also removes the pack that getMany is still writing", async () => {
    const p = prefix();
    const store = await filled(p);
    await store.getMany(keys); // its pack is written in the background
    await store.delete("fp5");
    await store.close();
    expect(await packObjects(p)).toEqual([]);
  });

  it("a damaged or foreign pack is ignored, and the results are read one by one", async () => {
    const p = prefix();
    const store = await filled(p);
    const name = packName(keys);
    const wrong = encodePack(new Map(keys.map((key) => [key, new TextEncoder().encode("not the value")])));
    // A pack whose checksum does not match its bytes (changed behind the store's back).
    await admin.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${p}/.packs/${name}`,
        Body: wrong,
        Metadata: { [CHECKSUM_METADATA_KEY]: "AAAA" },
      }),
    );
    expect((await store.getMany(keys)).map(text)).toEqual(keys.map((_, i) => `result number ${i}`));
    await store.close();
    // It was replaced by a good pack, which now answers.
    const { client, gets } = countingClient();
    const reader = new S3ResultStore({ bucket, prefix: p, client });
    expect((await reader.getMany(keys)).map(text)).toEqual(keys.map((_, i) => `result number ${i}`));
    expect(gets()).toBe(1);
    client.destroy();
  });

  it("writes no pack when readPacks is false, when opened read-only, or for fewer than PACK_MIN_KEYS keys", async () => {
    const off = prefix();
    const store = await filled(off, { readPacks: false });
    await store.getMany(keys);
    await store.close();
    expect(await packObjects(off)).toEqual([]);

    const ro = prefix();
    await (await filled(ro)).close();
    const readOnly = new S3ResultStore({ bucket, prefix: ro, clientConfig: testClientConfig() });
    await readOnly.open({ readOnly: true });
    expect((await readOnly.getMany(keys)).map(text)).toEqual(keys.map((_, i) => `result number ${i}`));
    await readOnly.close();
    expect(await packObjects(ro)).toEqual([]);

    const few = prefix();
    const small = await filled(few);
    await small.getMany(keys.slice(0, PACK_MIN_KEYS - 1));
    await small.close();
    expect(await packObjects(few)).toEqual([]);
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
