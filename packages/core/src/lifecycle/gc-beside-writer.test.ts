// gc running in a loop beside another process that runs a cached dataflow on the same cache folder:
// the writer must always get correct results. A removed entry may only ever mean "compute again".
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { FileFingerprintRepository, FileResultStore } from "../stores/index.js";
import { collectGarbage, type GcOptions, type GcReport } from "./gc.js";

const TSX = fileURLToPath(new URL("../../../../node_modules/.bin/tsx", import.meta.url));
const coreEntry = pathToFileURL(fileURLToPath(new URL("../index.ts", import.meta.url))).href;
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-gc-writer-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

// .mts: an ES module wherever the temp folder is. The writer checks every output against the
// same functions called directly, without the cache.
const writerFile = path.join(root, "writer.mts");
fs.writeFileSync(
  writerFile,
  `// Child process for gc-beside-writer.test.ts: runs a cached dataflow many times, checking every output.
import { Builder, FileFingerprintRepository, FileResultStore } from ${JSON.stringify(coreEntry)};
const [dir, count] = process.argv.slice(2) as [string, string];
const flow = {
  base: (x: number) => Array.from({ length: 300 + x * 50 }, (_, i) => (i * (x + 3)) % 97),
  total: (base: number[]) => base.reduce((a, b) => a + b, 0),
  label: (total: number, x: number) => "x=" + x + " total=" + total,
};
const warnings: string[] = [];
const dr = await new Builder()
  .withModules(flow)
  .withCache({
    fingerprintStore: new FileFingerprintRepository({ path: dir }),
    resultStore: new FileResultStore({ path: dir }),
    logger: { warn: (m: string) => warnings.push(m), info: () => undefined },
  })
  .build();
const tally = { runs: 0, mismatches: [] as string[], hit: 0, computed: 0, recomputed: 0, missing: 0 };
for (let i = 0; i < Number(count); i++) {
  const x = i % 6;
  const out = await dr.execute(["label", "total", "base"], { inputs: { x } });
  const base = flow.base(x);
  const total = flow.total(base);
  const want = { label: flow.label(total, x), total, base };
  if (JSON.stringify(out) !== JSON.stringify(want)) tally.mismatches.push("run " + i + " x=" + x + ": " + JSON.stringify(out).slice(0, 120));
  for (const record of Object.values(dr.cache.lastRun)) {
    if (record.outcome === "hit" || record.outcome === "computed" || record.outcome === "recomputed") tally[record.outcome]++;
  }
  tally.runs++;
  // A pause between runs, so gc (in the parent, in a loop) gets turns even when runs are fast or the machine is busy.
  await new Promise((resolve) => setTimeout(resolve, 4));
}
tally.missing = warnings.filter((w) => w.includes("missing from the result store")).length;
await dr.close();
process.stdout.write(JSON.stringify(tally) + "\\n");
`,
);

interface Tally {
  runs: number;
  mismatches: string[];
  hit: number;
  computed: number;
  recomputed: number;
  missing: number;
}

/** Runs the writer to completion while gc runs with `options` in a loop; returns both sides' totals. */
async function besideWriter(
  dir: string,
  runs: number,
  options: GcOptions[],
): Promise<{ tally: Tally; reports: GcReport[] }> {
  const child = spawn(TSX, ["--conditions=@ham/source", writerFile, dir, String(runs)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => ((exited = true), resolve(code))));
  const stores = {
    fingerprintStore: new FileFingerprintRepository({ path: dir }),
    resultStore: new FileResultStore({ path: dir }),
  };
  await stores.fingerprintStore.open();
  await stores.resultStore.open();
  const reports: GcReport[] = [];
  for (let i = 0; !exited; i++) {
    reports.push(await collectGarbage(stores, options[i % options.length] ?? {}));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await stores.fingerprintStore.close();
  await stores.resultStore.close();
  const code = await exit;
  expect(code, stderr).toBe(0);
  return { tally: JSON.parse(stdout.trim()) as Tally, reports };
}

describe("gc beside a writer process", () => {
  it("with no grace period gc removes the writer's entries all the time, and every output is still correct", async () => {
    const dir = path.join(root, "aggressive");
    const { tally, reports } = await besideWriter(dir, 60, [
      { keepRuns: 0, grace: 0 },
      { maxBytes: 0, grace: 0 },
      { olderThan: 0, grace: 0 },
    ]);
    expect(tally.runs).toBe(60);
    expect(tally.mismatches).toEqual([]);
    // gc really did take things away while the writer ran, so the writer had to compute again.
    expect(reports.reduce((n, r) => n + r.resultsRemoved, 0)).toBeGreaterThan(0);
    expect(tally.computed + tally.recomputed).toBeGreaterThan(6 * 3);
  });

  it("with the default grace period nothing the writer uses is lost, while old garbage is collected", async () => {
    const dir = path.join(root, "graceful");
    // Garbage from a day ago: records and results no current run uses.
    const repository = new FileFingerprintRepository({ path: dir });
    const results = new FileResultStore({ path: dir });
    const dayAgo = Date.now() - 86_400_000;
    // Packed results carry their write time: written with the clock a day back.
    vi.useFakeTimers({ toFake: ["Date"], now: dayAgo });
    for (let i = 0; i < 20; i++) {
      const key = `old0result${i}`;
      await results.set(key, new Uint8Array(1000));
      const file = fs
        .readdirSync(path.join(dir, "results"), { recursive: true, withFileTypes: true })
        .find((e) => e.isFile() && e.name.startsWith(key));
      if (file) fs.utimesSync(path.join(file.parentPath, file.name), new Date(dayAgo), new Date(dayAgo));
      await repository.set(`ctx.old${i}`, key, { node: "old", codeVersion: "v0", createdAt: dayAgo });
    }
    await repository.close();
    await results.close();
    vi.useRealTimers();
    const { tally, reports } = await besideWriter(dir, 60, [{ keepRuns: 0 }, { maxBytes: 0 }, { olderThan: "1h" }]);
    expect(tally.mismatches).toEqual([]);
    expect(tally.missing).toBe(0);
    expect(tally.recomputed).toBe(0);
    // Six distinct inputs: each node computes once per input and hits afterwards.
    expect(tally.computed).toBe(6 * 3);
    expect(reports.reduce((n, r) => n + r.resultsRemoved, 0)).toBe(20);
    expect(reports.reduce((n, r) => n + r.entriesRemoved, 0)).toBe(20);
  });
});
