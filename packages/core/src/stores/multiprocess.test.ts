// Several real processes sharing one cache folder, and a process killed mid-write: the file
// stores must leave every entry complete and readable.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FileFingerprintRepository, FileResultStore } from "./index.js";

// tsx's own CLI runs the script in a grandchild process, so a SIGKILL would hit the wrapper
// only: run node directly with the loader of the workspace's tsx (node_modules/.bin/tsx's package).
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const storesEntry = pathToFileURL(fileURLToPath(new URL("./index.ts", import.meta.url))).href;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-multi-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Length and bytes of the value written under `key`: both sides compute them from the key. */
const valueSource = `
function expectedValue(key: string): Uint8Array {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  const length = h % (key.startsWith("c") ? 3_000_000 : 70_000);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (h + i * 7 + (i >>> 9)) & 0xff;
  return bytes;
}`;
// The very source the workers run, so both sides agree on every value.
const expectedValue = new Function(`${valueSource.replace(/: string|: Uint8Array/g, "")}; return expectedValue;`)() as (
  key: string,
) => Uint8Array;

// .mts: an ES module wherever the temp folder is (top-level await), whatever package.json is near.
const workerFile = path.join(root, "worker.mts");
fs.writeFileSync(
  workerFile,
  `// Child process for multiprocess.test.ts: writes results and records into a shared cache folder.
import { FileFingerprintRepository, FileResultStore } from ${JSON.stringify(storesEntry)};
${valueSource}
const [mode, dir, id, count] = process.argv.slice(2) as [string, string, string, string];
const repo = new FileFingerprintRepository({ path: dir });
const results = new FileResultStore({ path: dir });
await repo.open();
await results.open();
const meta = { node: "N" + id, codeVersion: "v", createdAt: 1 };
if (mode === "write") {
  for (let i = 0; i < Number(count); i++) {
    const shared = "s" + (i % 40);
    await results.set(shared, expectedValue(shared));
    await repo.set("ctx.shared:" + (i % 40), "fp-" + shared, meta);
    const own = "p" + id + "x" + i;
    await results.set(own, expectedValue(own));
    await repo.set("ctx.own:" + own, "fp-" + own, meta);
  }
  await repo.close();
  await results.close();
  process.stdout.write("done\\n");
} else {
  for (let i = 0; ; i++) {
    const key = "c" + i;
    await results.set(key, expectedValue(key));
    await repo.set("ctx.crash:" + i, "fp-" + key, meta);
    process.stdout.write(i + "\\n");
  }
}
`,
);

function startWorker(...args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", TSX_LOADER, "--conditions=@ham/source", workerFile, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, out, err })));
}

async function readAll(dir: string): Promise<{ results: Map<string, Uint8Array>; records: Map<string, string> }> {
  const store = new FileResultStore({ path: dir });
  const repo = new FileFingerprintRepository({ path: dir });
  const results = new Map<string, Uint8Array>();
  for await (const item of store.list()) results.set(item.key, (await store.get(item.key))!);
  const records = new Map<string, string>();
  for await (const entry of repo.entries()) records.set(entry.contextKey, entry.fingerprint);
  return { results, records };
}

describe("file stores shared by several processes", () => {
  it("four processes writing the same folder at once (same and different keys) leave every entry readable", async () => {
    const dir = path.join(root, "shared");
    const count = 60;
    const runs = await Promise.all(
      ["0", "1", "2", "3"].map((id) => finished(startWorker("write", dir, id, String(count)))),
    );
    for (const r of runs) expect({ code: r.code, err: r.err, out: r.out }).toEqual({ code: 0, err: "", out: "done\n" });

    const { results, records } = await readAll(dir);
    const expectedKeys = [...Array.from({ length: 40 }, (_, i) => `s${i}`)];
    for (const id of ["0", "1", "2", "3"]) for (let i = 0; i < count; i++) expectedKeys.push(`p${id}x${i}`);
    expect([...results.keys()].sort()).toEqual(expectedKeys.sort());
    for (const [key, bytes] of results)
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expectedValue(key))), key).toBe(0);
    expect(records.size).toBe(40 + 4 * count);
    for (let i = 0; i < 40; i++) expect(records.get(`ctx.shared:${i}`)).toBe(`fp-s${i}`);
    for (const key of expectedKeys.filter((k) => k.startsWith("p")))
      expect(records.get(`ctx.own:${key}`)).toBe(`fp-${key}`);
    // No temp file is left behind by writers that finished.
    expect(fs.readdirSync(path.join(dir, "tmp"))).toEqual([]);
  }, 60_000);

  it("a process killed with SIGKILL while writing leaves only complete, readable entries", async () => {
    const dir = path.join(root, "crash");
    const child = startWorker("crash", dir, "9", "0");
    const done = finished(child);
    let reported = -1;
    await new Promise<void>((resolve, reject) => {
      child.on("close", (code) => reject(new Error(`the writer exited early with code ${String(code)}`)));
      child.stdout!.on("data", (d: Buffer) => {
        const lines = d.toString().trim().split("\n");
        reported = Math.max(reported, Number(lines[lines.length - 1]));
        if (reported >= 25) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    const { signal } = await done;
    expect(signal).toBe("SIGKILL");

    const { results, records } = await readAll(dir);
    // Everything the child reported as written is there and whole...
    for (let i = 0; i <= reported; i++) {
      expect(results.has(`c${i}`), `result c${i}`).toBe(true);
      expect(records.get(`ctx.crash:${i}`), `record ${i}`).toBe(`fp-c${i}`);
    }
    // ...and whatever else made it to disk before the kill is whole too, never a partial value.
    for (const [key, bytes] of results)
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expectedValue(key))), key).toBe(0);
    for (const [key, fp] of records) expect(fp).toBe(`fp-c${key.slice("ctx.crash:".length)}`);
  }, 60_000);

  it("a reader process opened before a writer sees the writer's records without reopening", async () => {
    const dir = path.join(root, "visibility");
    const reader = new FileFingerprintRepository({ path: dir });
    await reader.open();
    expect(await reader.get("ctx.own:p5x0")).toBeUndefined();
    const r = await finished(startWorker("write", dir, "5", "3"));
    expect(r.code).toBe(0);
    expect(await reader.getMany(["ctx.own:p5x0", "ctx.own:p5x2", "ctx.shared:1"])).toEqual([
      "fp-p5x0",
      "fp-p5x2",
      "fp-s1",
    ]);
    const store = new FileResultStore({ path: dir });
    expect(Buffer.from((await store.get("p5x1"))!).equals(Buffer.from(expectedValue("p5x1")))).toBe(true);
  }, 60_000);
});
