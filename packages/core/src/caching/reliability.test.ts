// A missing or corrupt result is recomputed, never returned; a failing store fails loudly or, if asked, runs uncached.
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { filesUnder, memoryCache, RecordingLogger, tempFolder } from "../../test/support.js";
import type { FingerprintMeta, FingerprintRepository, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { NodeExecutionError, StoreError } from "../errors.js";
import {
  FileFingerprintRepository,
  FileResultStore,
  MemoryFingerprintRepository,
  MemoryResultStore,
} from "../stores/index.js";
import { readPackRecords } from "../stores/pack-records.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
let folder: ReturnType<typeof tempFolder>;
beforeEach(() => {
  calls = {};
  folder = tempFolder();
});
afterEach(() => folder.cleanup());

const seed = {
  A: () => (tick("A"), 7),
  B: (A: number) => (tick("B"), A * 1.0),
  C: (B: number, D = true) => (tick("C"), B !== Number(D)),
  E: async (C: boolean) => (tick("E"), "hello-world"),
  F: (E: string) => (tick("F"), { [E]: E.repeat(3) }),
};
const expectedF = { "hello-world": "hello-worldhello-worldhello-world" };
const GARBAGE = Buffer.from("not a result at all");

/** A stored result of a file cache folder, and ways to damage it in place. */
interface StoredResult {
  readonly key: string;
  /** Replaces its bytes with garbage. */
  corrupt(): void;
  /** Cuts it in half (a packed record: the segment is cut in the middle of its data). */
  truncate(): void;
}

const LAYOUTS = [
  {
    name: "packed results",
    options: (dir: string, logger: RecordingLogger) => ({ path: dir, logger }),
    stored: (dir: string): StoredResult[] =>
      filesUnder(path.join(dir, "packs")).flatMap((file) =>
        readPackRecords(file)
          .filter((r) => r.type === "put")
          .map((r) => ({
            key: r.key,
            corrupt: () => {
              const fd = fs.openSync(file, "r+");
              fs.writeSync(fd, Buffer.alloc(r.length, GARBAGE), 0, r.length, r.dataAt);
              fs.closeSync(fd);
            },
            truncate: () => fs.truncateSync(file, r.dataAt + Math.floor(r.length / 2)),
          })),
      ),
  },
  {
    name: "one file per result",
    options: (dir: string, logger: RecordingLogger) => ({
      fingerprintStore: new FileFingerprintRepository({ path: dir }),
      resultStore: new FileResultStore({ path: dir, packMaxBytes: 0 }),
      logger,
    }),
    stored: (dir: string): StoredResult[] =>
      filesUnder(path.join(dir, "results")).map((file) => ({
        key: path.basename(file).split(".")[0]!,
        corrupt: () => fs.writeFileSync(file, GARBAGE),
        truncate: () =>
          fs.writeFileSync(file, fs.readFileSync(file).subarray(0, Math.floor(fs.statSync(file).size / 2))),
      })),
  },
];

const outcomes = (dr: { cache: { lastRun: Record<string, { outcome: string }> } }) =>
  Object.fromEntries(Object.entries(dr.cache.lastRun).map(([name, record]) => [name, record.outcome]));

describe("damaged results", () => {
  it("a result missing from the store while its fingerprint is known is recomputed with a warning", async () => {
    const stores = memoryCache();
    const cold = await new Builder().withModules(seed).withCache(stores).build();
    await cold.execute(["F"]);
    await stores.resultStore.delete(cold.cache.runFingerprints.F as string);
    calls = {};
    const dr = await new Builder().withModules(seed).withCache(stores).build();
    expect(await dr.execute(["F"])).toEqual({ F: expectedF });
    expect(calls).toEqual({ F: 1 });
    expect(outcomes(dr).F).toBe("recomputed");
    expect(dr.cache.lastRun.F?.reason).toContain("missing");
    expect(stores.logger.warnings.some((w) => w.includes('node "F"') && w.includes("missing"))).toBe(true);
    // The recomputed result was stored again: the next run is all hits.
    calls = {};
    await (await new Builder().withModules(seed).withCache(stores).build()).execute(["F"]);
    expect(calls).toEqual({});
  });

  // Damage to stored bytes, in both layouts of the file store: packed records and one file per result.
  for (const layout of LAYOUTS) {
    const cacheOptions = (logger: RecordingLogger) => layout.options(folder.path, logger);

    it(`${layout.name}: a corrupt result is recomputed, never returned; its intact inputs are read from the cache`, async () => {
      const logger = new RecordingLogger();
      const cold = await new Builder().withModules(seed).withCache(cacheOptions(logger)).build();
      await cold.execute(["F"]);
      const ofF = layout.stored(folder.path).filter((r) => r.key === cold.cache.runFingerprints.F);
      expect(ofF).toHaveLength(1);
      ofF[0]!.corrupt();
      calls = {};
      const dr = await new Builder().withModules(seed).withCache(cacheOptions(logger)).build();
      expect(await dr.execute(["F"])).toEqual({ F: expectedF });
      expect(calls).toEqual({ F: 1 });
      expect(outcomes(dr)).toEqual({ A: "hit", B: "hit", C: "hit", E: "hit", F: "recomputed" });
      expect(
        logger.warnings.filter((w) => w.includes('node "F"') && w.includes("could not be read back")),
      ).toHaveLength(1);
      // The damaged entry was replaced by the recomputed result: the next run is all hits.
      calls = {};
      const again = await new Builder().withModules(seed).withCache(cacheOptions(logger)).build();
      expect(await again.execute(["F"])).toEqual({ F: expectedF });
      expect(calls).toEqual({});
      expect(outcomes(again).F).toBe("hit");
    });

    it(`${layout.name}: when every result is corrupt each node is recomputed once, however many paths lead to it`, async () => {
      const logger = new RecordingLogger();
      await (await new Builder().withModules(seed).withCache(cacheOptions(logger)).build()).execute(["A", "C", "F"]);
      const stored = layout.stored(folder.path);
      expect(stored.length).toBeGreaterThanOrEqual(4); // A and B are both 7: one shared result
      for (const result of stored) result.corrupt();
      calls = {};
      const dr = await new Builder().withModules(seed).withCache(cacheOptions(logger)).build();
      expect(await dr.execute(["A", "C", "F"])).toEqual({ A: 7, C: true, F: expectedF });
      // A and B share one result (both 7): A, loaded first as an output, replaces the damaged
      // entry with its recomputed result, so B then reads a sound one and does not run.
      expect(calls).toEqual({ A: 1, C: 1, E: 1, F: 1 });
      expect(outcomes(dr)).toEqual({ A: "recomputed", B: "hit", C: "recomputed", E: "recomputed", F: "recomputed" });
    });

    it(`${layout.name}: a truncated result is recomputed`, async () => {
      const logger = new RecordingLogger();
      const cold = await new Builder().withModules(seed).withCache(cacheOptions(logger)).build();
      await cold.execute(["F"]);
      const ofF = layout.stored(folder.path).find((r) => r.key === cold.cache.runFingerprints.F);
      ofF!.truncate();
      const dr = await new Builder().withModules(seed).withCache(cacheOptions(logger)).build();
      expect(await dr.execute(["F"])).toEqual({ F: expectedF });
      expect(outcomes(dr).F).toBe("recomputed");
    });
  }

  it("a missing result whose recompute fails gives a NodeExecutionError for that node, not a hit", async () => {
    const stores = memoryCache();
    let broken = false;
    const mod = {
      A: () => {
        if (broken) throw new Error("A is broken now");
        return 1;
      },
      B: (A: number) => A + 1,
    };
    const cold = await new Builder().withModules(mod).withCache(stores).build();
    await cold.execute(["B"]);
    await stores.resultStore.delete(cold.cache.runFingerprints.A as string);
    broken = true;
    // A requested directly: its hit must be loaded, the load recomputes, the recompute throws.
    const direct = await cold.execute(["A"]).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(NodeExecutionError);
    expect((direct as NodeExecutionError).node).toBe("A");
    expect(((direct as NodeExecutionError).cause as Error).message).toBe("A is broken now");
    expect((direct as NodeExecutionError).completed).toEqual([]);
    expect(cold.cache.lastRun.A?.outcome).toBe("failed");
    // A consumed by a node that re-runs: the same error, naming A.
    const changed = await new Builder()
      .withModules({ ...mod, B: (A: number) => A + 2 })
      .withCache(stores)
      .build();
    const consumed = (await changed.execute(["B"]).catch((e: unknown) => e)) as NodeExecutionError;
    expect(consumed).toBeInstanceOf(NodeExecutionError);
    expect(consumed.node).toBe("A");
    expect(consumed.completed).not.toContain("A");
    // B itself is still a hit when nothing needs A's value.
    expect(await cold.execute(["B"])).toEqual({ B: 2 });
  });

  it("after dr.close() the next execute reopens the file stores and hits", async () => {
    const logger = new RecordingLogger();
    const dr = await new Builder().withModules(seed).withCache({ path: folder.path, logger }).build();
    await dr.execute(["F"]);
    await dr.close();
    await dr.close();
    calls = {};
    expect(await dr.execute(["F"])).toEqual({ F: expectedF });
    expect(calls).toEqual({});
    await dr.close();
  });

  it("a deleted cache folder just makes the next run cold", async () => {
    const logger = new RecordingLogger();
    await (await new Builder().withModules(seed).withCache({ path: folder.path, logger }).build()).execute(["F"]);
    fs.rmSync(folder.path, { recursive: true, force: true });
    calls = {};
    const dr = await new Builder().withModules(seed).withCache({ path: folder.path, logger }).build();
    expect(await dr.execute(["F"])).toEqual({ F: expectedF });
    expect(calls).toEqual({ A: 1, B: 1, C: 1, E: 1, F: 1 });
  });
});

/** A real memory result store whose chosen operations throw, as a store that is down would. */
class BrokenResultStore implements ResultStore {
  readonly name = "broken-results";
  readonly #inner = new MemoryResultStore();
  constructor(private readonly failing: ReadonlySet<string>) {}
  #check(operation: string, message: string): void {
    if (this.failing.has(operation)) throw new Error(message);
  }
  async open() {
    this.#check("open", "cannot connect");
    return this.#inner.open();
  }
  async close() {
    return this.#inner.close();
  }
  async has(key: string) {
    this.#check("has", "connection refused");
    return this.#inner.has(key);
  }
  async get(key: string) {
    this.#check("get", "connection refused");
    return this.#inner.get(key);
  }
  async set(key: string, bytes: Uint8Array) {
    this.#check("set", "disk full");
    return this.#inner.set(key, bytes);
  }
  async delete(key: string) {
    return this.#inner.delete(key);
  }
}

/** A real memory repository whose chosen operations throw. */
class BrokenRepository implements FingerprintRepository {
  readonly name = "broken-repository";
  readonly #inner = new MemoryFingerprintRepository();
  constructor(private readonly failing: ReadonlySet<string>) {}
  #check(operation: string, message: string): void {
    if (this.failing.has(operation)) throw new Error(message);
  }
  async open() {
    this.#check("open", "cannot connect");
    return this.#inner.open();
  }
  async close() {
    return this.#inner.close();
  }
  async get(key: string) {
    this.#check("get", "timeout");
    return this.#inner.get(key);
  }
  async getMany(keys: readonly string[]) {
    this.#check("get", "timeout");
    return this.#inner.getMany(keys);
  }
  async set(key: string, fingerprint: string, meta: FingerprintMeta) {
    this.#check("set", "read-only");
    return this.#inner.set(key, fingerprint, meta);
  }
}

describe("a failing store", () => {
  const cases: [string, () => { fingerprintStore: FingerprintRepository; resultStore: ResultStore }, string, string][] =
    [
      [
        "result store set",
        () => ({
          fingerprintStore: new MemoryFingerprintRepository(),
          resultStore: new BrokenResultStore(new Set(["set"])),
        }),
        "broken-results",
        "set",
      ],
      [
        "result store open",
        () => ({
          fingerprintStore: new MemoryFingerprintRepository(),
          resultStore: new BrokenResultStore(new Set(["open"])),
        }),
        "broken-results",
        "open",
      ],
      [
        "repository lookups",
        () => ({ fingerprintStore: new BrokenRepository(new Set(["get"])), resultStore: new MemoryResultStore() }),
        "broken-repository",
        "getMany",
      ],
      [
        "repository writes",
        () => ({ fingerprintStore: new BrokenRepository(new Set(["set"])), resultStore: new MemoryResultStore() }),
        "broken-repository",
        "set",
      ],
      [
        "repository open",
        () => ({ fingerprintStore: new BrokenRepository(new Set(["open"])), resultStore: new MemoryResultStore() }),
        "broken-repository",
        "open",
      ],
    ];

  it.each(cases)(
    "(%s) fails the run with a StoreError naming the store and operation",
    async (_, makeStores, store, operation) => {
      const dr = await new Builder()
        .withModules(seed)
        .withCache({ ...makeStores(), logger: new RecordingLogger() })
        .build();
      const error = await dr.execute(["F"]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).store).toBe(store);
      expect((error as StoreError).operation).toBe(operation);
      expect((error as Error).message).toContain(`store "${store}"`);
      expect((error as Error).cause).toBeInstanceOf(Error);
    },
  );

  it.each(cases)(
    '(%s) with onStoreError: "warn" the run completes correctly, uncached, with a warning',
    async (_, makeStores, store) => {
      const logger = new RecordingLogger();
      const stores = makeStores();
      const dr = await new Builder()
        .withModules(seed)
        .withCache({ ...stores, logger, onStoreError: "warn" })
        .build();
      expect(await dr.execute(["F"])).toEqual({ F: expectedF });
      expect(await dr.execute(["F"])).toEqual({ F: expectedF });
      expect(logger.warnings.some((w) => w.includes(`store "${store}"`))).toBe(true);
    },
  );

  it("a result store that fails on read, with warn, recomputes instead of failing", async () => {
    const logger = new RecordingLogger();
    const fingerprintStore = new MemoryFingerprintRepository();
    await (
      await new Builder()
        .withModules(seed)
        .withCache({ fingerprintStore, resultStore: new MemoryResultStore(), logger })
        .build()
    ).execute(["F"]);
    // Same repository (it knows every fingerprint) but a result store that cannot read.
    const resultStore = new BrokenResultStore(new Set(["get"]));
    calls = {};
    const dr = await new Builder()
      .withModules(seed)
      .withCache({ fingerprintStore, resultStore, logger, onStoreError: "warn" })
      .build();
    expect(await dr.execute(["F"])).toEqual({ F: expectedF });
    // No result can be read, so F and everything it needs are recomputed, each once.
    expect(calls).toEqual({ A: 1, B: 1, C: 1, E: 1, F: 1 });
    expect(logger.warnings.some((w) => w.includes('store "broken-results" failed to get'))).toBe(true);
  });

  it("a store error is not a node failure: it is thrown as the StoreError itself", async () => {
    const dr = await new Builder()
      .withModules(seed)
      .withCache({
        fingerprintStore: new MemoryFingerprintRepository(),
        resultStore: new BrokenResultStore(new Set(["has"])),
        logger: new RecordingLogger(),
      })
      .build();
    const error = await dr.execute(["A"]).catch((e: unknown) => e);
    expect((error as Error).name).toBe("StoreError");
  });
});
