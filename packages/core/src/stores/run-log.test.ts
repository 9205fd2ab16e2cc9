// The file repository's run history as appended lines: no rewrite per save, torn tails ignored, old run files read, compaction.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { RunRecord } from "../contracts.js";
import { FileFingerprintRepository } from "./file-repository.js";
import { runLogLimits } from "./run-log.js";
import { readRun, readRuns } from "./run-history.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-runlog-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => void vi.restoreAllMocks());
let folders = 0;
const freshFolder = (): string => path.join(root, `c${++folders}`);
const run = (runId: string, startedAt: number, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  startedAt,
  durationMs: 5,
  outputs: ["B"],
  nodes: [{ node: "B", outcome: "computed", durationMs: 1, fingerprint: `fp-${runId}` }],
  ...extra,
});
const runFiles = (dir: string): string[] => fs.readdirSync(path.join(dir, "runs")).filter((n) => !n.startsWith("."));

describe("FileFingerprintRepository run history", () => {
  it("the newest runs are found without parsing the whole history, in the same order as a full listing", async () => {
    const dir = freshFolder();
    const writer = new FileFingerprintRepository({ path: dir });
    await writer.open();
    // Starts out of write order, with ties at the boundary: (i * 37) % 50 scrambles 0..49, /2 makes pairs.
    for (let i = 0; i < 50; i++) await writer.saveRun(run(`r${i}`, Math.floor(((i * 37) % 50) / 2)));
    await writer.saveRun(run("gone", 99));
    await writer.deleteRuns(["gone"]);
    await writer.close();
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    const all = await readRuns(reader);
    const parse = vi.spyOn(JSON, "parse");
    for (const limit of [1, 2, 3, 5]) {
      parse.mockClear();
      expect((await readRuns(reader, { limit })).map((r) => r.runId)).toEqual(all.slice(0, limit).map((r) => r.runId));
      const linesParsed = parse.mock.calls.filter(
        ([text]) => typeof text === "string" && text.startsWith('{"w":'),
      ).length;
      expect(linesParsed).toBeLessThanOrEqual(limit + 2); // the newest, and their ties: not the 50 runs
    }
    await reader.close();
  });

  it("saveRun appends a line to one segment: no temp file, rename or rewrite; the final record replaces the progress snapshot", async () => {
    const dir = freshFolder();
    const repository = new FileFingerprintRepository({ path: dir });
    await repository.open();
    const renames = vi.spyOn(fs, "renameSync");
    await repository.saveRun(run("r1", 1, { running: true, durationMs: 600 }));
    await repository.saveRun(run("r1", 1, { durationMs: 900 }));
    await repository.saveRun(run("r2", 2));
    expect(renames).not.toHaveBeenCalled();
    const files = runFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.runs$/);
    const lines = fs.readFileSync(path.join(dir, "runs", files[0]!), "utf8").split("\n");
    expect(lines).toHaveLength(4); // three lines and the empty rest after the last newline
    expect((await readRuns(repository)).map((r) => [r.runId, r.durationMs, r.running])).toEqual([
      ["r2", 5, undefined],
      ["r1", 900, undefined],
    ]);
    expect((await readRun(repository, "r1"))?.durationMs).toBe(900);
    expect(await repository.listRuns({ limit: 1 })).toEqual([run("r2", 2)]);
  });

  it("a line cut short by a crash is ignored, not fatal; the runs before it read, and a new process saves on", async () => {
    const dir = freshFolder();
    const writer = new FileFingerprintRepository({ path: dir });
    await writer.saveRun(run("kept", 1));
    await writer.saveRun(run("torn", 2));
    await writer.close();
    const file = path.join(dir, "runs", runFiles(dir)[0]!);
    const text = fs.readFileSync(file, "utf8");
    for (const cut of [text.indexOf("\n") + 5, text.length - 20, text.length - 1]) {
      fs.truncateSync(file, cut);
      const reader = new FileFingerprintRepository({ path: dir });
      expect((await readRuns(reader)).map((r) => r.runId)).toEqual(["kept"]);
      expect(await readRun(reader, "torn")).toBeUndefined();
      expect(await readRun(reader, "kept")).toEqual(run("kept", 1));
      await reader.saveRun(run("after", 3));
      expect((await readRuns(reader)).map((r) => r.runId)).toEqual(["after", "kept"]);
      await reader.deleteRuns(["after"]);
      await reader.close();
    }
  });

  it("run files of the older layout (one JSON file per run) are listed, read and deleted", async () => {
    const dir = freshFolder();
    fs.mkdirSync(path.join(dir, "runs"), { recursive: true });
    fs.writeFileSync(path.join(dir, "runs", "old.json"), JSON.stringify(run("old", 1)));
    const repository = new FileFingerprintRepository({ path: dir });
    await repository.saveRun(run("new", 2));
    expect((await readRuns(repository)).map((r) => r.runId)).toEqual(["new", "old"]);
    expect(await readRun(repository, "old")).toEqual(run("old", 1));
    await repository.deleteRuns(["old", "new"]);
    expect(await readRuns(repository)).toEqual([]);
    expect(fs.existsSync(path.join(dir, "runs", "old.json"))).toBe(false);
  });

  it("another process's saves and deletions are seen without reopening", async () => {
    const dir = freshFolder();
    const first = new FileFingerprintRepository({ path: dir });
    const second = new FileFingerprintRepository({ path: dir });
    await first.saveRun(run("a", 1));
    await second.saveRun(run("b", 2));
    expect((await readRuns(first)).map((r) => r.runId)).toEqual(["b", "a"]);
    await second.deleteRuns(["a"]);
    expect((await readRuns(first)).map((r) => r.runId)).toEqual(["b"]);
    expect(await readRun(first, "a")).toBeUndefined();
  });

  it("open() merges many sealed run segments into one, dropping deleted runs and superseded snapshots", async () => {
    const dir = freshFolder();
    const writers = Array.from({ length: 9 }, () => new FileFingerprintRepository({ path: dir }));
    for (const [i, writer] of writers.entries()) {
      await writer.saveRun(run(`r${i}`, i, { running: true }));
      await writer.saveRun(run(`r${i}`, i));
    }
    await writers[0]!.deleteRuns(["r3", "r4"]);
    for (const writer of writers) await writer.close();
    expect(runFiles(dir)).toHaveLength(9);
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    const files = runFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toContain("-compact-");
    expect(
      fs
        .readFileSync(path.join(dir, "runs", files[0]!), "utf8")
        .trim()
        .split("\n"),
    ).toHaveLength(7);
    expect((await readRuns(reader)).map((r) => r.runId)).toEqual(["r8", "r7", "r6", "r5", "r2", "r1", "r0"]);
  });
  it("open() reads the heads of run lines, not the runs: a history of large runs is indexed from a few KB", async () => {
    const dir = freshFolder();
    const writer = new FileFingerprintRepository({ path: dir });
    const nodes = Array.from({ length: 400 }, (_, i) => ({
      node: `n${i}`,
      outcome: "hit" as const,
      durationMs: 0.01,
      fingerprint: `fingerprint-of-node-${i}-${"x".repeat(60)}`,
    }));
    for (let i = 0; i < 20; i++) await writer.saveRun(run(`r${i}`, i, { nodes }));
    await writer.close();
    const bytes = fs.statSync(path.join(dir, "runs", runFiles(dir)[0]!)).size;
    expect(bytes).toBeGreaterThan(20 * 30_000);
    const reads = vi.spyOn(fs, "readSync");
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    // readSync(fd, buffer, offset, length, position): the bytes asked for.
    const read = reads.mock.calls.reduce((n, call) => n + Number((call as unknown[])[3]), 0);
    expect(read).toBeLessThan(20 * 1100); // about 1 KB per line; the old scan read every byte
    reads.mockRestore();
    expect((await readRuns(reader)).map((r) => r.runId)).toEqual(Array.from({ length: 20 }, (_, i) => `r${19 - i}`));
    expect((await readRun(reader, "r7"))?.nodes).toEqual(nodes);
    await reader.close();
  });

  it("a process that only saves runs reads no line of the history: opening costs the same for 5 runs or 500", async () => {
    const dir = freshFolder();
    const writer = new FileFingerprintRepository({ path: dir });
    for (let i = 0; i < 500; i++) await writer.saveRun(run(`r${i}`, i));
    await writer.close();
    const reads = vi.spyOn(fs, "readSync");
    const next = new FileFingerprintRepository({ path: dir });
    await next.open();
    await next.saveRun(run("r500", 500));
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    // The history is read when it is asked for, with this process's run in it.
    expect((await readRuns(next)).map((r) => r.runId).slice(0, 3)).toEqual(["r500", "r499", "r498"]);
    expect((await readRuns(next)).length).toBe(501);
    await next.close();
  });

  it("opening over 8 sealed segments that fill no tier (a large merged one and 7 small) reads no run line", async () => {
    const dir = freshFolder();
    const oneRunWriters = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++) {
        const writer = new FileFingerprintRepository({ path: dir });
        await writer.saveRun(run(`r${i}`, i));
        await writer.close();
      }
    };
    await oneRunWriters(0, 8);
    const merger = new FileFingerprintRepository({ path: dir });
    await merger.open(); // 8 sealed segments of one size: merged into one
    await merger.close();
    expect(runFiles(dir)).toHaveLength(1);
    await oneRunWriters(8, 7);
    expect(runFiles(dir)).toHaveLength(8);
    const reads = vi.spyOn(fs, "readSync");
    const next = new FileFingerprintRepository({ path: dir });
    await next.open();
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect((await readRuns(next)).map((r) => r.runId)).toHaveLength(15);
    await next.close();
  });

  it("a tier merge copies at most maxMergeBytes: larger tiers stay as they are, and read the same", async () => {
    const dir = freshFolder();
    const bound = runLogLimits.maxMergeBytes;
    try {
      for (let i = 0; i < 8; i++) {
        const writer = new FileFingerprintRepository({ path: dir });
        await writer.saveRun(run(`r${i}`, i));
        await writer.close();
      }
      const one = fs.statSync(path.join(dir, "runs", runFiles(dir)[0]!)).size;
      runLogLimits.maxMergeBytes = 8 * one - 1; // the whole tier would be one byte too many
      const opener = new FileFingerprintRepository({ path: dir });
      await opener.open();
      await opener.close();
      expect(runFiles(dir)).toHaveLength(8);
      runLogLimits.maxMergeBytes = 8 * one;
      const merger = new FileFingerprintRepository({ path: dir });
      await merger.open();
      expect(runFiles(dir)).toHaveLength(1);
      expect((await readRuns(merger)).map((r) => r.runId)).toEqual(["r7", "r6", "r5", "r4", "r3", "r2", "r1", "r0"]);
      await merger.close();
    } finally {
      runLogLimits.maxMergeBytes = bound;
    }
  });

  it("a tier merge at open reads only the tier, and keeps a deletion whose run sits in a segment outside it", async () => {
    const dir = freshFolder();
    const nodes = Array.from({ length: 300 }, (_, i) => ({ node: `n${i}`, outcome: "hit" as const, durationMs: 1 }));
    const big = new FileFingerprintRepository({ path: dir });
    await big.saveRun(run("big", 0, { nodes }));
    await big.close();
    for (let i = 1; i <= 8; i++) {
      const writer = new FileFingerprintRepository({ path: dir });
      await writer.saveRun(run(`r${i}`, i));
      if (i === 1) await writer.deleteRuns(["big"]);
      await writer.close();
    }
    expect(runFiles(dir)).toHaveLength(9);
    const bigFile = path.join(
      dir,
      "runs",
      runFiles(dir).find((n) => fs.statSync(path.join(dir, "runs", n)).size > 10_000)!,
    );
    const opens = vi.spyOn(fs, "openSync");
    const next = new FileFingerprintRepository({ path: dir });
    await next.open(); // the 8 small segments merge; the large one is not opened
    const opened = opens.mock.calls.map((call) => String(call[0]));
    opens.mockRestore();
    expect(opened.filter((file) => file.includes(`${path.sep}runs${path.sep}`)).length).toBeGreaterThanOrEqual(8);
    expect(opened).not.toContain(bigFile);
    expect(runFiles(dir)).toHaveLength(2);
    expect((await readRuns(next)).map((r) => r.runId)).toEqual(["r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1"]);
    expect(await readRun(next, "big")).toBeUndefined();
    await next.close();
  });

  it("a line whose recorded length is wrong, and lines of the older envelope without one, are read to their newline", async () => {
    const dir = freshFolder();
    const writer = new FileFingerprintRepository({ path: dir });
    for (let i = 0; i < 3; i++) await writer.saveRun(run(`r${i}`, i));
    await writer.close();
    const file = path.join(dir, "runs", runFiles(dir)[0]!);
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    expect(lines[0]).toMatch(/^\{"w":\d+,"id":"r0","s":0,"b":\d+,"run":/);
    // Line 1 claims 7 bytes more than it has; line 2 has no length (as written before lengths were recorded).
    lines[1] = lines[1]!.replace(/"b":(\d+)/, (_, b: string) => `"b":${Number(b) + 7}`);
    lines[2] = lines[2]!.replace(/"b":\d+,/, "");
    fs.writeFileSync(
      file,
      `${lines.join("\n")}\n${lines[0]!.replace(/r0/g, "r3").replace(/("s"|"startedAt"):0/g, "$1:3")}\n`,
    );
    const reader = new FileFingerprintRepository({ path: dir });
    expect((await readRuns(reader)).map((r) => r.runId)).toEqual(["r3", "r2", "r1", "r0"]);
    expect(await readRun(reader, "r1")).toEqual(run("r1", 1));
    expect(await readRun(reader, "r2")).toEqual(run("r2", 2));
    await reader.close();
  });

  it("a large merged segment is not rewritten when the few small segments after it are merged", async () => {
    const dir = freshFolder();
    const sealedSegments = async (count: number, from: number, extra: Partial<RunRecord> = {}) => {
      for (let i = from; i < from + count; i++) {
        const writer = new FileFingerprintRepository({ path: dir });
        await writer.saveRun(run(`r${i}`, i, extra));
        await writer.close();
      }
    };
    const twoNodes = { nodes: [...run("x", 0).nodes, { node: "A", outcome: "hit" as const, durationMs: 1 }] };
    await sealedSegments(9, 0, twoNodes);
    const opener = new FileFingerprintRepository({ path: dir });
    await opener.open();
    await opener.close();
    const merged = runFiles(dir).find((name) => name.includes("-compact-"));
    expect(merged).toBeDefined();
    await sealedSegments(7, 9);
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    const files = runFiles(dir);
    expect(files).toHaveLength(2);
    expect(files).toContain(merged); // the merged segment (of larger runs) stays; the 8 small ones became one
    expect((await readRuns(reader)).map((r) => r.runId)).toEqual(Array.from({ length: 16 }, (_, i) => `r${15 - i}`));
    await reader.close();
  });
});
