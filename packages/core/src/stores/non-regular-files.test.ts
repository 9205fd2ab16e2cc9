// A FIFO, socket or folder where the file stores expect a result, segment or run file is no entry: never read (a FIFO would block forever), replaced on write.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RecordingLogger, filesUnder } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { FileFingerprintRepository, FileResultStore } from "./index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-nonregular-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshFolder = (): string => path.join(root, `c${++folders}`);

const canMakeFifos = process.platform !== "win32";
const watchdogs: ChildProcess[] = [];
afterEach(() => {
  for (const child of watchdogs.splice(0)) child.kill();
});

/**
 * Makes a FIFO at `file`. A store that reads it would block this thread forever, and a test
 * timeout cannot fire in a blocked thread: so a watchdog process unblocks readers after 2 s (it
 * opens the FIFO for writing and closes it, giving them end-of-file), and the tests assert they
 * took well under that.
 */
const mkfifo = (file: string): void => {
  execFileSync("mkfifo", [file]);
  const script = `sleep 2; while [ -p "$0" ]; do : > "$0"; sleep 0.1; done`;
  watchdogs.push(spawn("sh", ["-c", script, file], { stdio: "ignore" }));
};
/** Fails when `action` took so long that only the watchdog can have ended it. */
const quickly = async <T>(action: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  const result = await action();
  expect(Date.now() - started, "blocked on a FIFO until the watchdog opened it").toBeLessThan(1_500);
  return result;
};
/** Replaces `file` with a FIFO of the same name. */
const fifoInstead = (file: string): void => {
  fs.unlinkSync(file);
  mkfifo(file);
};
const KEY = "abcdef0123456789";

// Results kept one file each: above packMaxBytes, or all of them with packMaxBytes 0.
describe.runIf(canMakeFifos)("FileResultStore, a FIFO or folder at a result's path", () => {
  it("get and getMany read it as missing without blocking, has() is false, set replaces it", {
    timeout: 5_000,
  }, async () => {
    const folder = freshFolder();
    const store = new FileResultStore({ path: folder, packMaxBytes: 0 });
    await store.set(KEY, new Uint8Array([1, 2, 3]));
    const [file] = filesUnder(path.join(folder, "results"));
    fifoInstead(file as string);
    expect(await quickly(() => store.get(KEY))).toBeUndefined();
    expect(await quickly(() => store.getMany([KEY]))).toEqual([undefined]);
    expect(await store.has(KEY)).toBe(false);
    await store.set(KEY, new Uint8Array([4, 5]));
    expect(fs.statSync(file as string).isFile()).toBe(true);
    expect(await store.get(KEY)).toEqual(new Uint8Array([4, 5]));
  });

  it("a folder at the path reads as missing and is replaced by set", { timeout: 5_000 }, async () => {
    const folder = freshFolder();
    const store = new FileResultStore({ path: folder, packMaxBytes: 0 });
    await store.set(KEY, new Uint8Array([1]));
    const [file] = filesUnder(path.join(folder, "results"));
    fs.unlinkSync(file as string);
    fs.mkdirSync(path.join(file as string, "inside"), { recursive: true });
    expect(await store.get(KEY)).toBeUndefined();
    expect(await store.has(KEY)).toBe(false);
    await store.set(KEY, new Uint8Array([9]));
    expect(await store.get(KEY)).toEqual(new Uint8Array([9]));
  });

  it("a result read back owns exactly its bytes (not Node's shared buffer pool)", async () => {
    for (const packMaxBytes of [0, 1024]) {
      const store = new FileResultStore({ path: freshFolder(), packMaxBytes });
      await store.set(KEY, new Uint8Array([7, 8, 9]));
      const bytes = (await store.get(KEY)) as Uint8Array;
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(3);
    }
  });

  it("a FIFO or folder named like a pack segment holds no results: open, get and set do not block", {
    timeout: 5_000,
  }, async () => {
    const folder = freshFolder();
    const first = new FileResultStore({ path: folder });
    await first.set(KEY, new Uint8Array([1, 2]));
    await first.close();
    mkfifo(path.join(folder, "packs", `${"0".repeat(9)}-compact-0123abcd.pack`));
    fs.mkdirSync(path.join(folder, "packs", `${"0".repeat(9)}-compact-0123abce.pack`));
    const second = new FileResultStore({ path: folder });
    await quickly(() => second.open());
    expect(await second.get(KEY)).toEqual(new Uint8Array([1, 2]));
    expect(await quickly(() => second.get("missing0key"))).toBeUndefined();
    await second.set("other0key", new Uint8Array([3]));
    expect(await second.get("other0key")).toEqual(new Uint8Array([3]));
    await second.close();
  });
});

describe.runIf(canMakeFifos)("FileFingerprintRepository, FIFOs named like its files", () => {
  it("a FIFO segment and a FIFO run file are skipped: open, get, listRuns and getRun do not block", {
    timeout: 5_000,
  }, async () => {
    const folder = freshFolder();
    const first = new FileFingerprintRepository({ path: folder });
    await first.set("key", "fp", { node: "a", codeVersion: "v", createdAt: 1 });
    await first.saveRun({ runId: "00000000a-aaaaaaaaaa", startedAt: 1, durationMs: 1, outputs: ["a"], nodes: [] });
    await first.close();
    const meta = path.join(folder, "meta");
    mkfifo(path.join(meta, `${"0".repeat(9)}-compact-0123abcd.log`));
    const [runFile] = fs.readdirSync(path.join(folder, "runs"));
    fifoInstead(path.join(folder, "runs", runFile as string));
    const second = new FileFingerprintRepository({ path: folder });
    await quickly(() => second.open());
    expect(await second.get("key")).toBe("fp");
    expect(await quickly(() => second.get("other"))).toBeUndefined();
    expect(await quickly(() => second.listRuns())).toEqual([]);
    expect(await quickly(() => second.getRun("00000000a-aaaaaaaaaa"))).toBeUndefined();
    await second.close();
  });
});

describe.runIf(canMakeFifos)("the cache, when a stored result became a FIFO", () => {
  it("warns, recomputes the same value, replaces the entry, and the next run hits", { timeout: 10_000 }, async () => {
    const folder = freshFolder();
    let runs = 0;
    // Rows enough to be stored as a file of its own (above packMaxBytes), which can become a FIFO.
    const flow = { total: (qty: number) => (runs++, { qty, rows: Array.from({ length: 40_000 }, (_, i) => i * qty) }) };
    const build = (logger: RecordingLogger) =>
      new Builder().withModules(flow).withCache({ path: folder, logger }).build();
    const fresh = await (await build(new RecordingLogger())).execute(["total"], { inputs: { qty: 3 } });
    const results = filesUnder(path.join(folder, "results"));
    expect(results).toHaveLength(1);
    fifoInstead(results[0] as string);

    const logger = new RecordingLogger();
    const dr = await build(logger);
    expect(await quickly(() => dr.execute(["total"], { inputs: { qty: 3 } }))).toEqual(fresh);
    expect(runs).toBe(2);
    expect(dr.cache.lastRun.total?.outcome).toBe("recomputed");
    expect(logger.warnings.join("\n")).toMatch(
      /node "total": cached result \S+ is missing from the result store; recomputing it/,
    );
    expect(fs.statSync(results[0] as string).isFile()).toBe(true);

    const again = await build(new RecordingLogger());
    expect(await again.execute(["total"], { inputs: { qty: 3 } })).toEqual(fresh);
    expect(again.cache.lastRun.total?.outcome).toBe("hit");
    expect(runs).toBe(2);
  });
});
