// dr.cache.gc() on the memory and file stores: what each rule removes, what it must keep, and that
// the history never references a removed result.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { RecordingLogger } from "../../test/support.js";
import type { FingerprintRepository, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { extractFields } from "../modifiers/index.js";
import {
  FileFingerprintRepository,
  FileResultStore,
  MemoryFingerprintRepository,
  MemoryResultStore,
} from "../stores/index.js";
import { storelessNodesOf } from "./gc.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
afterEach(() => void vi.useRealTimers());
/** Moves the clock (Date only). File modification times stay real, so they look older. */
const advance = (ms: number): void => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
};

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-gc-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;

interface Stores {
  fingerprintStore: FingerprintRepository;
  resultStore: ResultStore;
  logger: RecordingLogger;
}

const kinds: [string, () => Stores][] = [
  [
    "memory",
    () => ({
      fingerprintStore: new MemoryFingerprintRepository(),
      resultStore: new MemoryResultStore(),
      logger: new RecordingLogger(),
    }),
  ],
  [
    "file",
    () => {
      const dir = path.join(root, `cache-${folders++}`);
      return {
        fingerprintStore: new FileFingerprintRepository({ path: dir }),
        resultStore: new FileResultStore({ path: dir }),
        logger: new RecordingLogger(),
      };
    },
  ],
];

let calls = 0;
/** Every run with input x stores two results of equal size (A and B), so byte budgets are exact. */
const flow = {
  A: (x: number) => (calls++, new Array(500).fill(x)),
  B: (A: number[]) => (calls++, A.map((v) => v + 1000)),
};
const driver = (stores: Stores, extra: object = {}) =>
  new Builder()
    .withModules(flow)
    .withCache({ ...stores, ...extra })
    .build();
const run = async (stores: Stores, x: number) => {
  const dr = await driver(stores);
  const out = await dr.execute(["B"], { inputs: { x } });
  expect((out.B as number[])[0]).toBe(x + 1000);
  return Object.fromEntries(Object.entries(dr.cache.lastRun).map(([k, v]) => [k, v.outcome]));
};
const storeBytes = async (store: ResultStore) => (await store.size?.()) ?? 0;

/** The promise gc makes: every result a run in the history used is still stored. */
async function expectHistoryIntact(stores: Stores): Promise<void> {
  const runs = (await stores.fingerprintStore.listRuns?.()) ?? [];
  const storeless = storelessNodesOf(runs);
  for (const r of runs) {
    for (const node of r.nodes) {
      if (
        node.fingerprint === undefined ||
        node.outcome === "input" ||
        node.outcome === "override" ||
        storeless.has(node.node)
      )
        continue;
      expect(await stores.resultStore.has(node.fingerprint), `run ${r.runId} node ${node.node}`).toBe(true);
    }
  }
}

describe.each(kinds)("gc on the %s stores", (_kind, makeStores) => {
  it("keepRuns keeps what the newest runs used and removes what only older runs used", async () => {
    const stores = makeStores();
    for (const x of [1, 2, 3, 4]) await run(stores, x);
    advance(HOUR);
    const dr = await driver(stores);
    const report = await dr.cache.gc({ keepRuns: 2 });
    expect(report).toMatchObject({
      dryRun: false,
      runsRemoved: 2,
      runsKept: 2,
      entriesRemoved: 4,
      entriesKept: 4,
      resultsRemoved: 4,
      resultsKept: 4,
    });
    expect(report.bytesFreed).toBeGreaterThan(0);
    await expectHistoryIntact(stores);
    expect(await run(stores, 4)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 3)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 1)).toEqual({ x: "input", A: "computed", B: "computed" });
  });

  it("nothing written or read within the grace period is removed", async () => {
    const stores = makeStores();
    for (const x of [1, 2, 3]) await run(stores, x);
    const dr = await driver(stores);
    const report = await dr.cache.gc({ keepRuns: 0 });
    expect(report).toMatchObject({ runsRemoved: 3, entriesRemoved: 0, resultsRemoved: 0, resultsKept: 6 });
    const all = await dr.cache.gc({ keepRuns: 0, grace: 0 });
    expect(all).toMatchObject({ entriesRemoved: 6, resultsRemoved: 6, resultsKept: 0, bytesKept: 0 });
  });

  it("with grace 0, what was written in the very millisecond gc starts is removed too", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-06-01T00:00:00Z")); // the clock stands still: writes and gc share one instant
    const stores = makeStores();
    await run(stores, 1);
    const dr = await driver(stores);
    const all = await dr.cache.gc({ keepRuns: 0, grace: 0 });
    expect(all).toMatchObject({ entriesRemoved: 2, resultsRemoved: 2, resultsKept: 0 });
  });

  it("maxBytes removes least-recently-used results first, and the runs that used them leave the history", async () => {
    const stores = makeStores();
    for (const x of [1, 2, 3, 4]) {
      await run(stores, x);
      advance(HOUR);
    }
    const total = await storeBytes(stores.resultStore);
    const dr = await driver(stores);
    const report = await dr.cache.gc({ maxBytes: total / 2 });
    expect(report).toMatchObject({
      resultsRemoved: 4,
      runsRemoved: 2,
      runsKept: 2,
      overLimitBytes: 0,
      bytesKept: total / 2,
    });
    await expectHistoryIntact(stores);
    expect(await storeBytes(stores.resultStore)).toBe(total / 2);
    expect(await run(stores, 4)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 3)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 2)).toEqual({ x: "input", A: "computed", B: "computed" });
  });

  it("a result the newest run (or a kept run) uses is never removed, even when the limit cannot be met", async () => {
    const stores = makeStores();
    for (const x of [1, 2, 3]) await run(stores, x);
    advance(HOUR);
    const dr = await driver(stores);
    const report = await dr.cache.gc({ maxBytes: 0 });
    expect(report.resultsRemoved).toBe(4);
    expect(report.resultsKept).toBe(2);
    expect(report.overLimitBytes).toBe(report.bytesKept);
    expect(report.notes.join(" ")).toMatch(/over maxBytes: the rest is used by the newest run/);
    await expectHistoryIntact(stores);
    expect(await run(stores, 3)).toEqual({ x: "input", A: "hit", B: "hit" });
  });

  it("olderThan removes runs, records and results unused for that long", async () => {
    const stores = makeStores();
    await run(stores, 1);
    advance(40 * DAY);
    await run(stores, 2);
    advance(HOUR);
    const dr = await driver(stores);
    const report = await dr.cache.gc({ olderThan: "30d" });
    expect(report).toMatchObject({ runsRemoved: 1, runsKept: 1, entriesRemoved: 2, resultsRemoved: 2, resultsKept: 2 });
    await expectHistoryIntact(stores);
    expect(await run(stores, 2)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 1)).toEqual({ x: "input", A: "computed", B: "computed" });
  });

  it("dryRun reports what would go and removes nothing", async () => {
    const stores = makeStores();
    for (const x of [1, 2, 3]) await run(stores, x);
    advance(HOUR);
    const before = await storeBytes(stores.resultStore);
    const dr = await driver(stores);
    const dry = await dr.cache.gc({ keepRuns: 1, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, runsRemoved: 2, resultsRemoved: 4, entriesRemoved: 4 });
    expect(await storeBytes(stores.resultStore)).toBe(before);
    expect((await dr.cache.listRuns()).length).toBe(3);
    const real = await dr.cache.gc({ keepRuns: 1 });
    expect({ ...real, dryRun: true }).toEqual(dry);
  });

  it("removes results no record points at and records whose result is gone, but not extractFields field records", async () => {
    const stores = makeStores();
    const fields = {
      stats: extractFields({ mean: Number, count: Number })((values: number[]) => ({
        mean: values.reduce((a, b) => a + b, 0) / values.length,
        count: values.length,
      })),
      report: (mean: number, count: number) => `${count} values, mean ${mean}`,
    };
    const build = () => new Builder().withModules(fields).withCache(stores).build();
    await (await build()).execute(["report"], { inputs: { values: [1, 2, 3] } });
    await stores.resultStore.open?.();
    await stores.resultStore.set("orphan0result0bytes", new Uint8Array(100));
    await stores.fingerprintStore.set("ctx.dangling", "missing0result", {
      node: "gone",
      codeVersion: "v",
      createdAt: Date.now(),
    });
    advance(HOUR);
    const dr = await build();
    const report = await dr.cache.gc({});
    expect(report).toMatchObject({ resultsRemoved: 1, entriesRemoved: 1, bytesFreed: 100 });
    expect(await stores.fingerprintStore.get("ctx.dangling")).toBeUndefined();
    // The field records survive, so the next run hits every node without loading stats' result.
    const out = await dr.execute(["report"], { inputs: { values: [1, 2, 3] } });
    expect(out.report).toBe("3 values, mean 2");
    expect(
      Object.values(dr.cache.lastRun)
        .filter((r) => r.outcome !== "input")
        .map((r) => r.outcome),
    ).toEqual(["hit", "hit", "hit", "hit"]);
  });

  it("reports progress while removing", async () => {
    const stores = makeStores();
    for (const x of [1, 2]) await run(stores, x);
    advance(HOUR);
    const phases = new Set<string>();
    let last = { done: 0, total: 0 as number | undefined };
    await (await driver(stores)).cache.gc({
      keepRuns: 0,
      onProgress: (p) => (phases.add(p.phase), p.phase === "removing" && (last = p)),
    });
    expect([...phases]).toEqual(
      expect.arrayContaining(["listing runs", "listing results", "listing records", "removing"]),
    );
    expect(last).toMatchObject({ done: 8, total: 8 });
  });

  it("withCache({ maxBytes }) keeps the store under the limit after each run, least recently used out first", async () => {
    const stores = makeStores();
    await run(stores, 1);
    const perRun = await storeBytes(stores.resultStore);
    const limited = { maxBytes: perRun * 2, gcGrace: 0 };
    for (const x of [2, 3, 4, 5]) {
      advance(HOUR);
      const dr = await driver(stores, limited);
      await dr.execute(["B"], { inputs: { x } });
      expect(await storeBytes(stores.resultStore)).toBeLessThanOrEqual(perRun * 2);
    }
    expect(stores.logger.infos.join("\n")).toMatch(/maxBytes .*: removed 2 least-recently-used results/);
    await expectHistoryIntact(stores);
    expect(await run(stores, 5)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 4)).toEqual({ x: "input", A: "hit", B: "hit" });
    expect(await run(stores, 3)).toEqual({ x: "input", A: "computed", B: "computed" });
  });
});

describe("withCache({ maxBytes }) cost", () => {
  it("a run that writes nothing never measures the result store", async () => {
    const resultStore = new MemoryResultStore();
    let listings = 0;
    const list = resultStore.list.bind(resultStore);
    const size = resultStore.size.bind(resultStore);
    resultStore.list = () => (listings++, list());
    resultStore.size = () => (listings++, size());
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore, logger: new RecordingLogger() };
    await (await driver(stores, { maxBytes: "1GB" })).execute(["B"], { inputs: { x: 1 } });
    expect(listings).toBe(1); // first run that wrote: measured once
    await (await driver(stores, { maxBytes: "1GB" })).execute(["B"], { inputs: { x: 1 } });
    expect(listings).toBe(1);
  });

  it("a result store that cannot list is refused with a clear message", () => {
    const store = new MemoryResultStore();
    Object.defineProperty(store, "list", { value: undefined });
    expect(() => new Builder().withCache({ resultStore: store, maxBytes: "1GB" })).toThrow(
      /withCache\(\{ maxBytes \}\) needs a result store that can list/,
    );
  });
});
