// Behaviour of both embedded result stores (memory and file) against the ResultStore contract.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ResultStore } from "../contracts.js";
import { StoreError } from "../errors.js";
import { FileResultStore, MemoryResultStore } from "./index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-results-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshFolder = (): string => path.join(root, `c${++folders}`);

/** Deterministic bytes of any length. */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed * 31 + i * 7 + (i >>> 8)) & 0xff;
  return bytes;
}

const MiB = 1024 * 1024;

/** Byte-for-byte equality of large arrays (toEqual compares them element by element, slowly). */
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(b);

const kinds: [string, () => ResultStore][] = [
  ["MemoryResultStore", () => new MemoryResultStore()],
  ["FileResultStore", () => new FileResultStore({ path: freshFolder() })],
];

describe.each(kinds)("%s", (_, make) => {
  it("a missing key reads as undefined and has() is false", async () => {
    const store = make();
    await store.open?.();
    expect(await store.get("missing")).toBeUndefined();
    expect(await store.has("missing")).toBe(false);
  });

  it.each([0, 1, 1000, MiB, 32 * MiB])("a value of %i bytes round-trips byte for byte", async (length) => {
    const store = make();
    await store.open?.();
    const bytes = pattern(length, length % 251);
    await store.set(`len${length}`, bytes);
    expect(await store.has(`len${length}`)).toBe(true);
    const got = await store.get(`len${length}`);
    expect(got?.byteLength).toBe(length);
    expect(Buffer.compare(Buffer.from(got!), Buffer.from(bytes))).toBe(0);
  });

  it("a second set of an existing key keeps the stored bytes (content-addressed)", async () => {
    const store = make();
    await store.set("same", pattern(10, 1));
    await store.set("same", pattern(10, 1));
    expect(await store.get("same")).toEqual(pattern(10, 1));
  });

  it("delete removes only that key and a missing key is not an error", async () => {
    const store = make();
    await store.set("gone", pattern(5, 1));
    await store.set("kept", pattern(5, 2));
    await store.delete("gone");
    await store.delete("gone");
    await store.delete("neverThere");
    expect(await store.has("gone")).toBe(false);
    expect(await store.get("gone")).toBeUndefined();
    expect(await store.get("kept")).toEqual(pattern(5, 2));
  });

  it("getMany answers in the order asked, undefined for misses", async () => {
    const store = make();
    await store.set("mA", pattern(3, 1));
    await store.set("mB", pattern(0, 2));
    const got = await store.getMany!(["mB", "nope", "mA", "mB"]);
    expect(got).toEqual([pattern(0, 2), undefined, pattern(3, 1), pattern(0, 2)]);
  });

  it("case twins are different keys", async () => {
    const store = make();
    await store.set("abCD", pattern(4, 1));
    await store.set("ABcd", pattern(4, 2));
    await store.set("abcd", pattern(4, 3));
    expect(await store.get("abCD")).toEqual(pattern(4, 1));
    expect(await store.get("ABcd")).toEqual(pattern(4, 2));
    expect(await store.get("abcd")).toEqual(pattern(4, 3));
  });

  it("list() and size() report every stored key and its bytes", async () => {
    const store = make();
    await store.set("lA", pattern(100, 1));
    await store.set("LA", pattern(20, 2));
    await store.set("lB", pattern(0, 3));
    const listed = [];
    for await (const item of store.list!()) listed.push(item);
    expect(listed.map((i) => [i.key, i.bytes]).sort()).toEqual([
      ["LA", 20],
      ["lA", 100],
      ["lB", 0],
    ]);
    for (const item of listed) expect(item.lastAccess).toBeGreaterThan(0);
    expect(await store.size!()).toBe(120);
  });

  it("changing the caller's buffer or the returned buffer does not change what is stored", async () => {
    const store = make();
    const bytes = pattern(8, 1);
    await store.set("mutable", bytes);
    bytes[0] = 99;
    const got = (await store.get("mutable"))!;
    got[1] = 99;
    expect(await store.get("mutable")).toEqual(pattern(8, 1));
  });

  it.each(["", "../escape", "a/b", "a\\b", "a.b", "with space", "é", "x".repeat(201)])(
    "the key %j is rejected with a StoreError naming it",
    async (key) => {
      const store = make();
      const error = await store.set(key, pattern(1, 1)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toContain(JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key));
      await expect(store.get(key)).rejects.toBeInstanceOf(StoreError);
      await expect(store.has(key)).rejects.toBeInstanceOf(StoreError);
    },
  );

  it("a value that is not bytes is rejected with a StoreError", async () => {
    const store = make();
    await expect(store.set("notBytes", "text" as unknown as Uint8Array)).rejects.toBeInstanceOf(StoreError);
  });

  it("use after close fails with a StoreError naming the store; open and close twice are safe", async () => {
    const store = make();
    await store.open?.();
    await store.open?.();
    await store.set("k", pattern(2, 1));
    await store.close?.();
    await store.close?.();
    const error = await store.get("k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).store).toBe(store.name);
    await expect(store.set("k2", pattern(1, 1))).rejects.toBeInstanceOf(StoreError);
    await expect(store.getMany!(["k"])).rejects.toBeInstanceOf(StoreError);
    await store.open?.();
    expect(await store.get("k")).toEqual(pattern(2, 1));
  });
});

describe("FileResultStore on disk", () => {
  it("a second instance on the same folder reads earlier writes and sees deletes", async () => {
    const dir = freshFolder();
    const first = new FileResultStore({ path: dir });
    await first.set("kept", pattern(300, 1));
    await first.set("empty", new Uint8Array(0));
    await first.set("removed", pattern(3, 2));
    await first.delete("removed");
    await first.close();
    const second = new FileResultStore({ path: dir });
    expect(await second.get("kept")).toEqual(pattern(300, 1));
    expect(await second.get("empty")).toEqual(new Uint8Array(0));
    expect(await second.has("removed")).toBe(false);
  });

  // Results above packMaxBytes (and every result with packMaxBytes 0) are one file each.
  it("stores each result as results/<first two characters>/<key>, case twins apart", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir, packMaxBytes: 0 });
    await store.set("abcdef", pattern(4, 1));
    await store.set("AbCdef", pattern(4, 2));
    expect(fs.readdirSync(path.join(dir, "results", "ab")).sort()).toEqual(["AbCdef.5", "abcdef"]);
    expect(fs.readFileSync(path.join(dir, "results", "ab", "abcdef"))).toEqual(Buffer.from(pattern(4, 1)));
  });

  it("a second set of an existing key does not rewrite the file", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir, packMaxBytes: 0 });
    await store.set("once", pattern(4, 1));
    const file = path.join(dir, "results", "on", "once");
    const inode = fs.statSync(file).ino;
    await store.set("once", pattern(4, 1));
    expect(fs.statSync(file).ino).toBe(inode);
  });

  it("temp files are never visible as results, and stale ones are removed by open()", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir, packMaxBytes: 0 });
    await store.set("real", pattern(4, 1));
    const stale = path.join(dir, "tmp", ".tmp-999-1-deadbeef");
    const fresh = path.join(dir, "tmp", ".tmp-999-2-deadbeef");
    const stray = path.join(dir, "results", "re", ".tmp-1-1-00000000");
    for (const file of [stale, fresh, stray]) fs.writeFileSync(file, "partial");
    const hourAgo = Date.now() / 1000 - 3600;
    fs.utimesSync(stale, hourAgo, hourAgo);
    const listed = [];
    for await (const item of store.list()) listed.push(item.key);
    expect(listed).toEqual(["real"]);
    expect(await store.size()).toBe(4);
    const reopened = new FileResultStore({ path: dir });
    await reopened.open();
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true); // may belong to a live writer
    expect(fs.readdirSync(path.join(dir, "tmp")).filter((n) => !n.startsWith(".tmp-999"))).toEqual([]);
  });

  it("a get records the access time that list() reports (for LRU clean-up)", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir, packMaxBytes: 0 });
    await store.set("touched", pattern(4, 1));
    await store.set("untouched", pattern(4, 2));
    const longAgo = new Date("2001-01-01T00:00:00Z");
    for (const key of ["touched", "untouched"]) {
      fs.utimesSync(path.join(dir, "results", key.slice(0, 2), key), longAgo, longAgo);
    }
    await store.get("touched");
    const access = new Map<string, number>();
    for await (const item of store.list()) access.set(item.key, item.lastAccess);
    expect(access.get("untouched")).toBe(longAgo.getTime());
    expect(access.get("touched")).toBeGreaterThan(longAgo.getTime());
  });

  it("with fsync on, values round-trip the same way", async () => {
    const store = new FileResultStore({ path: freshFolder(), fsync: true });
    await store.set("durable", pattern(5000, 3));
    expect(await store.get("durable")).toEqual(pattern(5000, 3));
  });

  it("re-creates its folders when the cache folder is removed while open", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir });
    await store.set("before", pattern(4, 1));
    fs.rmSync(dir, { recursive: true });
    expect(await store.get("before")).toBeUndefined();
    await store.set("after", pattern(4, 2));
    expect(await store.get("after")).toEqual(pattern(4, 2));
  });

  // Results of 1 MiB or more are written on the thread pool (the cache writes them behind the run).
  it("large results written off the main thread land whole, with fsync too, and leave no temp file", async () => {
    for (const fsync of [false, true]) {
      const dir = freshFolder();
      const store = new FileResultStore({ path: dir, fsync });
      const bytes = pattern(3 * MiB + 5, 4);
      const writing = store.set("large", bytes);
      // The write has not happened yet when set() returns its promise: the main thread goes on.
      expect(fs.existsSync(path.join(dir, "results", "la", "large"))).toBe(false);
      await writing;
      expect(same(await store.get("large"), bytes)).toBe(true);
      expect(fs.readdirSync(path.join(dir, "tmp"))).toEqual([]);
      await Promise.all([store.set("twice", pattern(2 * MiB, 5)), store.set("twice", pattern(2 * MiB, 5))]);
      expect(same(await store.get("twice"), pattern(2 * MiB, 5))).toBe(true);
      fs.rmSync(dir, { recursive: true });
      await store.set("afterRemoval", pattern(MiB, 6));
      expect(same(await store.get("afterRemoval"), pattern(MiB, 6))).toBe(true);
    }
  });

  it("a file system failure becomes a StoreError naming the store and operation", async () => {
    const file = path.join(root, "not-a-folder");
    fs.writeFileSync(file, "x");
    const store = new FileResultStore({ path: file });
    const error = await store.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ store: `file:${file}`, operation: "open" });
    expect((error as StoreError).cause).toBeInstanceOf(Error);
  });

  it("invalid options are configuration errors", () => {
    expect(() => new FileResultStore({ path: "" })).toThrow(/option "path"/);
    expect(() => new FileResultStore({ fsync: "yes" as unknown as boolean })).toThrow(/option "fsync"/);
    expect(() => new FileResultStore({ packMaxBytes: -1 })).toThrow(/option "packMaxBytes" must be an integer ≥ 0/);
  });
});
