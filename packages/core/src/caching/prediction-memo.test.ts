// The local prediction memo and the early output reads (prefetch.ts, prediction-memo.ts): a warm run
// of a new process in one repository round trip, outputs read while the lookups are out, and neither
// ever changes an outcome, whatever the memo says.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CountingResultStore } from "../../test/support.js";
import type { FingerprintRepository, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { node } from "../graph/node-spec.js";
import { FileFingerprintRepository, FileResultStore, MemoryFingerprintRepository } from "../stores/index.js";
import { chainModule, countingRepository } from "../testing/prediction.js";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-prediction-memo-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** A cache folder with file stores; the memo goes beside them. */
function fileCache() {
  const dir = path.join(root, `c${folders++}`);
  return {
    dir,
    fingerprintStore: new FileFingerprintRepository({ path: dir }),
    resultStore: new FileResultStore({ path: dir }),
  };
}

async function coldRun(stores: { dir: string; fingerprintStore: FingerprintRepository; resultStore: ResultStore }) {
  const cold = await new Builder()
    .withModules(chainModule(100, []))
    .withCache({ ...stores, path: stores.dir })
    .build();
  expect(await cold.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
  const records = cold.cache.lastRun;
  await cold.close();
  return records;
}

/** A new driver (a new process) over the same folder, its repository reads counted. */
async function warmDriver(stores: { dir: string; fingerprintStore: FingerprintRepository; resultStore: ResultStore }) {
  const repository = countingRepository(stores.fingerprintStore);
  const calls: string[] = [];
  const dr = await new Builder()
    .withModules(chainModule(100, calls))
    .withCache({ ...stores, fingerprintStore: repository, path: stores.dir })
    .build();
  return { dr, repository, calls };
}

describe("the local prediction memo", () => {
  it("a new process on the same machine predicts from the memo: one repository round trip, not two", async () => {
    const stores = fileCache();
    await coldRun(stores);
    expect(fs.existsSync(path.join(stores.dir, "predictions.json"))).toBe(true);
    const { dr, repository, calls } = await warmDriver(stores);
    expect(await dr.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    expect(calls).toEqual([]);
    expect(repository.reads).toBe(1);
    await dr.close();
  });

  it("is not rewritten by a warm run that changed nothing", async () => {
    const stores = fileCache();
    await coldRun(stores);
    const memo = path.join(stores.dir, "predictions.json");
    const past = new Date("2026-01-01T00:00:00Z");
    fs.utimesSync(memo, past, past);
    const { dr } = await warmDriver(stores);
    await dr.execute(["c99"], { inputs: { x: 0 } });
    await dr.close(); // the memo is written in the background; close waits for it
    expect(fs.statSync(memo).mtimeMs).toBe(past.getTime());
    await dr.execute(["c99"], { inputs: { x: 1 } }); // new keys: written
    await dr.close();
    expect(fs.statSync(memo).mtimeMs).toBeGreaterThan(past.getTime());
    await dr.close();
  });

  it("a forged memo (every node predicted with another node's key and result) changes no outcome", async () => {
    const stores = fileCache();
    const cold = await coldRun(stores);
    const c0 = cold.c0;
    const nodes = Object.keys(cold)
      .filter((name) => name !== "x")
      .map((name) => [name, c0?.contextKey, null, c0?.fingerprint]);
    fs.writeFileSync(
      path.join(stores.dir, "predictions.json"),
      JSON.stringify({ version: 1, nodes, values: [["x", cold.x?.fingerprint]] }),
    );
    const { dr, calls } = await warmDriver(stores);
    expect(await dr.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    expect(calls).toEqual([]);
    expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(100);
    await dr.close();
  });

  it("a damaged memo is ignored: the history predicts instead", async () => {
    const stores = fileCache();
    await coldRun(stores);
    fs.writeFileSync(path.join(stores.dir, "predictions.json"), '{"version":1,"nodes":[["c0"');
    const { dr, repository, calls } = await warmDriver(stores);
    expect(await dr.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    expect(calls).toEqual([]);
    expect(repository.reads).toBe(2);
    await dr.close();
  });

  it("a chain of 30,000 nodes is predicted too: one repository round trip (the walk upstream uses no recursion)", async () => {
    const n = 30_000;
    const mod: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) mod[`c${i}`] = node({ deps: [i === 0 ? "x" : `c${i - 1}`] }, (v: number) => v + 1);
    const stores = fileCache();
    const output = `c${n - 1}`;
    const cold = await new Builder()
      .withModules(mod)
      .withCache({ ...stores, path: stores.dir })
      .build();
    await cold.execute([output], { inputs: { x: 0 } });
    await cold.close();
    const repository = countingRepository(stores.fingerprintStore);
    const warm = await new Builder()
      .withModules(mod)
      .withCache({ ...stores, fingerprintStore: repository, path: stores.dir })
      .build();
    expect(await warm.execute([output], { inputs: { x: 0 } })).toEqual({ [output]: n });
    expect(repository.reads).toBe(1);
    await warm.close();
  }, 120_000);

  it("a read-only cache predicts from the memo but never writes it", async () => {
    const stores = fileCache();
    await coldRun(stores);
    const memo = path.join(stores.dir, "predictions.json");
    fs.rmSync(memo);
    const dr = await new Builder()
      .withModules(chainModule(100, []))
      .withCache({ ...stores, path: stores.dir, readOnly: true })
      .build();
    expect(await dr.execute(["c99"], { inputs: { x: 0 } })).toEqual({ c99: 100 });
    expect(fs.existsSync(memo)).toBe(false);
    await dr.close();
  });
});

/** Records the order of store events: when each open and lookup starts and ends, when each result read starts. */
function orderedStores(events: string[]) {
  const repository = new MemoryFingerprintRepository();
  const results = new CountingResultStore();
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  const fingerprintStore: FingerprintRepository = {
    name: "ordered-repository",
    open: async () => {
      events.push("repository open");
      await pause();
      await repository.open();
      events.push("repository opened");
    },
    get: (key) => repository.get(key),
    set: (key, value, meta) => repository.set(key, value, meta),
    getMany: async (keys) => {
      events.push("lookups sent");
      await pause();
      events.push("lookups answered");
      return repository.getMany(keys);
    },
    saveRun: (run) => repository.saveRun(run),
    listRuns: (options) => repository.listRuns(options),
    getRun: (id) => repository.getRun(id),
  };
  const resultStore: ResultStore = {
    name: "ordered-results",
    open: async () => {
      events.push("results open");
      await pause();
      await results.open();
    },
    get: (key) => {
      events.push("result read");
      return results.get(key);
    },
    set: (key, bytes) => results.set(key, bytes),
    has: (key) => results.has(key),
    delete: (key) => results.delete(key),
  };
  return { fingerprintStore, resultStore, results };
}

describe("round trips of a warm run", () => {
  it("both stores open at once, and the output's result is read while the lookups are out", async () => {
    const events: string[] = [];
    const { fingerprintStore, resultStore, results } = orderedStores(events);
    const mod = chainModule(10, []);
    const cold = await new Builder().withModules(mod).withCache({ fingerprintStore, resultStore }).build();
    await cold.execute(["c9"], { inputs: { x: 0 } });
    events.length = 0;
    results.reset();
    // The same driver again: it predicts from its own run.
    expect(await cold.execute(["c9"], { inputs: { x: 0 } })).toEqual({ c9: 10 });
    expect(events).toEqual(["lookups sent", "result read", "lookups answered"]);
    expect(results.gets).toEqual([cold.cache.runFingerprints.c9]);
    await cold.close();

    events.length = 0;
    await cold.execute(["c9"], { inputs: { x: 0 } }); // opens again after close
    expect(events.slice(0, 3)).toEqual(["repository open", "results open", "repository opened"]);
    await cold.close();
  });

  it("an output whose upstream changed is not read early: not for a new input value, nor for new code", async () => {
    const events: string[] = [];
    const { fingerprintStore, resultStore, results } = orderedStores(events);
    const dr = await new Builder()
      .withModules(chainModule(10, []))
      .withCache({ fingerprintStore, resultStore })
      .build();
    await dr.execute(["c9"], { inputs: { x: 0 } });
    results.reset();
    expect(await dr.execute(["c9"], { inputs: { x: 5 } })).toEqual({ c9: 15 });
    expect(results.gets).toEqual([]);
    const changed = await new Builder()
      .withModules(chainModule(10, [], 4, 2))
      .withCache({ fingerprintStore, resultStore })
      .build();
    await changed.execute(["c9"], { inputs: { x: 5 } });
    results.reset();
    expect(await changed.execute(["c9"], { inputs: { x: 5 } })).toEqual({ c9: 1014 });
    expect(results.gets).toHaveLength(1); // the warm run reads the output once (early)
    results.reset();
    const back = await new Builder()
      .withModules(chainModule(10, []))
      .withCache({ fingerprintStore, resultStore })
      .build();
    // c4's code changed back: c4…c9 are hits of the first run's keys, read as usual, not early.
    expect(await back.execute(["c9"], { inputs: { x: 5 } })).toEqual({ c9: 15 });
    expect(results.gets).toEqual([back.cache.runFingerprints.c9]);
    await Promise.all([dr.close(), changed.close(), back.close()]);
  });
});

describe("opening both stores at once", () => {
  it("when one fails to open, the error names it and the other is closed again", async () => {
    const events: string[] = [];
    const { fingerprintStore, resultStore } = orderedStores(events);
    const broken: FingerprintRepository = {
      ...fingerprintStore,
      name: "broken-repository",
      open: async () => {
        throw new Error("no route to host");
      },
    };
    const closing: ResultStore = { ...resultStore, close: async () => void events.push("results closed") };
    const dr = await new Builder()
      .withModules(chainModule(3, []))
      .withCache({ fingerprintStore: broken, resultStore: closing })
      .build();
    await expect(dr.execute(["c2"], { inputs: { x: 0 } })).rejects.toThrow(/broken-repository.*no route to host/s);
    expect(events).toEqual(["results open", "results closed"]);
  });
});
