// Nodes started together report their own time, and the time-saved figure never exceeds the run it replaces.
import { describe, expect, it } from "vitest";
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from "../index.js";
import { ComputeDurations, formatDuration } from "./summary.js";

/** Spins the CPU for `ms` (a synchronous node body that blocks every other node meanwhile). */
function busy(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

const BUSY_MS = 40;
const cpuFlow = {
  a: (seed: number) => busy(BUSY_MS) * 0 + seed + 1,
  b: (seed: number) => busy(BUSY_MS) * 0 + seed + 2,
  c: (seed: number) => busy(BUSY_MS) * 0 + seed + 3,
  d: (seed: number) => busy(BUSY_MS) * 0 + seed + 4,
  e: (seed: number) => busy(BUSY_MS) * 0 + seed + 5,
  total: (a: number, b: number, c: number, d: number, e: number) => a + b + c + d + e,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const asyncFlow = {
  a: async (seed: number) => (await sleep(60), seed + 1),
  b: async (seed: number) => (await sleep(60), seed + 2),
  c: async (seed: number) => (await sleep(60), seed + 3),
  d: async (seed: number) => (await sleep(60), seed + 4),
  e: async (seed: number) => (await sleep(60), seed + 5),
  total: (a: number, b: number, c: number, d: number, e: number) => a + b + c + d + e,
};

/** "saved ~1.2s" / "saved ~850ms" → ms as shown (the summary rounds). */
function shownSaved(line: string): number {
  const match = /saved [~≥] ?([\d.]+)(ms|s)$/.exec(line);
  if (!match) throw new Error(`no saving in "${line}"`);
  return Number(match[1]) * (match[2] === "s" ? 1000 : 1);
}

async function coldThenWarm(flow: Record<string, (...args: never[]) => unknown>) {
  const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
  const build = () => new Builder().withModules(flow).withCache(stores).withProgress(false).build();
  const cold = await build();
  const started = performance.now();
  expect(await cold.execute(["total"], { inputs: { seed: 1 } })).toEqual({ total: 20 });
  const wallMs = performance.now() - started;
  const durations = Object.values(cold.cache.lastRun)
    .filter((r) => r.outcome === "computed")
    .map((r) => r.durationMs);
  // A new driver, as a new process would be: the saving comes from the run history.
  const warm = await build();
  expect(await warm.execute(["total"], { inputs: { seed: 1 } })).toEqual({ total: 20 });
  return { wallMs, durations, summary: await warm.cache.summary() };
}

describe("honest durations", () => {
  it("CPU-bound nodes started together each report their own call, so the times add up to at most the wall time", async () => {
    const { wallMs, durations, summary } = await coldThenWarm(cpuFlow);
    expect(durations).toHaveLength(6);
    for (const ms of durations.slice(0, 5)) expect(ms).toBeGreaterThanOrEqual(BUSY_MS - 1);
    // Own calls of synchronous nodes are disjoint. Before, the fifth node to run counted the four
    // before it (~40 + 80 + … + 200 ms for a ~200 ms run).
    expect(durations.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(wallMs);
    expect(summary).toMatch(/^6 nodes: 6 from cache, 0 computed · saved ~/);
    expect(shownSaved(summary)).toBeLessThanOrEqual(shownSaved(`saved ~${formatDuration(wallMs)}`));
  });

  it("async nodes report call-to-settle time, which overlaps; the saving is still capped at the cold run's wall time", async () => {
    const { wallMs, durations, summary } = await coldThenWarm(asyncFlow);
    for (const ms of durations.slice(0, 5)) expect(ms).toBeGreaterThanOrEqual(55);
    // Five 60 ms waits side by side: their sum (≥ 300 ms) may exceed the run, the saving may not
    // (the cap itself is checked exactly below).
    expect(shownSaved(summary)).toBeLessThanOrEqual(shownSaved(`saved ~${formatDuration(wallMs)}`));
  });

  it("credits the hits computed by one run at most that run's wall time", async () => {
    const durations = new ComputeDurations();
    const computed = (key: string, ms: number) => ({
      node: key,
      outcome: "computed" as const,
      durationMs: ms,
      contextKey: key,
    });
    durations.remember([computed("k1", 900), computed("k2", 900)], "run-1", 1000);
    durations.remember([computed("k3", 300)], "run-2", 400);
    const hits = ["k1", "k2", "k3", "k4"].map((key) => ({
      node: key,
      outcome: "hit" as const,
      durationMs: 0.1,
      contextKey: key,
    }));
    expect(await durations.saved(hits, new MemoryFingerprintRepository())).toEqual({ ms: 1000 + 300, unknown: 1 });
  });
});
