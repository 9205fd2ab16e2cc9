// One gc scenario every store pair must pass: keepRuns, maxBytes, the history promise, summaries, clear.
import { Builder } from "@ham/core";
import { type CacheStores, clearCache, collectGarbage, summarizeCache } from "@ham/core/lifecycle";
import { expect, it } from "vitest";

/** A store pair under test and how to remove what the test left behind. */
export interface StoreUnderTest extends CacheStores {
  cleanup?(): Promise<void>;
}

/** Every run with input x stores two results of equal size (A and B), so byte budgets are exact. */
const flow = {
  A: (x: number) => new Array(500).fill(x),
  B: (A: number[]) => A.map((v) => v + 1000),
};
const quiet = { info: () => undefined, warn: () => undefined };

async function run(stores: CacheStores, x: number): Promise<Record<string, string>> {
  const dr = await new Builder()
    .withModules(flow)
    .withCache({ ...stores, logger: quiet })
    .build();
  const out = await dr.execute(["B"], { inputs: { x } });
  expect((out.B as number[])[0]).toBe(x + 1000);
  return Object.fromEntries(Object.entries(dr.cache.lastRun).map(([k, v]) => [k, v.outcome]));
}

/** Every result a run left in the history used is still stored. */
export async function expectHistoryIntact(stores: CacheStores): Promise<void> {
  for (const r of (await stores.fingerprintStore.listRuns?.()) ?? []) {
    for (const node of r.nodes) {
      if (node.fingerprint === undefined || node.outcome === "input") continue;
      expect(await stores.resultStore.has(node.fingerprint), `run ${r.runId} node ${node.node}`).toBe(true);
    }
  }
}

/** Registers the scenario's tests; `make` builds a fresh, opened pair for each. */
export function gcScenario(make: () => Promise<StoreUnderTest>): void {
  const hit = { x: "input", A: "hit", B: "hit" };
  const miss = { x: "input", A: "computed", B: "computed" };

  it("keepRuns removes what only older runs used and keeps the newest runs warm", async () => {
    const stores = await make();
    try {
      for (const x of [1, 2, 3, 4]) await run(stores, x);
      // grace: 0 — these runs were just now; the rules, not the clock, decide here.
      const report = await collectGarbage(stores, { keepRuns: 2, grace: 0 });
      expect(report).toMatchObject({
        runsRemoved: 2,
        runsKept: 2,
        entriesRemoved: 4,
        entriesKept: 4,
        resultsRemoved: 4,
        resultsKept: 4,
      });
      await expectHistoryIntact(stores);
      expect(await run(stores, 4)).toEqual(hit);
      expect(await run(stores, 3)).toEqual(hit);
      expect(await run(stores, 1)).toEqual(miss);
    } finally {
      await stores.cleanup?.();
    }
  });

  it("maxBytes keeps only what the newest run uses when the limit is 0, and says it is still over", async () => {
    const stores = await make();
    try {
      for (const x of [1, 2, 3]) await run(stores, x);
      const dry = await collectGarbage(stores, { maxBytes: 0, grace: 0, dryRun: true });
      const report = await collectGarbage(stores, { maxBytes: 0, grace: 0 });
      expect({ ...report, dryRun: true }).toEqual(dry);
      expect(report).toMatchObject({ resultsRemoved: 4, resultsKept: 2, runsRemoved: 2, runsKept: 1 });
      expect(report.overLimitBytes).toBe(report.bytesKept);
      expect(report.overLimitBytes).toBeGreaterThan(0);
      await expectHistoryIntact(stores);
      expect(await run(stores, 3)).toEqual(hit);
      expect(await run(stores, 2)).toEqual(miss);
    } finally {
      await stores.cleanup?.();
    }
  });

  it("summaries count what is stored, and clear removes everything", async () => {
    const stores = await make();
    try {
      await run(stores, 1);
      await run(stores, 1);
      const summary = await summarizeCache(stores);
      expect(summary).toMatchObject({
        entries: 2,
        results: 2,
        runs: 2,
        recentRuns: 2,
        recentHits: 2,
        recentMisses: 2,
        hitRate: 0.5,
      });
      expect(summary.bytes).toBeGreaterThan(1000);
      const cleared = await clearCache(stores);
      expect(cleared).toMatchObject({ runsRemoved: 2, entriesRemoved: 2, resultsRemoved: 2, bytesKept: 0 });
      expect(await summarizeCache(stores)).toMatchObject({ entries: 0, results: 0, bytes: 0, runs: 0 });
    } finally {
      await stores.cleanup?.();
    }
  });
}
