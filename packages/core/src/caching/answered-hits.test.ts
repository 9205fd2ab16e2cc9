// A hit the run's prefetched batch already answered is taken without a lookup (CacheRun #answeredHit):
// its outputs must be what a fresh run returns, as far as JavaScript can observe.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Builder } from "../driver/builder.js";
import { firstDifference } from "../testing/observable.js";
import { RunPrefetch } from "./prefetch.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-answered-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
afterEach(() => void vi.restoreAllMocks());

const flow = {
  columns: (cols: string[]) => Object.fromEntries(cols.map((c, i) => [c, i])),
  lookup: (columns: Record<string, number>) => new Map(Object.entries(columns).reverse()),
  weights: (columns: Record<string, number>) => Float64Array.from(Object.values(columns), (i) => i / 2),
  tagged: (weights: Float64Array) => Object.assign([...weights], { unit: "kg" }),
  report: (columns: Record<string, number>, lookup: Map<string, number>, tagged: number[]) => {
    const shared = { columns };
    return { a: shared, b: shared, order: [...lookup.keys()].join(), tagged };
  },
};
// Outputs that do not hold each other: an object shared between two nodes' results comes back as two
// copies on any hit (each result is decoded on its own; a gap that predates this path).
const outputs = ["report", "weights", "lookup"];
const inputs = { cols: ["y", "x", "z"] };

describe("hits answered by the prefetched batch", () => {
  it("return what a fresh run returns, on a reused driver and on a new one", async () => {
    const fresh = await (await new Builder().withModules(flow).build()).execute(outputs, { inputs });
    const dir = path.join(root, "c");
    const cold = await new Builder().withModules(flow).withCache({ path: dir }).build();
    await cold.execute(outputs, { inputs });
    await cold.close();

    const answered = vi.spyOn(RunPrefetch.prototype, "answered");
    for (const reuse of [false, true]) {
      const dr = await new Builder().withModules(flow).withCache({ path: dir }).build();
      let warm = await dr.execute(outputs, { inputs });
      if (reuse) warm = await dr.execute(outputs, { inputs });
      expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(5);
      expect(firstDifference(fresh, warm)).toBeUndefined();
      await dr.close();
    }
    // The batch answered hits without a lookup (else this test would not cover that path).
    expect(answered.mock.results.filter((r) => r.type === "return" && r.value !== undefined).length).toBeGreaterThan(0);
  });
});
