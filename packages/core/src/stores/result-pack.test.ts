// The file store's packed results: layout, old caches, torn tails, damage, other processes, access records, compaction.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CorruptResultError } from "../codec/errors.js";
import { crc32, crc32Js } from "./crc32.js";
import { FileResultStore } from "./file-result-store.js";
import { readPackRecords } from "./pack-records.js";
import { ACCESS_GRANULARITY_MS } from "./result-pack.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-packs-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => void vi.useRealTimers());
let folders = 0;
const freshFolder = (): string => path.join(root, `c${++folders}`);
const bytesOf = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const segments = (dir: string): string[] =>
  fs.existsSync(path.join(dir, "packs"))
    ? fs.readdirSync(path.join(dir, "packs")).filter((n) => n.endsWith(".pack"))
    : [];
const packsSize = (dir: string): number =>
  segments(dir).reduce((n, name) => n + fs.statSync(path.join(dir, "packs", name)).size, 0);
const listed = async (store: FileResultStore) => {
  const out = new Map<string, { bytes: number; lastAccess: number }>();
  for await (const { key, ...rest } of store.list()) out.set(key, rest);
  return out;
};

describe("FileResultStore packs", () => {
  it("results up to packMaxBytes are records in one segment (no file or shard folder each); larger ones are files", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir, packMaxBytes: 100 });
    for (let i = 0; i < 50; i++) await store.set(`small${i}`, bytesOf(100, i));
    await store.set("large0", bytesOf(101, 1));
    expect(segments(dir)).toHaveLength(1);
    const records = readPackRecords(path.join(dir, "packs", segments(dir)[0]!));
    expect(records.map((r) => `${r.type} ${r.key} ${r.length}`)).toEqual(
      Array.from({ length: 50 }, (_, i) => `put small${i} 100`),
    );
    expect(fs.readdirSync(path.join(dir, "results"))).toEqual(["la"]);
    for (let i = 0; i < 50; i++) expect(await store.get(`small${i}`)).toEqual(bytesOf(100, i));
    expect(await store.get("large0")).toEqual(bytesOf(101, 1));
    expect(await store.size()).toBe(50 * 100 + 101);
    // Content-addressed: a second set of a packed key appends nothing.
    const size = packsSize(dir);
    await store.set("small3", bytesOf(100, 3));
    expect(packsSize(dir)).toBe(size);
  });

  it("the default packs results up to 32 KiB", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir });
    await store.set("at0limit", bytesOf(32 * 1024, 1));
    await store.set("above0limit", bytesOf(32 * 1024 + 1, 2));
    expect(readPackRecords(path.join(dir, "packs", segments(dir)[0]!)).map((r) => r.key)).toEqual(["at0limit"]);
    expect(fs.readdirSync(path.join(dir, "results"))).toEqual(["ab"]);
  });

  it("an old cache (one file per result) is read, listed and deleted from by a packing store", async () => {
    const dir = freshFolder();
    const old = new FileResultStore({ path: dir, packMaxBytes: 0 });
    await old.set("old0one", bytesOf(10, 1));
    await old.set("old0two", bytesOf(20, 2));
    await old.close();
    const store = new FileResultStore({ path: dir });
    expect(await store.get("old0one")).toEqual(bytesOf(10, 1));
    expect(await store.getMany(["old0two", "nothing"])).toEqual([bytesOf(20, 2), undefined]);
    expect(await store.has("old0two")).toBe(true);
    await store.set("new0one", bytesOf(5, 3));
    expect([...(await listed(store)).keys()].sort()).toEqual(["new0one", "old0one", "old0two"]);
    await store.delete("old0one");
    expect(await store.get("old0one")).toBeUndefined();
    expect(await store.has("old0one")).toBe(false);
    expect(await store.size()).toBe(25);
  });

  it("a record cut short by a crash (torn tail) is ignored; the records before it are read, and writing goes on in a new segment", async () => {
    const dir = freshFolder();
    const writer = new FileResultStore({ path: dir });
    for (let i = 0; i < 5; i++) await writer.set(`kept${i}`, bytesOf(200, i));
    await writer.set("torn0", bytesOf(200, 9));
    await writer.close();
    const file = path.join(dir, "packs", segments(dir)[0]!);
    const torn = readPackRecords(file).find((r) => r.key === "torn0")!;
    for (const cut of [torn.at + 3, torn.at + 30, torn.dataAt + 100]) {
      fs.truncateSync(file, cut);
      const reader = new FileResultStore({ path: dir });
      for (let i = 0; i < 5; i++) expect(await reader.get(`kept${i}`)).toEqual(bytesOf(200, i));
      expect(await reader.get("torn0")).toBeUndefined();
      expect(await reader.has("torn0")).toBe(false);
      expect([...(await listed(reader)).keys()].sort()).toEqual(["kept0", "kept1", "kept2", "kept3", "kept4"]);
      await reader.set("torn0", bytesOf(200, 9));
      expect(await reader.get("torn0")).toEqual(bytesOf(200, 9));
      await reader.close();
      const again = new FileResultStore({ path: dir });
      expect(await again.get("torn0")).toEqual(bytesOf(200, 9));
      await again.close();
      // Leave only the torn segment for the next cut.
      for (const name of segments(dir))
        if (path.join(dir, "packs", name) !== file) fs.rmSync(path.join(dir, "packs", name));
    }
  });

  it("damaged data rejects with CorruptResultError naming the key; a damaged header hides that record and the ones after it", async () => {
    const dir = freshFolder();
    const writer = new FileResultStore({ path: dir });
    for (const key of ["first", "second", "third"]) await writer.set(key, bytesOf(64, key.length));
    await writer.close();
    const file = path.join(dir, "packs", segments(dir)[0]!);
    const [first, second] = readPackRecords(file);
    const flip = (at: number): void => {
      const fd = fs.openSync(file, "r+");
      const byte = Buffer.alloc(1);
      fs.readSync(fd, byte, 0, 1, at);
      byte[0] = byte[0]! ^ 0x40;
      fs.writeSync(fd, byte, 0, 1, at);
      fs.closeSync(fd);
    };
    flip(first!.dataAt + 10);
    const reader = new FileResultStore({ path: dir });
    const error = await reader.get("first").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptResultError);
    expect((error as Error).message).toMatch(/stored result "first" in .*\.pack fails its checksum/);
    await expect(reader.getMany(["second", "first"])).rejects.toBeInstanceOf(CorruptResultError);
    expect(await reader.get("second")).toEqual(bytesOf(64, 6));
    await reader.close();
    flip(second!.at + 9); // its data length
    const after = new FileResultStore({ path: dir });
    expect(await after.get("second")).toBeUndefined();
    expect(await after.get("third")).toBeUndefined();
    await expect(after.get("first")).rejects.toBeInstanceOf(CorruptResultError);
  });

  it("another process's writes and deletes are seen on a miss, without reopening", async () => {
    const dir = freshFolder();
    const reader = new FileResultStore({ path: dir });
    await reader.set("mine", bytesOf(8, 1));
    expect(await reader.get("theirs")).toBeUndefined();
    const core = fileURLToPath(new URL("./file-result-store.ts", import.meta.url));
    const tsx = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));
    const script = `import { FileResultStore } from ${JSON.stringify(core)};
const s = new FileResultStore({ path: process.argv[2] });
await s.set("theirs", new Uint8Array([1, 2, 3]));
await s.delete("mine");
await s.close();`;
    const file = path.join(root, `child-${folders}.mts`);
    fs.writeFileSync(file, script);
    const child = spawnSync(tsx, [file, dir], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(await reader.get("theirs")).toEqual(new Uint8Array([1, 2, 3]));
    expect([...(await listed(reader)).keys()]).toEqual(["theirs"]);
    expect(await reader.has("mine")).toBe(false);
  });

  it("hits append no write each: one batch of access records, at most one per result per minute, which list() reports after reopening", async () => {
    const dir = freshFolder();
    const written = Date.parse("2001-01-01T00:00:00Z");
    vi.useFakeTimers({ toFake: ["Date"], now: written });
    const store = new FileResultStore({ path: dir });
    for (let i = 0; i < 20; i++) await store.set(`key${i}`, bytesOf(50, i));
    await store.close();
    const size = packsSize(dir);
    const utimes = vi.spyOn(fs, "utimesSync");
    const writes = vi.spyOn(fs, "writeSync");
    const later = written + 3_600_000;
    vi.setSystemTime(later);
    const reader = new FileResultStore({ path: dir });
    for (let round = 0; round < 5; round++) for (let i = 0; i < 10; i++) await reader.get(`key${i}`);
    expect(utimes).not.toHaveBeenCalled();
    expect(writes).not.toHaveBeenCalled();
    expect(packsSize(dir)).toBe(size);
    // In memory at once.
    expect((await listed(reader)).get("key3")?.lastAccess).toBe(later);
    expect((await listed(reader)).get("key13")?.lastAccess).toBe(written);
    await reader.close();
    expect(writes).toHaveBeenCalledTimes(1);
    const grown = packsSize(dir);
    expect(grown).toBeGreaterThan(size);
    // Within the granularity, further hits append nothing.
    vi.setSystemTime(later + ACCESS_GRANULARITY_MS / 2);
    const again = new FileResultStore({ path: dir });
    for (let i = 0; i < 10; i++) await again.get(`key${i}`);
    await again.close();
    expect(packsSize(dir)).toBe(grown);
    utimes.mockRestore();
    writes.mockRestore();
    const fresh = await listed(new FileResultStore({ path: dir }));
    expect(fresh.get("key3")?.lastAccess).toBe(later);
    expect(fresh.get("key13")?.lastAccess).toBe(written);
    // trackAccess: false records nothing.
    vi.setSystemTime(later + 10 * ACCESS_GRANULARITY_MS);
    const untracked = new FileResultStore({ path: dir, trackAccess: false });
    await untracked.get("key15");
    await untracked.close();
    expect(packsSize(dir)).toBe(grown);
  });

  it("deletes compact a sealed segment once half of it is dead; what is left reads the same, here and after reopening", async () => {
    const dir = freshFolder();
    const writer = new FileResultStore({ path: dir });
    for (let i = 0; i < 200; i++) await writer.set(`key${i}`, bytesOf(1000, i));
    await writer.close(); // closed: sealed, this process never appends to it again
    const before = packsSize(dir);
    const gc = new FileResultStore({ path: dir });
    for (let i = 0; i < 190; i++) await gc.delete(`key${i}`);
    const compacted = segments(dir).filter((n) => n.includes("-compact-"));
    expect(compacted).toHaveLength(1);
    // Compacted twice (each time half of it and ≥ 64 KiB were dead): what is left is under a
    // quarter — some dead records below that bar, and the deletions (a few dozen bytes each).
    expect(packsSize(dir)).toBeLessThan(before / 4);
    for (let i = 0; i < 200; i++) expect(await gc.get(`key${i}`)).toEqual(i < 190 ? undefined : bytesOf(1000, i));
    expect(await gc.size()).toBe(10 * 1000);
    await gc.close();
    const reopened = new FileResultStore({ path: dir });
    for (let i = 0; i < 200; i++) expect(await reopened.get(`key${i}`)).toEqual(i < 190 ? undefined : bytesOf(1000, i));
    expect((await listed(reopened)).size).toBe(10);
  });

  it("a live writer's segment is never compacted, and it keeps reading its own records", async () => {
    const dir = freshFolder();
    const writer = new FileResultStore({ path: dir });
    for (let i = 0; i < 200; i++) await writer.set(`key${i}`, bytesOf(1000, i));
    const gc = new FileResultStore({ path: dir });
    for (let i = 0; i < 150; i++) await gc.delete(`key${i}`);
    expect(segments(dir).filter((n) => n.includes("-compact-"))).toEqual([]);
    expect(await writer.get("key199")).toEqual(bytesOf(1000, 199));
    expect(await gc.get("key199")).toEqual(bytesOf(1000, 199));
  });

  it("open() merges many sealed segments into one; the results read the same", async () => {
    const dir = freshFolder();
    const writers = Array.from({ length: 9 }, () => new FileResultStore({ path: dir }));
    for (const [s, writer] of writers.entries()) await writer.set(`key${s}`, bytesOf(30, s));
    for (const writer of writers) await writer.close();
    expect(segments(dir)).toHaveLength(9);
    const reader = new FileResultStore({ path: dir });
    await reader.open();
    expect(segments(dir)).toHaveLength(1);
    expect(segments(dir)[0]).toContain("-compact-");
    for (let s = 0; s < 9; s++) expect(await reader.get(`key${s}`)).toEqual(bytesOf(30, s));
  });

  it("the portable CRC-32 equals the native one", () => {
    for (const n of [0, 1, 7, 64, 1000, 65_537]) {
      const bytes = randomBytes(n);
      expect(crc32Js(bytes)).toBe(crc32(bytes));
      expect(crc32Js(bytes.subarray(n >> 1), crc32Js(bytes.subarray(0, n >> 1)))).toBe(crc32(bytes));
    }
  });
});

describe("FileResultStore.getMany over packs", () => {
  it("reads neighbouring records in one read; each result owns exactly its bytes, in the order asked", async () => {
    const dir = freshFolder();
    const writer = new FileResultStore({ path: dir });
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    for (const [i, key] of keys.entries()) await writer.set(key, bytesOf(100 + i, i));
    await writer.close();
    const reader = new FileResultStore({ path: dir });
    await reader.open();
    const reads = vi.spyOn(fs, "readSync");
    const asked = ["k39", "nothing", ...keys.slice(0, 39).reverse(), "k3"];
    const got = await reader.getMany(asked);
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    expect(got[1]).toBeUndefined();
    asked.forEach((key, i) => {
      if (key === "nothing") return;
      const n = Number(key.slice(1));
      const bytes = got[i] as Uint8Array;
      expect(bytes).toEqual(bytesOf(100 + n, n));
      expect(bytes.buffer.byteLength).toBe(bytes.byteLength); // no view into its neighbours
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
    });
    await reader.close();
  });

  it("a damaged record among them rejects with CorruptResultError; the others read alone are intact", async () => {
    const dir = freshFolder();
    const writer = new FileResultStore({ path: dir });
    for (const key of ["a", "b", "c"]) await writer.set(key, bytesOf(64, key.charCodeAt(0)));
    await writer.close();
    const file = path.join(dir, "packs", segments(dir)[0]!);
    const [, b] = readPackRecords(file);
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, b!.dataAt + 3);
    fs.closeSync(fd);
    const reader = new FileResultStore({ path: dir });
    const error = await reader.getMany(["a", "b", "c"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptResultError);
    expect((error as Error).message).toMatch(/stored result "b" in .*\.pack fails its checksum/);
    expect(await reader.getMany(["c", "a"])).toEqual([bytesOf(64, 99), bytesOf(64, 97)]);
    await reader.close();
  });
});
