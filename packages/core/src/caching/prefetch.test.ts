// Speculative lookups (prefetch.ts): a warm run in ≤ 2 repository round trips whatever its depth, with
// exactly the outcomes of the level-by-level path, also after deletions, expiry and other writers.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";
import {
  FileFingerprintRepository,
  FileResultStore,
  MemoryFingerprintRepository,
  MemoryResultStore,
} from "../stores/index.js";
import { type StorePair, chainModule, countingRepository } from "../testing/prediction.js";
import { predictionCases } from "../../test/prediction-suite.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-prefetch-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;

const SETUPS: [string, () => StorePair][] = [
  [
    "file",
    () => {
      const dir = path.join(root, `c${folders++}`);
      return {
        fingerprintStore: new FileFingerprintRepository({ path: dir }),
        resultStore: new FileResultStore({ path: dir }),
      };
    },
  ],
  ["memory", () => ({ fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() })],
];

describe.each(SETUPS)("%s stores: predicted vs level by level", (_, make) => {
  predictionCases(make);
});

describe("round trips", () => {
  it("a warm chain of 100 in a new process takes ≤ 2 repository round trips (1 with the driver reused)", async () => {
    const dir = path.join(root, "chain100");
    const stores = {
      fingerprintStore: new FileFingerprintRepository({ path: dir }),
      resultStore: new FileResultStore({ path: dir }),
    };
    const calls: string[] = [];
    const cold = await new Builder().withModules(chainModule(100, calls)).withCache(stores).build();
    expect(await cold.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    await cold.close();

    const repository = countingRepository(stores.fingerprintStore);
    const warm = await new Builder()
      .withModules(chainModule(100, calls))
      .withCache({ ...stores, fingerprintStore: repository })
      .build();
    calls.length = 0;
    expect(await warm.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    expect(repository.reads).toBeLessThanOrEqual(2);
    expect(warm.cache.stats.repositoryRoundTrips).toBe(repository.reads);
    expect(calls).toEqual([]);
    const reads = repository.reads;
    expect(await warm.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    expect(repository.reads - reads).toBe(1);

    // The same without prediction: one round trip per level.
    const levels = countingRepository(stores.fingerprintStore);
    const slow = await new Builder()
      .withModules(chainModule(100, calls))
      .withCache({ ...stores, fingerprintStore: levels, predict: false })
      .build();
    await slow.execute(["c99"], { inputs: { x: 0 } });
    expect(levels.reads).toBe(100);
    await Promise.all([warm.close(), slow.close()]);
  });

  it("a new process predicts from the newest run in the history", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const calls: string[] = [];
    const first = await new Builder().withModules(chainModule(10, calls)).withCache(stores).build();
    await first.execute(["c9"], { inputs: { x: 1 } });
    await first.execute(["c9"], { inputs: { x: 2 } });
    const repository = countingRepository(stores.fingerprintStore);
    const dr = await new Builder()
      .withModules(chainModule(10, calls))
      .withCache({ ...stores, fingerprintStore: repository })
      .build();
    calls.length = 0;
    expect(await dr.execute(["c9"], { inputs: { x: 2 } })).toEqual({ c9: 12 });
    expect(calls).toEqual([]);
    expect(repository.reads).toBe(2);
  });

  it("a node whose prediction fails is looked up level by level only from there down", async () => {
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const calls: string[] = [];
    await (await new Builder().withModules(chainModule(20, calls)).withCache(stores).build()).execute(["c19"], {
      inputs: { x: 0 },
    });
    const repository = countingRepository(stores.fingerprintStore);
    // c15's code changed (a new version): c15…c19 recompute.
    const dr = await new Builder()
      .withModules(chainModule(20, calls, 15, 2))
      .withCache({ ...stores, fingerprintStore: repository })
      .build();
    calls.length = 0;
    expect(await dr.execute(["c19"], { inputs: { x: 0 } })).toEqual({ c19: 1019 });
    expect(calls).toEqual(["c15", "c16", "c17", "c18", "c19"]);
    // History + one batch for c0…c14 (and the stale c16…c19 keys), then c15…c19 one level each.
    expect(repository.reads).toBe(2 + 5);
  });
});
