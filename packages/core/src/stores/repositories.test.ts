// Behaviour of both embedded fingerprint repositories (memory and file) against the contract.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { FingerprintEntry, FingerprintMeta, FingerprintRepository, RunRecord } from "../contracts.js";
import { StoreError } from "../errors.js";
import { FileFingerprintRepository, MemoryFingerprintRepository } from "./index.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-repo-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshFolder = (): string => path.join(root, `c${++folders}`);

const meta = (node: string, codeVersion = "v1", createdAt = 1000): FingerprintMeta => ({
  node,
  codeVersion,
  createdAt,
});
const run = (runId: string, startedAt: number): RunRecord => ({
  runId,
  startedAt,
  durationMs: 3,
  outputs: ["F"],
  nodes: [{ node: "F", outcome: "hit", fingerprint: "fpF", contextKey: "ck", durationMs: 1 }],
});

const kinds: [string, () => FingerprintRepository][] = [
  ["MemoryFingerprintRepository", () => new MemoryFingerprintRepository()],
  ["FileFingerprintRepository", () => new FileFingerprintRepository({ path: freshFolder() })],
];

describe.each(kinds)("%s", (_, make) => {
  it("a missing context key reads as undefined", async () => {
    const repo = make();
    await repo.open?.();
    expect(await repo.get("v1.a:b~")).toBeUndefined();
    expect(await repo.getEntry!("v1.a:b~")).toBeUndefined();
  });

  it("set then get returns the fingerprint, getEntry the record with its meta", async () => {
    const repo = make();
    await repo.set("ck.1:x~", "fpA", meta("F", "cv", 42));
    expect(await repo.get("ck.1:x~")).toBe("fpA");
    expect(await repo.getEntry!("ck.1:x~")).toEqual({
      contextKey: "ck.1:x~",
      fingerprint: "fpA",
      node: "F",
      codeVersion: "cv",
      createdAt: 42,
    });
  });

  it("a later set of the same key replaces fingerprint and meta", async () => {
    const repo = make();
    await repo.set("k", "old", meta("A", "v1", 1));
    await repo.set("k", "new", meta("B", "v2", 2));
    expect(await repo.getEntry!("k")).toEqual({
      contextKey: "k",
      fingerprint: "new",
      node: "B",
      codeVersion: "v2",
      createdAt: 2,
    });
  });

  it("a 4 KiB context key and long fingerprints round-trip", async () => {
    const repo = make();
    const key = "a.b:c~".repeat(700).slice(0, 4096);
    await repo.set(key, "x".repeat(512), meta("N"));
    await repo.set(`${key.slice(0, -1)}Z`, "other", meta("N"));
    expect(await repo.get(key)).toBe("x".repeat(512));
  });

  it("delete removes a key and a missing key is not an error", async () => {
    const repo = make();
    await repo.set("gone", "fp1", meta("G"));
    await repo.set("kept", "fp2", meta("K"));
    await repo.delete!("gone");
    await repo.delete!("gone");
    await repo.delete!("never");
    expect(await repo.get("gone")).toBeUndefined();
    expect(await repo.getEntry!("gone")).toBeUndefined();
    expect(await repo.get("kept")).toBe("fp2");
    await repo.set("gone", "fp3", meta("G"));
    expect(await repo.get("gone")).toBe("fp3");
  });

  it("getMany answers in order with undefined for misses; setMany's later entry for a key wins", async () => {
    const repo = make();
    const entries: FingerprintEntry[] = [
      { contextKey: "a", fingerprint: "fa", ...meta("A") },
      { contextKey: "b", fingerprint: "fb1", ...meta("B") },
      { contextKey: "b", fingerprint: "fb2", ...meta("B2") },
    ];
    await repo.setMany!(entries);
    expect(await repo.getMany!(["b", "zz", "a", "b"])).toEqual(["fb2", undefined, "fa", "fb2"]);
    expect(await repo.getMany!([])).toEqual([]);
  });

  it("entries() yields every live record once", async () => {
    const repo = make();
    await repo.set("e1", "f1", meta("N1"));
    await repo.set("e2", "f2", meta("N2"));
    await repo.set("e3", "f3", meta("N3"));
    await repo.delete!("e3");
    const all: FingerprintEntry[] = [];
    for await (const entry of repo.entries!()) all.push(entry);
    expect(all.sort((a, b) => a.contextKey.localeCompare(b.contextKey))).toEqual([
      { contextKey: "e1", fingerprint: "f1", ...meta("N1") },
      { contextKey: "e2", fingerprint: "f2", ...meta("N2") },
    ]);
  });

  it("run history: saveRun/getRun round trip, listRuns newest first with limit, deleteRuns", async () => {
    const repo = make();
    await repo.saveRun!(run("r-1", 100));
    await repo.saveRun!(run("r-3", 300));
    await repo.saveRun!(run("R/2 odd id", 200));
    expect(await repo.getRun!("R/2 odd id")).toEqual(run("R/2 odd id", 200));
    expect(await repo.getRun!("nope")).toBeUndefined();
    expect((await repo.listRuns!()).map((r) => r.runId)).toEqual(["r-3", "R/2 odd id", "r-1"]);
    expect((await repo.listRuns!({ limit: 2 })).map((r) => r.runId)).toEqual(["r-3", "R/2 odd id"]);
    await repo.deleteRuns!(["r-3", "unknown"]);
    expect((await repo.listRuns!()).map((r) => r.runId)).toEqual(["R/2 odd id", "r-1"]);
  });

  it("a saved run is not changed by later mutation of the caller's object", async () => {
    const repo = make();
    const record = run("m", 1) as { -readonly [K in keyof RunRecord]: RunRecord[K] };
    await repo.saveRun!(record);
    record.durationMs = 999;
    expect((await repo.getRun!("m"))?.durationMs).toBe(3);
  });

  it("bad arguments are StoreErrors, not silent writes", async () => {
    const repo = make();
    await expect(repo.set("", "fp", meta("N"))).rejects.toBeInstanceOf(StoreError);
    await expect(repo.set("k", "", meta("N"))).rejects.toBeInstanceOf(StoreError);
    await expect(repo.set("k", undefined as unknown as string, meta("N"))).rejects.toBeInstanceOf(StoreError);
    await expect(repo.saveRun!({ ...run("x", 1), runId: "" })).rejects.toBeInstanceOf(StoreError);
    expect(await repo.get("k")).toBeUndefined();
  });

  it("use after close fails with a StoreError; open/close twice are safe and open reopens", async () => {
    const repo = make();
    await repo.open?.();
    await repo.open?.();
    await repo.set("life", "fpL", meta("L"));
    await repo.close?.();
    await repo.close?.();
    const error = await repo.get("life").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).store).toBe(repo.name);
    await expect(repo.set("x", "y", meta("X"))).rejects.toBeInstanceOf(StoreError);
    await expect(repo.getMany!(["life"])).rejects.toBeInstanceOf(StoreError);
    await expect(repo.listRuns!()).rejects.toBeInstanceOf(StoreError);
    await repo.open?.();
    expect(await repo.get("life")).toBe("fpL");
  });
});

describe("FileFingerprintRepository on disk", () => {
  const segments = (dir: string): string[] => fs.readdirSync(path.join(dir, "meta")).filter((n) => n.endsWith(".log"));

  it("a second instance sees earlier writes, overwrites, deletes and runs", async () => {
    const dir = freshFolder();
    const first = new FileFingerprintRepository({ path: dir });
    await first.set("p", "fpP", meta("P", "v1", 5));
    await first.set("o", "old", meta("O"));
    await first.set("o", "new", meta("O"));
    await first.set("d", "fpD", meta("D"));
    await first.delete("d");
    await first.saveRun(run("kept", 7));
    await first.close();
    const second = new FileFingerprintRepository({ path: dir });
    expect(await second.getEntry("p")).toEqual({ contextKey: "p", fingerprint: "fpP", ...meta("P", "v1", 5) });
    expect(await second.get("o")).toBe("new");
    expect(await second.get("d")).toBeUndefined();
    expect(await second.getRun("kept")).toEqual(run("kept", 7));
  });

  it("each open session appends to its own segment, created only on the first write", async () => {
    const dir = freshFolder();
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    await reader.get("anything");
    expect(segments(dir)).toEqual([]);
    await reader.set("a", "fa", meta("A"));
    await reader.set("b", "fb", meta("B"));
    expect(segments(dir)).toHaveLength(1);
    await reader.close();
    const writer = new FileFingerprintRepository({ path: dir });
    await writer.set("c", "fc", meta("C"));
    expect(segments(dir)).toHaveLength(2);
  });

  it("a torn last line (crash mid-append) and a garbage line are ignored, the rest loads", async () => {
    const dir = freshFolder();
    const repo = new FileFingerprintRepository({ path: dir });
    await repo.set("good1", "f1", meta("A"));
    await repo.set("good2", "f2", meta("B"));
    await repo.close();
    const [segment] = segments(dir);
    const file = path.join(dir, "meta", segment!);
    const lines = fs.readFileSync(file, "utf8");
    fs.writeFileSync(
      file,
      `${lines}{"k":"garbage\n{"k":"good3","f":"f3","n":"C","v":"v","t":1,"w":1}\n{"k":"torn","f":"ft","n":"T","v`,
    );
    const reopened = new FileFingerprintRepository({ path: dir });
    expect(await reopened.getMany(["good1", "good2", "good3", "torn"])).toEqual(["f1", "f2", "f3", undefined]);
  });

  it("lines are read one by one: multi-byte UTF-8, empty lines and a line appended later all read back", async () => {
    const dir = freshFolder();
    const repo = new FileFingerprintRepository({ path: dir });
    const names = ["ünïcödé", "日本語のノード", "emoji 🧪", "plain"];
    for (const [i, name] of names.entries()) await repo.set(`key-${name}`, `fp-${i}-é`, meta(name));
    await repo.close();
    const [segment] = segments(dir);
    const file = path.join(dir, "meta", segment!);
    fs.appendFileSync(file, `\n\n{"k":"after-blank-ß","f":"fß","n":"N","v":"v","t":1,"w":1}\n`);
    const reopened = new FileFingerprintRepository({ path: dir });
    expect(await reopened.getMany([...names.map((name) => `key-${name}`), "after-blank-ß"])).toEqual([
      "fp-0-é",
      "fp-1-é",
      "fp-2-é",
      "fp-3-é",
      "fß",
    ]);
    expect((await reopened.getEntry("key-日本語のノード"))?.node).toBe("日本語のノード");
    // A line another process appends after the open is read by the next miss.
    fs.appendFileSync(file, `{"k":"later-ø","f":"fø","n":"Ø","v":"v","t":2,"w":2}\n`);
    expect(await reopened.get("later-ø")).toBe("fø");
    await reopened.close();
  });

  it("a second open instance sees the first's later writes without reopening", async () => {
    const dir = freshFolder();
    const a = new FileFingerprintRepository({ path: dir });
    const b = new FileFingerprintRepository({ path: dir });
    await a.open();
    await b.open();
    expect(await b.get("late")).toBeUndefined();
    await a.set("late", "fpLate", meta("L"));
    await a.set("late2", "fpLate2", meta("L"));
    expect(await b.get("late")).toBe("fpLate");
    expect(await b.getMany(["late2"])).toEqual(["fpLate2"]);
    // An overwrite by a is seen once b looks again (a miss or entries() refreshes).
    await a.set("late", "fpLater", meta("L"));
    const seen: string[] = [];
    for await (const e of b.entries()) if (e.contextKey === "late") seen.push(e.fingerprint);
    expect(seen).toEqual(["fpLater"]);
  });

  it("a line still being appended by another process is applied once its newline arrives", async () => {
    const dir = freshFolder();
    const repo = new FileFingerprintRepository({ path: dir });
    await repo.open();
    const foreign = path.join(dir, "meta", "00000000a-compact-0000abcd.log");
    fs.writeFileSync(foreign, '{"k":"slow","f":"fpS","n":"S","v":"v","t":1,"w":1');
    expect(await repo.get("slow")).toBeUndefined();
    fs.appendFileSync(foreign, "}\n");
    expect(await repo.get("slow")).toBe("fpS");
  });

  it("when two processes wrote the same key, the later write wins on load", async () => {
    const dir = freshFolder();
    fs.mkdirSync(path.join(dir, "meta"), { recursive: true });
    // Segment names sort the other way round from the write times: the time must decide.
    fs.writeFileSync(
      path.join(dir, "meta", "00000000b-compact-00000001.log"),
      '{"k":"x","f":"early","n":"N","v":"v","t":1,"w":100}\n',
    );
    fs.writeFileSync(
      path.join(dir, "meta", "00000000a-compact-00000002.log"),
      '{"k":"x","f":"late","n":"N","v":"v","t":1,"w":200}\n',
    );
    const repo = new FileFingerprintRepository({ path: dir });
    expect(await repo.get("x")).toBe("late");
  });

  it("a key rewritten in the same millisecond, in another segment after a reopen, reads back as the rewrite", async () => {
    // Two lines of one key with the same write time would be read back in folder order (segment
    // names end in random characters), so the older could win: the rewrite is stamped later.
    vi.useFakeTimers({ toFake: ["Date"], now: 1_700_000_000_000 });
    try {
      for (let trial = 0; trial < 8; trial++) {
        const dir = freshFolder();
        const repo = new FileFingerprintRepository({ path: dir });
        await repo.set("k", "fp-old", meta("N"));
        await repo.close();
        await repo.open();
        await repo.set("k", "fp-new", meta("N", "v1", 2000));
        await repo.close();
        expect(fs.readdirSync(path.join(dir, "meta")).filter((n) => n.endsWith(".log")).length).toBe(2);
        const other = new FileFingerprintRepository({ path: dir });
        expect(await other.get("k")).toBe("fp-new");
        expect((await other.getEntry("k"))?.createdAt).toBe(2000);
        await other.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("compacts many sealed segments into one on open, keeping every record and delete", async () => {
    const dir = freshFolder();
    fs.mkdirSync(path.join(dir, "meta"), { recursive: true });
    let deadPid = 4_000_000;
    while (isAlive(deadPid)) deadPid++;
    for (let s = 0; s < 10; s++) {
      const name = `00000000${s}-compact-0000000${s}.log`;
      let text = `{"k":"seg${s}","f":"f${s}","n":"N${s}","v":"v","t":${s},"w":${s + 1}}\n{"k":"shared","f":"s${s}","n":"N","v":"v","t":1,"w":${s + 1}}\n`;
      if (s === 9) text += `{"k":"seg0","d":1,"w":100}\n`;
      fs.writeFileSync(path.join(dir, "meta", name), text);
    }
    // A dead process's segment is sealed too; a live one (ours) is never touched.
    const host = (await import("node:crypto")).createHash("sha1").update(os.hostname()).digest("hex").slice(0, 8);
    fs.writeFileSync(
      path.join(dir, "meta", `00000000z-${host}-${deadPid}-00000000.log`),
      '{"k":"dead","f":"fd","n":"D","v":"v","t":1,"w":5}\n',
    );
    const live = `00000000y-${host}-${process.pid}-00000000.log`;
    fs.writeFileSync(path.join(dir, "meta", live), '{"k":"live","f":"fl","n":"L","v":"v","t":1,"w":5}\n');
    const repo = new FileFingerprintRepository({ path: dir });
    await repo.open();
    const after = segments(dir);
    expect(after).toHaveLength(2);
    expect(after).toContain(live);
    const fresh = new FileFingerprintRepository({ path: dir });
    const keys = ["seg0", ...Array.from({ length: 9 }, (_, i) => `seg${i + 1}`), "shared", "dead", "live"];
    expect(await fresh.getMany(keys)).toEqual([
      undefined,
      "f1",
      "f2",
      "f3",
      "f4",
      "f5",
      "f6",
      "f7",
      "f8",
      "f9",
      "s9",
      "fd",
      "fl",
    ]);
    expect(await fresh.getEntry("seg3")).toEqual({
      contextKey: "seg3",
      fingerprint: "f3",
      node: "N3",
      codeVersion: "v",
      createdAt: 3,
    });
  });

  it("with fsync on, records round-trip the same way", async () => {
    const dir = freshFolder();
    const repo = new FileFingerprintRepository({ path: dir, fsync: true });
    await repo.set("durable", "fpD", meta("D"));
    await repo.saveRun(run("r", 1));
    await repo.close();
    const again = new FileFingerprintRepository({ path: dir });
    expect(await again.get("durable")).toBe("fpD");
    expect(await again.getRun("r")).toEqual(run("r", 1));
  });

  it("a file system failure becomes a StoreError naming the store and operation", async () => {
    const file = path.join(root, "plain-file");
    fs.writeFileSync(file, "x");
    const repo = new FileFingerprintRepository({ path: file });
    const error = await repo.get("k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ store: `file:${file}`, operation: "open" });
  });

  it("invalid options are configuration errors", () => {
    expect(() => new FileFingerprintRepository({ path: "" })).toThrow(/option "path"/);
    expect(() => new FileFingerprintRepository({ compactAfterSegments: 1 })).toThrow(/compactAfterSegments/);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
