// The file repository's run history as appended lines: no rewrite per save, torn tails ignored, old run files read, compaction.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { RunRecord } from "../contracts.js";
import { FileFingerprintRepository } from "./file-repository.js";
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
});
