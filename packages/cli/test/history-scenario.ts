// One scenario every store pair must pass: a malformed run record in the history (planted through
// the store's own saveRun, as another program or an edit would leave it) is a StoreError naming the
// store from every reader, and clearing the cache still removes it.
import { Builder, type RunRecord, StoreError } from "@ham/core";
import {
  type CacheStores,
  clearCache,
  collectGarbage,
  explainRun,
  readRun,
  readRuns,
  summarizeCache,
} from "@ham/core/lifecycle";
import { expect, it } from "vitest";

const flow = { A: (x: number) => x + 1, B: (A: number) => A * 2 };
const quiet = { info: () => undefined, warn: () => undefined };

/** Registers the scenario's test; `make` builds a fresh, opened pair. */
export function historyScenario(make: () => Promise<CacheStores & { cleanup?(): Promise<void> }>): void {
  it('a run record like {"nodes": 5} is a StoreError naming the store from explain, runs, stats and gc; clear removes it', async () => {
    const stores = await make();
    try {
      const dr = await new Builder()
        .withModules(flow)
        .withCache({ ...stores, logger: quiet })
        .build();
      await dr.execute(["B"], { inputs: { x: 1 } });
      const bad = { runId: "bad", startedAt: Date.now() + 1000, durationMs: 1, outputs: [], nodes: 5 };
      await stores.fingerprintStore.saveRun?.(bad as unknown as RunRecord);
      const named = new RegExp(
        `store "${stores.fingerprintStore.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}" failed to read run history: run "bad" .*nodes is 5, not a list`,
      );
      await expect(readRuns(stores.fingerprintStore)).rejects.toBeInstanceOf(StoreError);
      await expect(readRuns(stores.fingerprintStore, { limit: 1 })).rejects.toThrow(named);
      await expect(readRun(stores.fingerprintStore, "bad")).rejects.toThrow(named);
      await expect(explainRun(stores.fingerprintStore, "bad", "B")).rejects.toThrow(named);
      await expect(dr.cache.explain("B", "bad")).rejects.toThrow(named);
      await expect(summarizeCache(stores)).rejects.toThrow(named);
      await expect(collectGarbage(stores, { keepRuns: 1, grace: 0 })).rejects.toThrow(named);
      expect(await clearCache(stores)).toMatchObject({ runsRemoved: 2 });
      expect(await readRuns(stores.fingerprintStore)).toEqual([]);
      await dr.close();
    } finally {
      await stores.cleanup?.();
    }
  });
}
