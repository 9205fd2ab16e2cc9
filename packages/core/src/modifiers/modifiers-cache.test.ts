// The cache consequences of modifiers: node names are not part of cache keys, and fields live in their parent's result.
import { describe, expect, it } from "vitest";
import { Builder, extractFields, parameterize, source, value } from "../index.js";
import { counter, memoryStores } from "./test-helpers.js";

const outcomes = (lastRun: Record<string, { outcome: string }>) =>
  Object.fromEntries(Object.entries(lastRun).map(([name, record]) => [name, record.outcome]));

describe("parameterize and the cache", () => {
  it("two parameterizations with the same code and inputs share one stored result: the second hits on the first run", async () => {
    const { calls, tick } = counter();
    const flow = {
      prices: () => [10, 20, 30],
      discounted: parameterize({
        spring_sale: { rate: value(0.1) },
        autumn_sale: { rate: value(0.1) },
      })((prices: number[], rate: number) => (tick("discounted"), prices.map((p) => p * (1 - rate)))),
    };
    const stores = memoryStores();
    const dr = await new Builder().withModules(flow).withCache(stores).build();
    const out = await dr.execute<"spring_sale" | "autumn_sale">(["spring_sale", "autumn_sale"]);
    expect(out.spring_sale).toEqual([9, 18, 27]);
    expect(out.autumn_sale).toEqual(out.spring_sale);
    expect(calls.discounted).toBe(1);
    const spring = dr.cache.lastRun.spring_sale;
    const autumn = dr.cache.lastRun.autumn_sale;
    expect([spring?.outcome, autumn?.outcome].sort()).toEqual(["computed", "hit"]);
    expect(spring?.contextKey).toBe(autumn?.contextKey);
    // prices and the one shared discount result: the shared result is set once.
    expect(stores.resultStore.sets).toBe(2);
  });

  it("changing the bound value of one parameterization invalidates only that node", async () => {
    const { calls, tick } = counter();
    const make = (autumnRate: number) => ({
      prices: () => [10, 20],
      discounted: parameterize({
        spring_sale: { rate: value(0.1) },
        autumn_sale: { rate: value(autumnRate) },
      })((prices: number[], rate: number) => (tick("discounted"), prices.map((p) => p * (1 - rate)))),
    });
    const stores = memoryStores();
    const first = await new Builder().withModules(make(0.5)).withCache(stores).build();
    await first.execute<"spring_sale" | "autumn_sale">(["spring_sale", "autumn_sale"]);
    expect(calls.discounted).toBe(2);
    const second = await new Builder().withModules(make(0.25)).withCache(stores).build();
    expect(await second.execute<"spring_sale" | "autumn_sale">(["spring_sale", "autumn_sale"])).toEqual({
      spring_sale: [9, 18],
      autumn_sale: [7.5, 15],
    });
    expect(calls.discounted).toBe(3);
    expect(outcomes(second.cache.lastRun)).toMatchObject({
      prices: "hit",
      spring_sale: "hit",
      autumn_sale: "computed",
    });
    expect(second.cache.lastRun.spring_sale?.contextKey).toBe(first.cache.lastRun.spring_sale?.contextKey);
    expect(second.cache.lastRun.autumn_sale?.contextKey).not.toBe(first.cache.lastRun.autumn_sale?.contextKey);
  });

  it("a bound source is fingerprinted like the node it names: a changed source invalidates the parameterization", async () => {
    // Closure values are not part of a code version, so each variant of b has its own source text.
    const make = (b: 2 | 3) => ({
      a: () => 1,
      b: b === 2 ? () => 2 : () => 3,
      plusTen: parameterize({ fromA: { x: source("a") }, fromB: { x: source("b") } })((x: number) => x + 10),
    });
    const stores = memoryStores();
    const first = await new Builder().withModules(make(2)).withCache(stores).build();
    expect(await first.execute<"fromA" | "fromB">(["fromA", "fromB"])).toEqual({ fromA: 11, fromB: 12 });
    const second = await new Builder().withModules(make(3)).withCache(stores).build();
    expect(await second.execute<"fromA" | "fromB">(["fromA", "fromB"])).toEqual({ fromA: 11, fromB: 13 });
    expect(outcomes(second.cache.lastRun)).toMatchObject({ fromA: "hit", fromB: "computed" });
  });
});

describe("extractFields and the cache", () => {
  const make = (bump: number, tick: (name: string) => void) => ({
    stats: extractFields({ mean: Number, std: Number })((values: number[]) => {
      tick("stats");
      return { mean: values.reduce((a, b) => a + b, 0) / values.length + bump, std: 1 };
    }),
    report: (mean: number) => (tick("report"), `mean ${mean}`),
    spread: (std: number) => (tick("spread"), std * 2),
  });

  it("extracted fields are cached through the parent: one stored result for the parent and its fields", async () => {
    const { tick } = counter();
    const stores = memoryStores();
    const dr = await new Builder().withModules(make(0, tick)).withCache(stores).build();
    expect(await dr.execute<"mean" | "std">(["mean", "std"], { inputs: { values: [1, 2, 3] } })).toEqual({
      mean: 2,
      std: 1,
    });
    expect(stores.resultStore.sets).toBe(1);
    expect(dr.cache.lastRun.mean?.outcome).toBe("computed");
    expect(dr.cache.stats.resultWrites).toBe(1);
  });

  it("an unchanged parent means no field node runs and nothing is loaded for hits downstream", async () => {
    const { calls, tick } = counter();
    const stores = memoryStores();
    const cold = await new Builder().withModules(make(0, tick)).withCache(stores).build();
    await cold.execute(["report", "spread"], { inputs: { values: [1, 2, 3] } });
    expect(calls).toEqual({ stats: 1, report: 1, spread: 1 });
    const setsAfterCold = stores.resultStore.sets;
    stores.resultStore.gets = 0;

    const warm = await new Builder().withModules(make(0, tick)).withCache(stores).build();
    expect(await warm.execute(["report", "spread"], { inputs: { values: [1, 2, 3] } })).toEqual({
      report: "mean 2",
      spread: 2,
    });
    expect(calls).toEqual({ stats: 1, report: 1, spread: 1 });
    expect(outcomes(warm.cache.lastRun)).toMatchObject({
      stats: "hit",
      mean: "hit",
      std: "hit",
      report: "hit",
      spread: "hit",
    });
    // Only the two requested outputs are read; the parent's result is not loaded for the field nodes.
    expect(stores.resultStore.gets).toBe(2);
    expect(stores.resultStore.sets).toBe(setsAfterCold);
    // Field fingerprints are stable from run to run, so their dependents' keys are too.
    expect(warm.cache.runFingerprints.mean).toBe(cold.cache.runFingerprints.mean);
  });

  it("asking for a field of a cached parent reads the parent's one stored result", async () => {
    const { calls, tick } = counter();
    const stores = memoryStores();
    await (await new Builder().withModules(make(0, tick)).withCache(stores).build()).execute(["stats"], {
      inputs: { values: [4] },
    });
    const warm = await new Builder().withModules(make(0, tick)).withCache(stores).build();
    expect(await warm.execute<"mean" | "std">(["mean", "std"], { inputs: { values: [4] } })).toEqual({
      mean: 4,
      std: 1,
    });
    expect(calls.stats).toBe(1);
    expect(stores.resultStore.sets).toBe(1);
  });

  it("a changed parent result reruns only the dependents of the fields whose value changed", async () => {
    const { calls, tick } = counter();
    const stores = memoryStores();
    const flow = make(0, tick);
    await (await new Builder().withModules(flow).withCache(stores).build()).execute(["report", "spread"], {
      inputs: { values: [1, 2, 3] },
    });
    const changed = await new Builder().withModules(flow).withCache(stores).build();
    // The mean moves, the std stays 1.
    expect(await changed.execute(["report", "spread"], { inputs: { values: [2, 3, 4] } })).toEqual({
      report: "mean 3",
      spread: 2,
    });
    expect(calls).toEqual({ stats: 2, report: 2, spread: 1 });
    expect(outcomes(changed.cache.lastRun)).toMatchObject({
      stats: "computed",
      mean: "computed",
      std: "computed",
      report: "computed",
      spread: "hit",
    });
    // Two results of stats and of report; spread's result is unchanged and was stored once.
    expect(stores.resultStore.sets).toBe(5);
  });

  it("a missing field of a cached parent fails with an error naming the field node", async () => {
    const { tick } = counter();
    const flow = {
      stats: extractFields({ mean: Number, std: Number })(
        () => (tick("stats"), { mean: 1 }) as { mean: number; std: number },
      ),
    };
    const stores = memoryStores();
    await (await new Builder().withModules(flow).withCache(stores).build()).execute(["stats"]);
    const warm = await new Builder().withModules(flow).withCache(stores).build();
    const error = await warm.execute<"std">(["std"]).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("NodeExecutionError");
    expect(error?.message).toContain('node "std" failed');
    expect((error?.cause as Error | undefined)?.message).toContain('without field "std"');
  });
});
