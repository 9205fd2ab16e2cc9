// Three child processes run the same cached dataflow on one cache folder at once: afterwards every
// entry is complete and readable, and a fresh driver gets every node from the cache.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Builder } from "../src/driver/builder.js";
import type { FileFingerprintRepository } from "../src/stores/index.js";
import * as dataflow from "./fixtures/wide-dataflow.js";
import { RecordingLogger, tempFolder } from "./support.js";

const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));
const coreEntry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const dataflowFile = fileURLToPath(new URL("./fixtures/wide-dataflow.ts", import.meta.url));
const folder = tempFolder("ham-procs-");
afterAll(() => folder.cleanup());

// Written at run time with absolute paths, so it runs from anywhere (and stays out of the typecheck).
const workerFile = path.join(folder.path, "worker.mts");
fs.writeFileSync(
  workerFile,
  `// Child process of concurrent-processes.test.ts: runs the wide dataflow, cached, in a shared folder.
import { Builder } from ${JSON.stringify(coreEntry)};
import * as dataflow from ${JSON.stringify(dataflowFile)};
const [dir, seeds, mode] = process.argv.slice(2);
const dr = await new Builder().withModules(dataflow).withCache({ path: dir, logger: { warn: (m) => console.error(m) } }).build();
const report = [];
for (const seed of seeds.split(",").map(Number)) {
  const values = await dr.execute([...dataflow.outputs], { inputs: { seed } });
  const outcomes = Object.values(dr.cache.lastRun).filter((r) => r.outcome !== "input").map((r) => r.node + ":" + r.outcome);
  report.push({ seed, values: { ...values, bytes: Array.from(values.bytes) }, outcomes });
}
await dr.close();
process.stdout.write(mode === "report" ? JSON.stringify(report) : "done\\n");
`,
);

function runWorker(
  dir: string,
  seeds: number[],
  mode = "run",
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(TSX, [workerFile, dir, seeds.join(","), mode], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, out, err })));
}

describe("processes sharing a cache folder", () => {
  it("three processes at once leave every entry readable, and a fresh driver gets all hits", async () => {
    const cache = path.join(folder.path, "cache");
    // Each process runs one seed of its own and two seeds every process runs: shared and distinct writes race.
    const seedsOf = [
      [1, 100, 200],
      [2, 200, 100],
      [3, 100, 200],
    ];
    const results = await Promise.all(seedsOf.map((seeds) => runWorker(cache, seeds)));
    for (const result of results) {
      expect(result.err).toBe("");
      expect(result.code).toBe(0);
      expect(result.out).toBe("done\n");
    }

    // Every repository entry points at a result that is there and decodes.
    const logger = new RecordingLogger();
    const dr = await new Builder().withModules(dataflow).withCache({ path: cache, logger }).build();
    const repository = dr.cache.fingerprintStore as FileFingerprintRepository;
    await dr.cache.open();
    let entries = 0;
    for await (const entry of repository.entries()) {
      entries++;
      expect(await dr.cache.resultStore.has(entry.fingerprint)).toBe(true);
      expect(await dr.cache.getResult(entry.fingerprint)).not.toBeUndefined();
    }
    // 8 nodes; constant is shared by all seeds: 5 seeds × 7 + 1, fewer only where equal results share an entry.
    expect(entries).toBeGreaterThanOrEqual(30);

    // A fresh driver gets every node of every seed from the cache, with the right values. It runs under
    // tsx like the workers: another transpiler prints functions differently, which is another code version.
    const check = await runWorker(cache, [1, 2, 3, 100, 200], "report");
    expect(check.err).toBe("");
    const report = JSON.parse(check.out) as { seed: number; values: Record<string, unknown>; outcomes: string[] }[];
    const uncached = await new Builder().withModules(dataflow).build();
    for (const { seed, values, outcomes } of report) {
      const expected = await uncached.execute([...dataflow.outputs], { inputs: { seed } });
      expect(values).toEqual({ ...expected, bytes: Array.from(expected.bytes) });
      expect(outcomes).toHaveLength(8);
      expect(outcomes.filter((o) => !o.endsWith(":hit"))).toEqual([]);
    }
    expect(logger.warnings).toEqual([]);
    await dr.close();
  });
});
