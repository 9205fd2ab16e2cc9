// FileResultStore.has() and result files: a key's file is looked for only when its shard folder
// exists. Its own files and those of another store of this process are found at once; a file another
// process writes into a new shard, once the listing is 100 ms old.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FileResultStore } from "./index.js";
import { resultFileName, shardOf } from "./keys.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-result-shards-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshFolder = () => path.join(root, `c${++folders}`);
const big = (fill: number) => new Uint8Array(64).fill(fill); // above packMaxBytes below: a file of its own
const KEY = "aGVsbG8td29ybGQtcmVzdWx0";

describe("FileResultStore.has() with result files", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("finds a file it wrote itself, and one another store of this process wrote, at once", async () => {
    const dir = freshFolder();
    const a = new FileResultStore({ path: dir, packMaxBytes: 16 });
    const b = new FileResultStore({ path: dir, packMaxBytes: 16 });
    expect(await a.has(KEY)).toBe(false); // a lists results/: no shard yet
    expect(await b.has(`${KEY}2`)).toBe(false);
    await a.set(KEY, big(1));
    expect(await a.has(KEY)).toBe(true);
    await a.set(`${KEY}2`, big(2));
    expect(await b.has(`${KEY}2`)).toBe(true); // within the same 100 ms: a's write is counted
    expect(await b.get(`${KEY}2`)).toEqual(big(2));
  });

  it("finds a file another process put in a new shard once the listing is 100 ms old", async () => {
    const dir = freshFolder();
    const store = new FileResultStore({ path: dir, packMaxBytes: 16 });
    const other = new FileResultStore({ path: freshFolder(), packMaxBytes: 16 });
    await other.set(KEY, big(3)); // the bytes another process would have written, made by the store itself
    expect(await store.has(KEY)).toBe(false);
    const file = path.join(dir, "results", shardOf(KEY), resultFileName(KEY));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(path.join(other.path, "results", shardOf(KEY), resultFileName(KEY)), file);
    expect(await store.has(KEY)).toBe(false); // as if that process had been a moment slower
    vi.advanceTimersByTime(101);
    expect(await store.has(KEY)).toBe(true);
    expect(await store.get(KEY)).toEqual(big(3)); // get() never waits for a listing
  });
});
