// Facts as fields: extractFields records carry pickedFrom, expired recomputes carry expired; gc and the
// run summary read the fields, and still understand history written before the fields existed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryCache } from "../../test/support.js";
import type { NodeRunRecord, RunRecord } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { cache, extractFields } from "../modifiers/index.js";
import { storelessNodesOf } from "./gc.js";
import { summarizeRun } from "./inspect.js";

afterEach(() => void vi.useRealTimers());

const flow = {
  stats: extractFields({ mean: Number, count: Number })((values: number[]) => ({
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    count: values.length,
  })),
  report: cache({ maxAge: "1d" })((mean: number, count: number) => `${count} values, mean ${mean}`),
};

const runOf = (nodes: NodeRunRecord[]): RunRecord => ({
  runId: "r1",
  startedAt: 0,
  durationMs: 1,
  outputs: ["report"],
  nodes,
});

describe("facts as fields on NodeRunRecord", () => {
  it("a run records pickedFrom on field nodes (computed and hit) and expired on a node recomputed past its maxAge", async () => {
    const stores = memoryCache();
    const build = () => new Builder().withModules(flow).withCache(stores).build();
    const cold = await build();
    await cold.execute(["report"], { inputs: { values: [1, 2, 3] } });
    expect(cold.cache.lastRun.mean?.pickedFrom).toBe("stats");
    expect(cold.cache.lastRun.count?.pickedFrom).toBe("stats");
    expect(cold.cache.lastRun.report?.pickedFrom).toBeUndefined();
    expect(cold.cache.lastRun.report?.expired).toBeUndefined();

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 86_400_000);
    const warm = await build();
    await warm.execute(["report"], { inputs: { values: [1, 2, 3] } });
    expect(warm.cache.lastRun.mean).toMatchObject({ outcome: "hit", pickedFrom: "stats" });
    expect(warm.cache.lastRun.report).toMatchObject({ outcome: "computed", expired: true });
    const [saved] = await warm.cache.listRuns({ limit: 1 });
    expect(summarizeRun(saved as RunRecord).expired).toBe(1);
    expect([...storelessNodesOf([saved as RunRecord])].sort()).toEqual(["count", "mean"]);
  });

  it("gc and the run summary read the fields, not the wording of the reason", () => {
    const run = runOf([
      {
        node: "mean",
        outcome: "computed",
        durationMs: 1,
        fingerprint: "f1",
        pickedFrom: "stats",
        reason: "(any wording)",
      },
      { node: "report", outcome: "computed", durationMs: 1, fingerprint: "f2", expired: true, reason: "(any wording)" },
      { node: "other", outcome: "computed", durationMs: 1, fingerprint: "f3" },
    ]);
    expect([...storelessNodesOf([run])]).toEqual(["mean"]);
    expect(summarizeRun(run).expired).toBe(1);
  });

  it("history written before the fields existed is read by its reasons", () => {
    const run = runOf([
      {
        node: "mean",
        outcome: "computed",
        durationMs: 1,
        fingerprint: "f1",
        reason: `picked from "stats"; its value is stored as part of "stats"'s result`,
      },
      {
        node: "count",
        outcome: "hit",
        durationMs: 1,
        fingerprint: "f4",
        reason: `hit: part of the cached result of "stats", read only when needed`,
      },
      {
        node: "report",
        outcome: "computed",
        durationMs: 1,
        fingerprint: "f2",
        reason:
          "expired: the stored entry is 2 d old, older than maxAge 1 d (cache({ maxAge }) on this node); computed again",
      },
      {
        node: "other",
        outcome: "computed",
        durationMs: 1,
        fingerprint: "f3",
        reason: "behaviour recompute: run and overwrite",
      },
    ]);
    expect([...storelessNodesOf([run])].sort()).toEqual(["count", "mean"]);
    expect(summarizeRun(run).expired).toBe(1);
  });
});
