// A long run appears in the run history while it goes (a `running` snapshot, replaced by the final
// record); a short one writes its record once, at the end; records carry the DAG edges.
import { describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { visualizeRun } from "../driver/visualize.js";
import type { RunRecord } from "../contracts.js";
import { PROGRESS_AFTER_MS, PROGRESS_EVERY_MS } from "./run-progress.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("run progress in the history", () => {
  it("a run lasting over PROGRESS_AFTER_MS shows up as running with the nodes done so far, then as finished", async () => {
    const stores = memoryCache();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const dr = await new Builder()
      .withModules({ fast: (x: number) => x + 1, slow: async (fast: number) => (await gate, fast * 2) })
      .withCache(stores)
      .build();
    const running = dr.execute(["slow"], { inputs: { x: 1 } });
    await sleep(PROGRESS_AFTER_MS + 300);
    const [snapshot] = (await stores.fingerprintStore.listRuns?.()) ?? [];
    expect(snapshot?.running).toBe(true);
    expect(snapshot?.nodes.map((n) => `${n.node}:${n.outcome}`).sort()).toEqual(["fast:computed", "x:input"]);
    release();
    expect(await running).toEqual({ slow: 4 });
    const runs = (await stores.fingerprintStore.listRuns?.()) ?? [];
    expect(runs).toHaveLength(1);
    expect(runs[0]?.running).toBeUndefined();
    expect(runs[0]?.runId).toBe(snapshot?.runId);
    expect(runs[0]?.nodes.map((n) => n.node).sort()).toEqual(["fast", "slow", "x"]);
    // No snapshot written after the final record replaces it.
    await sleep(PROGRESS_EVERY_MS + 200);
    expect((await stores.fingerprintStore.getRun?.(snapshot?.runId as string))?.running).toBeUndefined();
  });

  it("a short run saves its record once, when it ends", async () => {
    const stores = memoryCache();
    const saved: RunRecord[] = [];
    const save = stores.fingerprintStore.saveRun?.bind(stores.fingerprintStore);
    stores.fingerprintStore.saveRun = async (run) => (saved.push(run), save?.(run));
    const dr = await new Builder()
      .withModules({ a: (x: number) => x + 1 })
      .withCache(stores)
      .build();
    await dr.execute(["a"], { inputs: { x: 1 } });
    await sleep(PROGRESS_AFTER_MS + 100);
    expect(saved.map((r) => r.running)).toEqual([undefined]);
  });

  it("records each node's deps, and visualizeRun draws the run's DAG from them", async () => {
    const stores = memoryCache();
    const dr = await new Builder()
      .withModules({ a: (x: number) => x + 1, b: (a: number, x: number) => a * x })
      .withCache(stores)
      .build();
    await dr.execute(["b"], { inputs: { x: 3 } });
    const [run] = (await stores.fingerprintStore.listRuns?.()) ?? [];
    expect(run?.nodes.find((n) => n.node === "b")?.deps).toEqual(["a", "x"]);
    const dot = visualizeRun(run as RunRecord, () => 1234);
    expect(dot).toContain('"a" -> "b";');
    expect(dot).toContain('"x" -> "b";');
    expect(dot).toMatch(/"b" \[label="b\\ncomputed · [^"]* · 1\.2 kB"/);
  });
});
