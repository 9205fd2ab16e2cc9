// Expiry: entries older than cache({ maxAge }) or withCache({ maxAge }) are misses, explained as "expired".
import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryCache } from "../../test/support.js";
import type { FingerprintEntry } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { cache } from "../modifiers/index.js";
import { MemoryFingerprintRepository } from "../stores/index.js";

const DAY = 86_400_000;
afterEach(() => void vi.useRealTimers());
/** Moves the clock (Date only: timers and ticks run as usual). */
const advance = (ms: number): void => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + ms);
};

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const outcomes = (dr: { cache: { lastRun: Record<string, { outcome: string }> } }) =>
  Object.fromEntries(Object.entries(dr.cache.lastRun).map(([name, record]) => [name, record.outcome]));

const flow = {
  A: () => (tick("A"), 7),
  B: cache({ maxAge: "7d" })((A: number) => (tick("B"), A * 2)),
  C: (B: number) => (tick("C"), B + 1),
};

/** Counts getEntry calls of a real memory repository. */
class EntryCountingRepository extends MemoryFingerprintRepository {
  getEntryCalls = 0;
  override async getEntry(contextKey: string): Promise<FingerprintEntry | undefined> {
    this.getEntryCalls++;
    return super.getEntry(contextKey);
  }
}

describe("cache({ maxAge }) on a node", () => {
  it("an entry younger than maxAge is a hit", async () => {
    const stores = memoryCache();
    await (await new Builder().withModules(flow).withCache(stores).build()).execute(["C"]);
    advance(6 * DAY);
    calls = {};
    const dr = await new Builder().withModules(flow).withCache(stores).build();
    expect(await dr.execute(["C"])).toEqual({ C: 15 });
    expect(calls).toEqual({});
    expect(outcomes(dr)).toEqual({ A: "hit", B: "hit", C: "hit" });
  });

  it("an entry older than maxAge is a miss: the node runs again, explain says expired, others still hit", async () => {
    const stores = memoryCache();
    await (await new Builder().withModules(flow).withCache(stores).build()).execute(["C"]);
    advance(8 * DAY);
    calls = {};
    const dr = await new Builder().withModules(flow).withCache(stores).build();
    expect(await dr.execute(["C"])).toEqual({ C: 15 });
    expect(calls).toEqual({ B: 1 });
    // B computed the same value again, so C's key is unchanged and C hits.
    expect(outcomes(dr)).toEqual({ A: "hit", B: "computed", C: "hit" });
    const why = await dr.cache.explain("B");
    expect(why.reason).toMatch(
      /^expired: the stored entry is 8 d old, older than maxAge 7 d \(cache\(\{ maxAge \}\) on this node\)/,
    );
    expect(dr.cache.lastRun.B?.reason).toBe(why.reason);
  });

  it("recomputing an expired entry renews it: the next run hits again", async () => {
    const stores = memoryCache();
    await (await new Builder().withModules(flow).withCache(stores).build()).execute(["C"]);
    advance(8 * DAY);
    await (await new Builder().withModules(flow).withCache(stores).build()).execute(["C"]);
    calls = {};
    const dr = await new Builder().withModules(flow).withCache(stores).build();
    await dr.execute(["C"]);
    expect(calls).toEqual({});
    expect(outcomes(dr).B).toBe("hit");
  });
});

describe("withCache({ maxAge })", () => {
  const plain = { A: () => (tick("A"), 7), B: (A: number) => (tick("B"), A * 2) };

  it("applies to every node", async () => {
    const stores = memoryCache();
    await (
      await new Builder()
        .withModules(plain)
        .withCache({ ...stores, maxAge: "12h" })
        .build()
    ).execute(["B"]);
    advance(13 * 3_600_000);
    calls = {};
    const dr = await new Builder()
      .withModules(plain)
      .withCache({ ...stores, maxAge: "12h" })
      .build();
    await dr.execute(["B"]);
    expect(calls).toEqual({ A: 1, B: 1 });
    expect((await dr.cache.explain("A")).reason).toMatch(
      /^expired: .*older than maxAge 12 h \(withCache\(\{ maxAge \}\)\)/,
    );
  });

  it("a node's own maxAge wins over the driver-wide one", async () => {
    const stores = memoryCache();
    const mixed = { A: cache({ maxAge: "30d" })(() => (tick("A"), 7)), B: (A: number) => (tick("B"), A * 2) };
    await (
      await new Builder()
        .withModules(mixed)
        .withCache({ ...stores, maxAge: "1d" })
        .build()
    ).execute(["B"]);
    advance(2 * DAY);
    calls = {};
    const dr = await new Builder()
      .withModules(mixed)
      .withCache({ ...stores, maxAge: "1d" })
      .build();
    await dr.execute(["B"]);
    expect(calls).toEqual({ B: 1 });
  });

  it("without any maxAge the warm path never reads an entry's age", async () => {
    const repository = new EntryCountingRepository();
    const stores = { ...memoryCache(), fingerprintStore: repository };
    await (await new Builder().withModules(plain).withCache(stores).build()).execute(["B"]);
    const dr = await new Builder().withModules(plain).withCache(stores).build();
    await dr.execute(["B"]);
    expect(outcomes(dr)).toEqual({ A: "hit", B: "hit" });
    expect(repository.getEntryCalls).toBe(0);
  });

  it("with a maxAge, only hits read the entry's age (one read per hit)", async () => {
    const repository = new EntryCountingRepository();
    const stores = { ...memoryCache(), fingerprintStore: repository };
    await (
      await new Builder()
        .withModules(plain)
        .withCache({ ...stores, maxAge: "1h" })
        .build()
    ).execute(["B"]);
    expect(repository.getEntryCalls).toBe(0);
    await (
      await new Builder()
        .withModules(plain)
        .withCache({ ...stores, maxAge: "1h" })
        .build()
    ).execute(["B"]);
    expect(repository.getEntryCalls).toBe(2);
  });
});
