// Smoke run of the whole bench at a tiny size, so it cannot rot: every row must come out as numbers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compare, goals } from "../src/compare.js";
import { benchmarksMarkdown } from "../src/docs.js";
import { SECTIONS, runBench } from "../src/run-bench.js";

const outDir = mkdtempSync(join(tmpdir(), "ham-bench-smoke-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);

describe("the bench at N = 10, one rep", () => {
  it("produces numbers for every graph, data, import, fingerprint, store and profile row", async () => {
    const results = await runBench({
      reps: 1,
      sizes: [10],
      rows: [1000, 2000],
      sections: [...SECTIONS],
      storeNodes: 10,
      latencySizes: [10],
      latencyDelays: [1],
      fingerprintBytes: 1024 * 1024,
      fingerprintCount: 1000,
      memory: { reusedNodes: 10, runs: 5, rssNodes: 0 },
      executors: { nodeMs: 5, warmups: 1, chainRuns: 2 },
      importEntry: "source",
      profileNodes: 10,
      outDir,
      log: () => undefined,
    });

    expect(results.graphs.map((g) => `${g.shape} ${g.N}`)).toEqual(["chain 10", "wide 10"]);
    for (const g of results.graphs) {
      for (const key of [
        "build_plain",
        "build_cache",
        "plain",
        "cold",
        "warm_new",
        "warm_new_total",
        "warm_reuse",
        "us_per_node_warm_new",
      ] as const) {
        expect(finite(g[key]), `${g.shape} ${g.N} ${key}`).toBe(true);
      }
      expect(g.warm_round_trips).toBeGreaterThan(0);
    }
    expect(results.data.map((d) => d.rows)).toEqual([1000, 2000]);
    for (const d of results.data)
      expect([d.plain, d.cold, d.warm_new, d.warm_reuse, d.frame_result_store_get].every(finite)).toBe(true);
    expect(results.seed.map((s) => s.outcomes.F)).toEqual(["computed", "hit", "hit"]);
    expect(results.import && [results.import.import_s, results.import.build_1000_s].every(finite)).toBe(true);
    expect(results.fingerprint).toHaveLength(4);
    for (const f of results.fingerprint) expect(finite(f.fingerprint_mb_s) && finite(f.copy_mb_s)).toBe(true);
    // Stores either ran (numbers, round trips counted) or say why they were skipped.
    expect(results.stores.find((s) => s.store === "file")?.warm_new).toBeGreaterThan(0);
    for (const s of results.stores) {
      if (s.skipped === undefined) expect(finite(s.warm_new) && finite(s.warm_round_trips)).toBe(true);
      else expect(s.skipped.length).toBeGreaterThan(0);
    }
    // Latency rows: the file store always runs (round trips counted); the service-backed ones may say why not.
    const fileLatency = results.latency?.filter((r) => r.store === "file") ?? [];
    expect(fileLatency.map((r) => `${r.shape} ${r.N} +${r.delay_ms}`)).toEqual(["chain 10 +1", "wide 10 +1"]);
    for (const r of results.latency ?? []) {
      if (r.skipped === undefined)
        expect(finite(r.warm_s) && (r.repo_reads ?? 0) > 0 && (r.results_read ?? 0) > 0).toBe(true);
      else expect(r.skipped.length).toBeGreaterThan(0);
    }
    expect(results.profiles.map((p) => `${p.mode} ${p.shape}`)).toEqual([
      "warm chain",
      "warm wide",
      "cold chain",
      "plain chain",
    ]);
    for (const p of results.profiles) expect(p.hotSpots.length).toBeGreaterThan(0);
    expect(results.memory?.map((m) => [m.nodes, m.runs])).toEqual([[10, 5]]);
    // Executors: in-process and threads always; BullMQ measured or says why not (no Redis).
    const executors = results.executors;
    expect(executors && [executors.inProcessMs, executors.threadsMs].every(finite)).toBe(true);
    if (executors?.bullmqSkipped === undefined) expect(finite(executors?.bullmqOverheadPerNodeMs)).toBe(true);
    else expect(executors.bullmqSkipped).toMatch(/HAM_REDIS_URL/);
    expect(finite(results.memory?.[0]?.mb)).toBe(true);

    // The comparison and the generated page work without Hamilton's figures.
    const comparison = compare(results, undefined);
    expect(comparison.length).toBeGreaterThan(0);
    const page = benchmarksMarkdown({
      ham: results,
      hamilton: undefined,
      hamiltonSource: "not run",
      comparison,
      goals: goals(results, undefined, comparison),
      command: "test",
    });
    expect(page).toContain("## Goals");
  }, 120_000);
});
