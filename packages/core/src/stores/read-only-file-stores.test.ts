// Read-only file stores write nothing at all: no compaction, temp clean-up, folders or access times.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fullListing, recordFsWrites } from "../../test/fs-writes.js";
import { RecordingLogger, tempFolder } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { FileFingerprintRepository } from "./file-repository.js";
import { FileResultStore } from "./file-result-store.js";
import { readPackRecords } from "./pack-records.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), { x, list: [x, x + 1] }),
  B: (A: { list: number[] }) => (tick("B"), A.list.reduce((s, v) => s + v, 0)),
  C: (B: number, x: number) => (tick("C"), `${B}/${x}`),
};

const folders: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) f.cleanup();
});
function folder(): string {
  const made = tempFolder("ham-readonly-");
  folders.push(made);
  return made.path;
}

/** A pid no process has, so a segment named with it counts as sealed (its writer is gone). */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid++) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return pid;
    }
  }
}

/**
 * A cache folder where a writable open would write: 9 sealed segments (compaction), stale temp
 * files in meta/, runs/ and tmp/ (clean-up), and results last accessed a day ago (access times).
 */
async function cacheThatInvitesWrites(root: string): Promise<void> {
  // Written a day ago, so a writable read records the access of each (packed) result.
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 24 * 3600 * 1000 });
  try {
    const writer = await new Builder().withModules(flow).withCache({ path: root }).build();
    expect(await writer.execute(["C"], { inputs: { x: 1 } })).toEqual({ C: "3/1" });
    await writer.close();
  } finally {
    vi.useRealTimers();
  }
  inviteWrites(root);
}

/** Seals the cache's segments and packs (a dead writer's pid), adds stale temp files and ages the results. */
function inviteWrites(root: string): void {
  const hostTag = createHash("sha1").update(os.hostname()).digest("hex").slice(0, 8);
  const pid = deadPid();
  for (const [dir, ext] of [
    ["meta", "log"],
    ["packs", "pack"],
  ] as const) {
    const [segment] = fs.readdirSync(path.join(root, dir));
    for (let i = 0; i < 9; i++) {
      const name = `${(Date.now() - 1000 + i).toString(36).padStart(9, "0")}-${hostTag}-${pid}-0000000${i}.${ext}`;
      fs.copyFileSync(path.join(root, dir, segment!), path.join(root, dir, name));
    }
    fs.rmSync(path.join(root, dir, segment!));
  }
  const old = new Date(Date.now() - 24 * 3600 * 1000);
  for (const dir of ["meta", "runs", "tmp", "packs"]) {
    const temp = path.join(root, dir, `.tmp-${pid}-1-deadbeef`);
    fs.writeFileSync(temp, "left by a crashed writer");
    fs.utimesSync(temp, old, old);
  }
  for (const file of fs.readdirSync(path.join(root, "results"), { recursive: true })) {
    const full = path.join(root, "results", String(file));
    if (fs.statSync(full).isFile()) fs.utimesSync(full, old, old);
  }
}

describe("read-only file stores", () => {
  it("a read-only warm run writes nothing: no compaction, temp clean-up, folder creation or access times", async () => {
    const root = folder();
    await cacheThatInvitesWrites(root);
    const before = fullListing(root);
    const logger = new RecordingLogger();
    const recorder = recordFsWrites();
    try {
      calls = {};
      const reader = await new Builder().withModules(flow).withCache({ path: root, readOnly: true, logger }).build();
      expect(await reader.execute(["C"], { inputs: { x: 1 } })).toEqual({ C: "3/1" });
      expect(calls).toEqual({});
      expect(reader.cache.lastRun.C?.outcome).toBe("hit");
      expect(await reader.cache.getResult(reader.cache.lastRun.B!.fingerprint!)).toBe(3); // a result read (access time)
      expect(await reader.execute(["C"], { inputs: { x: 5 } })).toEqual({ C: "11/5" }); // misses: computed, not stored
      expect(calls).toEqual({ A: 1, B: 1, C: 1 });
      expect((await reader.cache.listRuns()).length).toBe(1);
      await reader.close();
    } finally {
      recorder.stop();
    }
    expect(recorder.writes).toEqual([]);
    expect(fullListing(root)).toEqual(before);
    expect(logger.warnings).toEqual([]);

    // The folder really invited writes: a writable open compacts, cleans up and tracks access.
    const repository = new FileFingerprintRepository({ path: root });
    await repository.open();
    await repository.close();
    const results = new FileResultStore({ path: root });
    for await (const { key } of results.list()) await results.get(key);
    await results.close();
    const after = fullListing(root);
    expect(after.filter((line) => line.includes(".tmp-"))).toEqual([]);
    expect(after.filter((line) => line.startsWith("meta/") && line.includes("-compact-")).length).toBe(1);
    expect(after.filter((line) => line.startsWith("packs/") && line.includes("-compact-")).length).toBe(1);
    // The reads were recorded: this process's segment holds one access record per result.
    const own = after.filter((line) => line.startsWith("packs/") && line.includes(`-${process.pid}-`));
    expect(own).toHaveLength(1);
    const ownFile = fs.readdirSync(path.join(root, "packs")).find((name) => name.includes(`-${process.pid}-`))!;
    const records = readPackRecords(path.join(root, "packs", ownFile));
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.type === "access")).toBe(true);
  });

  it("a read-only cache whose folder does not exist: every node a miss, nothing created, one warning", async () => {
    const root = path.join(folder(), "never-made");
    const logger = new RecordingLogger();
    calls = {};
    const reader = await new Builder().withModules(flow).withCache({ path: root, readOnly: true, logger }).build();
    expect(await reader.execute(["C"], { inputs: { x: 2 } })).toEqual({ C: "5/2" });
    expect(await reader.execute(["C"], { inputs: { x: 2 } })).toEqual({ C: "5/2" });
    expect(calls).toEqual({ A: 2, B: 2, C: 2 });
    expect(reader.cache.lastRun.C?.outcome).toBe("computed");
    await reader.close();
    expect(fs.existsSync(root)).toBe(false);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(
      `the cache folder ${root} does not exist; a read-only cache creates nothing, so every node is a miss`,
    );
  });

  it("file stores opened read-only refuse writes with a StoreError, and a plain open() does not lift it", async () => {
    const root = folder();
    const repository = new FileFingerprintRepository({ path: root });
    const results = new FileResultStore({ path: root });
    await repository.open({ readOnly: true });
    await results.open({ readOnly: true });
    await repository.open();
    await results.open();
    const meta = { node: "n", codeVersion: "v", createdAt: 1 };
    const run = { runId: "r1", startedAt: 1, durationMs: 1, outputs: [], nodes: [] };
    for (const [what, write] of [
      ["set", () => repository.set("k", "f", meta)],
      ["setMany", () => repository.setMany([{ contextKey: "k", fingerprint: "f", ...meta }])],
      ["delete", () => repository.delete("k")],
      ["save run", () => repository.saveRun(run)],
      ["delete runs", () => repository.deleteRuns(["r1"])],
      ["set", () => results.set("key1", new Uint8Array([1]))],
      ["delete", () => results.delete("key1")],
    ] as const) {
      const error = await write().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, what).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toContain(`${what}`);
      expect((error as StoreError).message).toContain("opened read-only");
    }
    expect(fs.readdirSync(root)).toEqual([]);
    // close() ends read-only: the next plain open writes again.
    await results.close();
    await results.open();
    await results.set("key1", new Uint8Array([1]));
    expect(await results.get("key1")).toEqual(new Uint8Array([1]));
  });

  // Root ignores file permissions, so the folder is made unwritable for a child run as "nobody".
  const runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((file) => fs.existsSync(file));
  const asRoot = process.getuid?.() === 0;
  if (!asRoot || runuser === undefined)
    console.log(`[core tests] skipping the non-root read-only run: ${asRoot ? "no runuser" : "not running as root"}`);
  it.skipIf(!asRoot || runuser === undefined)(
    "as another user on a folder nobody may write (chmod -R a-w): hits, no warnings, nothing changed",
    async () => {
      const base = folder();
      fs.chmodSync(base, 0o755);
      const root = path.join(base, "cache");
      const child = path.join(base, "reader.mts");
      const core = fileURLToPath(new URL("../index.ts", import.meta.url));
      const dataflow = fileURLToPath(new URL("../../test/fixtures/read-only-dataflow.ts", import.meta.url));
      // The writer runs in a child too: code versions follow the source text each runner compiles.
      fs.writeFileSync(
        child,
        `import { Builder } from ${JSON.stringify(core)};
import * as dataflow from ${JSON.stringify(dataflow)};
const warnings = [];
const dr = await new Builder().withModules(dataflow).withCache({ path: process.argv[2], readOnly: process.argv[3] === "read", logger: { warn: (m) => warnings.push(m) } }).build();
const warm = await dr.execute(["C"], { inputs: { x: 1 } });
const outcomes = Object.values(dr.cache.lastRun).map((r) => r.node + ":" + r.outcome);
const cold = await dr.execute(["C"], { inputs: { x: 7 } });
await dr.close();
console.log(JSON.stringify({ uid: process.getuid(), warm, outcomes, cold, warnings }));
`,
      );
      fs.chmodSync(child, 0o644);
      const tsx = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));
      const env = { ...process.env, HOME: "/tmp" };
      const writer = spawnSync(tsx, [child, root, "write"], { encoding: "utf8", env });
      expect(writer.stderr).toBe("");
      expect(JSON.parse(writer.stdout.trim()).outcomes).toEqual(["x:input", "A:computed", "B:computed", "C:computed"]);
      inviteWrites(root);
      const chmodAll = (dir: string): void => {
        for (const name of fs.readdirSync(dir)) {
          const file = path.join(dir, name);
          if (fs.statSync(file).isDirectory()) chmodAll(file);
          else fs.chmodSync(file, 0o444);
        }
        fs.chmodSync(dir, 0o555);
      };
      chmodAll(root);
      const before = fullListing(root);
      const run = spawnSync(runuser!, ["-u", "nobody", "--", tsx, child, root, "read"], { encoding: "utf8", env });
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toEqual({
        uid: 65534,
        warm: { C: "3/1" },
        outcomes: ["x:input", "A:hit", "B:hit", "C:hit"],
        cold: { C: "15/7" },
        warnings: [],
      });
      expect(fullListing(root)).toEqual(before);
    },
    60_000,
  );
});
