// Batched result reads: a warm run's results come from one ResultStore.getMany, hits equal a fresh run,
// and a damaged entry in a batch only makes its own node recompute.
import { describe, expect, it } from "vitest";
import { CountingResultStore, RecordingLogger } from "../../test/support.js";
import { CorruptResultError } from "../codec/errors.js";
import type { Fingerprint, ResultStore } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { StoreError } from "../errors.js";
import { MemoryFingerprintRepository } from "../stores/memory-repository.js";
import { observablyEqual } from "../testing/observable.js";
import { ResultBatcher, SINGLE_READS_IN_FLIGHT } from "./result-batcher.js";

/** A counting memory store with a native getMany; entries in `damaged` fail a store-side checksum (as on S3). */
class BatchingStore extends CountingResultStore {
  readonly damaged = new Set<Fingerprint>();
  /** Keys asked for in each getMany call. */
  readonly batches: Fingerprint[][] = [];
  override async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    const bytes = await super.get(key);
    if (bytes !== undefined && this.damaged.has(key))
      throw new CorruptResultError(`result "${key}" fails its checksum`);
    return bytes;
  }
  async getMany(keys: readonly Fingerprint[]): Promise<(Uint8Array | undefined)[]> {
    this.calls.getMany++;
    this.batches.push([...keys]);
    const bad = keys.find((key) => this.damaged.has(key));
    if (bad !== undefined) throw new CorruptResultError(`result "${bad}" fails its checksum`);
    return this.inner.getMany(keys);
  }
  override async delete(key: Fingerprint): Promise<void> {
    this.damaged.delete(key);
    return super.delete(key);
  }
}

let calls: Record<string, number> = {};
const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
/** root → c1..c20 (each its own object), all of them outputs: a warm run loads 20 results. */
const wide: Record<string, (...args: never[]) => unknown> = { root: () => (count("root"), { base: 10 }) };
for (let i = 1; i <= 20; i++)
  wide[`c${i}`] = (root: { base: number }) => (count(`c${i}`), { value: root.base + i, list: [i, `c${i}`] });
const outputs = Array.from({ length: 20 }, (_, i) => `c${i + 1}`);

async function warmCache(resultStore: ResultStore & CountingResultStore) {
  const fingerprintStore = new MemoryFingerprintRepository();
  const fresh = await new Builder()
    .withModules(wide)
    .withCache({ fingerprintStore, resultStore, logger: new RecordingLogger() })
    .build();
  const expected = await fresh.execute(outputs);
  resultStore.reset();
  calls = {};
  const logger = new RecordingLogger();
  const dr = await new Builder().withModules(wide).withCache({ fingerprintStore, resultStore, logger }).build();
  return { dr, expected, logger };
}

describe("batched result reads", () => {
  it("a warm wide run reads its 20 results with one getMany and returns what the fresh run did", async () => {
    const store = new BatchingStore();
    const { dr, expected } = await warmCache(store);
    const warm = await dr.execute(outputs);
    expect(observablyEqual(warm, expected)).toBe(true);
    expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(21); // root too, never loaded
    expect(calls).toEqual({});
    expect(store.calls.getMany).toBe(1);
    expect(store.batches[0]).toHaveLength(20);
    expect(store.calls.get).toBe(0);
  });

  it("a node's several cached inputs are read in one batch too", async () => {
    const store = new BatchingStore();
    const flow = {
      ...wide,
      sum: (c1: { value: number }, c2: { value: number }, c3: { value: number }) => c1.value + c2.value + c3.value,
    };
    const fingerprintStore = new MemoryFingerprintRepository();
    await (
      await new Builder()
        .withModules(wide)
        .withCache({ fingerprintStore, resultStore: store, logger: new RecordingLogger() })
        .build()
    ).execute(["c1", "c2", "c3"]);
    store.reset();
    const dr = await new Builder()
      .withModules(flow)
      .withCache({ fingerprintStore, resultStore: store, logger: new RecordingLogger() })
      .build();
    expect(await dr.execute(["sum"])).toEqual({ sum: 11 + 12 + 13 });
    expect(dr.cache.lastRun.sum?.outcome).toBe("computed");
    expect(store.batches).toEqual([
      [dr.cache.runFingerprints.c1, dr.cache.runFingerprints.c2, dr.cache.runFingerprints.c3],
    ]);
  });

  it("a store without getMany gets one get per result, at most 16 in flight, with the same values", async () => {
    let inFlight = 0;
    let most = 0;
    class SlowStore extends CountingResultStore {
      override async get(key: Fingerprint): Promise<Uint8Array | undefined> {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return super.get(key);
      }
    }
    const store = new SlowStore();
    const { dr, expected } = await warmCache(store);
    most = 0;
    expect(observablyEqual(await dr.execute(outputs), expected)).toBe(true);
    expect(store.calls.get).toBe(20);
    expect(most).toBe(SINGLE_READS_IN_FLIGHT);
  });

  it("a damaged entry in the batch recomputes only its node, with the warning get gives, and is rewritten", async () => {
    const store = new BatchingStore();
    const { dr, expected, logger } = await warmCache(store);
    const fresh = await new Builder()
      .withModules(wide)
      .withCache({
        fingerprintStore: new MemoryFingerprintRepository(),
        resultStore: new CountingResultStore(),
        logger: new RecordingLogger(),
      })
      .build();
    await fresh.execute(outputs);
    const key = fresh.cache.runFingerprints.c7 as Fingerprint;
    store.damaged.add(key);
    calls = {};
    const warm = await dr.execute(outputs);
    expect(observablyEqual(warm, expected)).toBe(true);
    expect(calls).toEqual({ c7: 1 });
    expect(dr.cache.lastRun.c7?.outcome).toBe("recomputed");
    expect(Object.values(dr.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(20);
    // (The other warnings are build-time notes about this test's counters.)
    expect(logger.warnings.filter((w) => w.includes("cached result"))).toEqual([
      `[ham] node "c7": cached result ${key} could not be read back (result "${key}" fails its checksum); recomputing it`,
    ]);
    expect(store.sets).toEqual([key]);
    // The batch failed as a whole, so each key was read on its own once; recomputing c7 read root.
    expect(store.calls.getMany).toBe(1);
    expect(store.gets.filter((k) => k !== dr.cache.runFingerprints.root)).toHaveLength(20);
    expect(store.gets.filter((k) => k === dr.cache.runFingerprints.root)).toHaveLength(1);
  });

  it("two outputs holding one stored value read it once", async () => {
    const store = new BatchingStore();
    const same = { a: () => ({ v: [1, 2] }), b: () => ({ v: [1, 2] }), c: () => "other" };
    const fingerprintStore = new MemoryFingerprintRepository();
    await (
      await new Builder()
        .withModules(same)
        .withCache({ fingerprintStore, resultStore: store, logger: new RecordingLogger() })
        .build()
    ).execute(["a", "b", "c"]);
    store.reset();
    const dr = await new Builder()
      .withModules(same)
      .withCache({ fingerprintStore, resultStore: store, logger: new RecordingLogger() })
      .build();
    const out = await dr.execute(["a", "b", "c"]);
    expect(out).toEqual({ a: { v: [1, 2] }, b: { v: [1, 2] }, c: "other" });
    expect(out.a).not.toBe(out.b);
    expect(store.batches).toEqual([[dr.cache.runFingerprints.a, dr.cache.runFingerprints.c]]);
  });
});

describe("ResultBatcher", () => {
  it("reads again key by key when getMany answers the wrong number of entries", async () => {
    const store = new BatchingStore();
    await store.set("k1", new Uint8Array([1]));
    await store.set("k2", new Uint8Array([2]));
    store.getMany = async () => [new Uint8Array([9])];
    const batcher = new ResultBatcher(store);
    const got = await Promise.all([batcher.get("k1"), batcher.get("k2"), batcher.get("nope")]);
    expect(got).toEqual([new Uint8Array([1]), new Uint8Array([2]), undefined]);
    expect(batcher.roundTrips).toBe(4);
  });

  it("a failing store rejects every read of the batch with the store's error", async () => {
    const store = new BatchingStore();
    const down = new StoreError("down", "get", "connection refused");
    store.getMany = async () => Promise.reject(down);
    store.get = async () => Promise.reject(down);
    const batcher = new ResultBatcher(store);
    const got = await Promise.allSettled([batcher.get("k1"), batcher.get("k2")]);
    expect(got).toEqual([
      { status: "rejected", reason: down },
      { status: "rejected", reason: down },
    ]);
  });
});
