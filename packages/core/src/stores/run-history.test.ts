// Malformed run records in the history (edited files, other programs) are StoreErrors naming the
// store and the run, from every reader: explain, listRuns, gc, inspect. Never a raw TypeError.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordingLogger, tempFolder } from "../../test/support.js";
import type { FingerprintRepository, ResultStore, RunRecord } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { clearCache, collectGarbage, summarizeCache } from "../lifecycle/index.js";
import { FileFingerprintRepository, FileResultStore, MemoryFingerprintRepository, MemoryResultStore } from "./index.js";
import { runFileStem } from "./keys.js";
import { checkRun, readRuns } from "./run-history.js";

const flow = { A: () => 1, B: (A: number) => A + 1 };

/** What a hostile or damaged history may hold, with the words the error must use. */
const MALFORMED: [string, unknown, RegExp][] = [
  [
    "nodes is a number",
    { runId: "bad", startedAt: 1, durationMs: 1, outputs: [], nodes: 5 },
    /run "bad" .*malformed \(nodes is 5, not a list\)/,
  ],
  [
    "a node without an outcome",
    { runId: "bad", startedAt: 1, durationMs: 1, outputs: ["B"], nodes: [{ node: "B", durationMs: 1 }] },
    /nodes\[0\] \("B"\) has outcome undefined/,
  ],
  [
    "inputFingerprints of numbers",
    {
      runId: "bad",
      startedAt: 1,
      durationMs: 1,
      outputs: [],
      nodes: [{ node: "B", outcome: "hit", durationMs: 1, inputFingerprints: { A: 5 } }],
    },
    /inputFingerprints an object, not an object of strings/,
  ],
  ["startedAt missing", { runId: "bad", durationMs: 1, outputs: [], nodes: [] }, /startedAt is undefined/],
];

describe("checkRun", () => {
  it.each(MALFORMED)("%s is a StoreError saying what is wrong", (_, run, words) => {
    expect(() => checkRun("memory", run)).toThrow(StoreError);
    expect(() => checkRun("memory", run)).toThrow(words);
    expect(() => checkRun("memory", run)).toThrow(/store "memory" failed to read run history/);
  });

  it("a well-formed run passes unchanged", () => {
    const run: RunRecord = {
      runId: "r",
      startedAt: 1,
      durationMs: 2,
      outputs: ["B"],
      nodes: [{ node: "B", outcome: "computed", durationMs: 1, fingerprint: "f", inputFingerprints: { A: "a" } }],
    };
    expect(checkRun("memory", run)).toBe(run);
  });
});

type Stores = { fingerprintStore: FingerprintRepository; resultStore: ResultStore };

/** Runs the flow once (a real history), plants `bad`, then checks every reader. */
async function checkReaders(stores: Stores, plant: (bad: unknown) => Promise<void>): Promise<void> {
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ ...stores, logger: new RecordingLogger() })
    .build();
  await dr.execute(["B"]);
  const goodRun = dr.cache.lastRunId as string;
  await plant(MALFORMED[0]![1]);
  const name = stores.fingerprintStore.name;
  const named = new RegExp(
    `store "${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}" failed to read run history: run "bad"`,
  );
  await expect(dr.cache.explain("B", "bad")).rejects.toThrow(named);
  await expect(dr.cache.explain("B", "bad")).rejects.toBeInstanceOf(StoreError);
  await expect(dr.cache.listRuns()).rejects.toThrow(named);
  await expect(dr.cache.gc()).rejects.toThrow(named);
  await expect(summarizeCache(stores)).rejects.toThrow(named);
  await expect(collectGarbage(stores, { keepRuns: 1 })).rejects.toThrow(named);
  // Explaining a good run compares it with the history, which holds the bad record: refused too.
  await expect(dr.cache.explain("B", goodRun)).rejects.toThrow(named);
  // Clearing the cache removes the bad record instead of failing on it.
  const cleared = await clearCache(stores);
  expect(cleared.runsRemoved).toBe(2);
  expect(await readRuns(stores.fingerprintStore)).toEqual([]);
  await dr.close();
}

describe("malformed run records in real stores", () => {
  it("memory: every reader of the history raises a StoreError naming the store and the run", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    await checkReaders(stores, (bad) => stores.fingerprintStore.saveRun(bad as RunRecord));
  });

  describe("file", () => {
    let folder: ReturnType<typeof tempFolder>;
    beforeEach(() => void (folder = tempFolder("ham-history-")));
    afterEach(() => folder.cleanup());

    it('a run file holding {"nodes": 5} is a StoreError from every reader', async () => {
      const stores = {
        fingerprintStore: new FileFingerprintRepository({ path: folder.path }),
        resultStore: new FileResultStore({ path: folder.path }),
      };
      await checkReaders(stores, async (bad) =>
        fs.writeFileSync(path.join(folder.path, "runs", `${runFileStem("bad")}.json`), JSON.stringify(bad)),
      );
    });

    it('an appended run line holding {"nodes": 5} is a StoreError from every reader', async () => {
      const stores = {
        fingerprintStore: new FileFingerprintRepository({ path: folder.path }),
        resultStore: new FileResultStore({ path: folder.path }),
      };
      await checkReaders(stores, (bad) => stores.fingerprintStore.saveRun(bad as RunRecord));
    });
  });
});
