// Group commit (issue 19): appends made in one turn of the event loop are written together; each
// caller's promise settles with its batch's write. On a cold run the file stores then append a turn's
// results and records in one write each, and still never record a result before its bytes are written.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { tempFolder } from "../../test/support.js";
import { BatchedAppends } from "./batched-appends.js";
import { FileFingerprintRepository, FileResultStore } from "./index.js";

const folders: { cleanup: () => void }[] = [];
function folder(): string {
  const made = tempFolder("ham-batched-");
  folders.push(made);
  return made.path;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const made of folders.splice(0)) made.cleanup();
});

const meta = { node: "n", codeVersion: "v", createdAt: 1 };

describe("BatchedAppends", () => {
  it("writes the appends of one turn together, in order, and settles each promise after the write", async () => {
    const writes: string[][] = [];
    const batches = new BatchedAppends<string>((items) => void writes.push([...items]));
    const settled: string[] = [];
    const all = ["a", "b", "c"].map((item) => batches.add(item, 1).then(() => void settled.push(item)));
    expect(writes).toEqual([]);
    expect(batches.queued).toEqual(["a", "b", "c"]);
    await Promise.all(all);
    expect(writes).toEqual([["a", "b", "c"]]);
    expect(settled).toEqual(["a", "b", "c"]);
    await batches.add("d", 1);
    expect(writes).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("writes at once when the queued bytes reach the bound, and on flush()", async () => {
    const writes: string[][] = [];
    const batches = new BatchedAppends<string>((items) => void writes.push([...items]), 10);
    const first = batches.add("x", 4);
    const second = batches.add("y", 6);
    expect(writes).toEqual([["x", "y"]]); // written inside add(), before any await
    await Promise.all([first, second]);
    const third = batches.add("z", 1);
    batches.flush();
    expect(writes).toEqual([["x", "y"], ["z"]]);
    await third;
    batches.flush(); // nothing queued: no write
    expect(writes.length).toBe(2);
  });

  it("a failed write rejects every append of its batch with its error; the next batch is written", async () => {
    let fail = true;
    const writes: string[][] = [];
    const batches = new BatchedAppends<string>((items) => {
      if (fail) throw new Error("disk full");
      writes.push([...items]);
    });
    const outcomes = await Promise.allSettled([batches.add("a", 1), batches.add("b", 1)]);
    expect(outcomes.map((o) => (o.status === "rejected" ? (o.reason as Error).message : "ok"))).toEqual([
      "disk full",
      "disk full",
    ]);
    fail = false;
    await batches.add("c", 1);
    expect(writes).toEqual([["c"]]);
  });
});

/** Counts fs.writeSync calls per folder (the descriptor's path, from /proc/self/fd). */
function countWrites(): Map<string, number> {
  const counts = new Map<string, number>();
  const write = fs.writeSync;
  vi.spyOn(fs, "writeSync").mockImplementation(((fd: number, ...rest: unknown[]) => {
    const dir = path.dirname(fs.readlinkSync(`/proc/self/fd/${fd}`));
    counts.set(path.basename(dir), (counts.get(path.basename(dir)) ?? 0) + 1);
    return (write as (...args: unknown[]) => number)(fd, ...rest);
  }) as typeof fs.writeSync);
  return counts;
}

describe("the file stores batch their appends", () => {
  it("a cold chain of 60 small results writes the pack and the records in a few appends, and a new driver hits every node", async () => {
    const dir = folder();
    const modules: Record<string, (...args: never[]) => unknown> = { n0: (x: number) => x + 1 };
    for (let i = 1; i < 60; i++) modules[`n${i}`] = new Function(`n${i - 1}`, `return n${i - 1} + 1;`) as never;
    const counts = countWrites();
    const dr = await new Builder().withModules(modules).withCache({ path: dir }).withProgress(false).build();
    expect(await dr.execute(["n59"], { inputs: { x: 0 } })).toEqual({ n59: 60 });
    expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "computed").length).toBe(60);
    expect(counts.get("packs") ?? 0).toBeGreaterThan(0);
    expect(counts.get("packs")).toBeLessThanOrEqual(3);
    expect(counts.get("meta")).toBeLessThanOrEqual(3);
    await dr.close();
    vi.restoreAllMocks();

    const again = await new Builder().withModules(modules).withCache({ path: dir }).withProgress(false).build();
    expect(await again.execute(["n30", "n59"], { inputs: { x: 0 } })).toEqual({ n30: 31, n59: 60 });
    const outcomes = Object.values(again.cache.lastRun).filter((r) => r.node !== "x");
    expect(outcomes.length).toBe(60);
    expect(new Set(outcomes.map((r) => r.outcome))).toEqual(new Set(["hit"]));
    await again.close();
  });

  it("a result queued for the pack is seen at once by has, get and getMany of the same store", async () => {
    const store = new FileResultStore({ path: folder() });
    const writing = store.set("queued", new Uint8Array([1, 2, 3]));
    expect(await store.has("queued")).toBe(true);
    expect(await store.get("queued")).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.getMany(["queued", "absent"])).toEqual([new Uint8Array([1, 2, 3]), undefined]);
    await writing;
    const other = new FileResultStore({ path: store.path });
    expect(await other.get("queued")).toEqual(new Uint8Array([1, 2, 3]));
    await Promise.all([store.close(), other.close()]);
  });

  it("a failed pack append fails every set of its batch with a StoreError naming set; none of them is kept", async () => {
    const store = new FileResultStore({ path: folder() });
    await store.open();
    vi.spyOn(fs, "writeSync").mockImplementationOnce(() => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    const outcomes = await Promise.allSettled([
      store.set("a", new Uint8Array([1])),
      store.set("b", new Uint8Array([2])),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe("rejected");
      const reason = (outcome as PromiseRejectedResult).reason as StoreError;
      expect(reason).toBeInstanceOf(StoreError);
      expect(reason.message).toMatch(/set/);
      expect(reason.message).toMatch(/no space left/);
    }
    expect(await store.has("a")).toBe(false);
    expect(await store.get("b")).toBeUndefined();
    await store.set("a", new Uint8Array([7]));
    expect(await new FileResultStore({ path: store.path }).get("a")).toEqual(new Uint8Array([7]));
    await store.close();
  });

  it("a failed record append rejects its set with a StoreError and puts the index back as it was", async () => {
    const repo = new FileFingerprintRepository({ path: folder() });
    await repo.open();
    await repo.set("kept", "fp-old", meta);
    vi.spyOn(fs, "writeSync").mockImplementationOnce(() => {
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    const outcomes = await Promise.allSettled([repo.set("kept", "fp-new", meta), repo.set("fresh", "fp-1", meta)]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
    expect(await repo.get("kept")).toBe("fp-old");
    expect(await repo.get("fresh")).toBeUndefined();
    await repo.set("fresh", "fp-2", meta);
    const other = new FileFingerprintRepository({ path: repo.path });
    expect(await other.get("fresh")).toBe("fp-2");
    expect(await other.get("kept")).toBe("fp-old");
    await Promise.all([repo.close(), other.close()]);
  });

  it("appends nobody waited for are written when the process exits", () => {
    const dir = folder();
    const loader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const entry = pathToFileURL(fileURLToPath(new URL("./index.ts", import.meta.url))).href;
    const script = path.join(dir, "exit.mts");
    fs.writeFileSync(
      script,
      `import { FileFingerprintRepository, FileResultStore } from ${JSON.stringify(entry)};
const results = new FileResultStore({ path: process.argv[2] });
const repo = new FileFingerprintRepository({ path: process.argv[2] });
await Promise.all([results.open(), repo.open()]);
void results.set("unawaited", new Uint8Array([4, 5, 6]));
void repo.set("ctx", "unawaited", { node: "n", codeVersion: "v", createdAt: 1 });
process.exit(0);
`,
    );
    const child = spawnSync(process.execPath, ["--import", loader, script, dir], { encoding: "utf8" });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    return (async () => {
      const results = new FileResultStore({ path: dir });
      const repo = new FileFingerprintRepository({ path: dir });
      expect(await repo.get("ctx")).toBe("unawaited");
      expect(await results.get("unawaited")).toEqual(new Uint8Array([4, 5, 6]));
      await Promise.all([results.close(), repo.close()]);
    })();
  });
});
