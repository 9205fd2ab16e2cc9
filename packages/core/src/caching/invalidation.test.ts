// When a cached node runs again: code changes, input changes, overrides, defaults — Hamilton's semantics.
import { beforeEach, describe, expect, it } from "vitest";
import { memoryCache, fromSource } from "../../test/support.js";
import { Builder } from "../driver/builder.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
beforeEach(() => {
  calls = {};
});

type Stores = ReturnType<typeof memoryCache>;
const build = (stores: Stores, ...modules: object[]) =>
  new Builder()
    .withModules(...modules)
    .withCache(stores)
    .build();
const outcomes = (dr: { cache: { lastRun: Record<string, { outcome: string }> } }) =>
  Object.fromEntries(Object.entries(dr.cache.lastRun).map(([name, record]) => [name, record.outcome]));

const base = {
  A: () => (tick("A"), 7),
  B: (A: number) => (tick("B"), A * 2),
  C: (B: number) => (tick("C"), B + 1),
};

describe("code changes", () => {
  it("a second identical driver gets every node from the cache and runs nothing", async () => {
    const stores = memoryCache();
    expect(await (await build(stores, base)).execute(["C"])).toEqual({ C: 15 });
    calls = {};
    const dr = await build(stores, base);
    expect(await dr.execute(["C"])).toEqual({ C: 15 });
    expect(calls).toEqual({});
    expect(outcomes(dr)).toEqual({ A: "hit", B: "hit", C: "hit" });
  });

  it("changed code invalidates that node; downstream hits when the new value is the same", async () => {
    const stores = memoryCache();
    await (await build(stores, base)).execute(["C"]);
    calls = {};
    const sameValue = { ...base, B: (A: number) => (tick("B"), A + A) };
    const dr = await build(stores, sameValue);
    expect(await dr.execute(["C"])).toEqual({ C: 15 });
    expect(calls).toEqual({ B: 1 });
    expect(outcomes(dr)).toEqual({ A: "hit", B: "computed", C: "hit" });
  });

  it("changed code whose value differs re-runs the node and its downstream", async () => {
    const stores = memoryCache();
    await (await build(stores, base)).execute(["C"]);
    calls = {};
    const newValue = { ...base, B: (A: number) => (tick("B"), A * 3) };
    const dr = await build(stores, newValue);
    expect(await dr.execute(["C"])).toEqual({ C: 22 });
    expect(calls).toEqual({ B: 1, C: 1 });
    expect(outcomes(dr)).toEqual({ A: "hit", B: "computed", C: "computed" });
  });

  it("going back to the old code hits the old entries", async () => {
    const stores = memoryCache();
    await (await build(stores, base)).execute(["C"]);
    await (await build(stores, { ...base, B: (A: number) => (tick("B"), A * 3) })).execute(["C"]);
    calls = {};
    const dr = await build(stores, base);
    expect(await dr.execute(["C"])).toEqual({ C: 15 });
    expect(calls).toEqual({});
  });

  it("reformatting and re-commenting a function keeps its cache entry", async () => {
    const stores = memoryCache();
    const tight = { A: () => 7, B: fromSource<(A: number) => number>("(A)=>{return A*2;}") };
    const loose = {
      A: () => 7,
      B: fromSource<(A: number) => number>("(A) => {\n  // doubles A\n  return A * 2; /* why not */\n}"),
    };
    await (await build(stores, tight)).execute(["B"]);
    const dr = await build(stores, loose);
    expect(await dr.execute(["B"])).toEqual({ B: 14 });
    expect(outcomes(dr).B).toBe("hit");
  });
});

describe("inputs", () => {
  const withInput = {
    A: (x: number) => (tick("A"), x * 10),
    B: (A: number) => (tick("B"), A + 1),
  };

  it("a changed input re-runs its users; the old value hits again", async () => {
    const stores = memoryCache();
    const dr = await build(stores, withInput);
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 11 });
    expect(await dr.execute(["B"], { inputs: { x: 2 } })).toEqual({ B: 21 });
    expect(outcomes(dr)).toMatchObject({ A: "computed", B: "computed", x: "input" });
    calls = {};
    expect(await dr.execute(["B"], { inputs: { x: 1 } })).toEqual({ B: 11 });
    expect(calls).toEqual({});
    expect(outcomes(dr)).toMatchObject({ A: "hit", B: "hit" });
  });

  it("an input of another type with the same printed value is a different input (1 vs '1')", async () => {
    const stores = memoryCache();
    const dr = await build(stores, { A: (x: unknown) => (tick("A"), typeof x) });
    expect(await dr.execute(["A"], { inputs: { x: 1 } })).toEqual({ A: "number" });
    expect(await dr.execute(["A"], { inputs: { x: "1" } })).toEqual({ A: "string" });
    expect(calls).toEqual({ A: 2 });
  });

  it("a config value is an input like any other", async () => {
    const stores = memoryCache();
    const mod = { A: (region: string) => (tick("A"), region.toUpperCase()) };
    await (await new Builder().withModules(mod).withConfig({ region: "eu" }).withCache(stores).build()).execute(["A"]);
    const dr = await new Builder().withModules(mod).withConfig({ region: "us" }).withCache(stores).build();
    expect(await dr.execute(["A"])).toEqual({ A: "US" });
    expect(calls).toEqual({ A: 2 });
  });
});

describe("overrides", () => {
  it("an override equal to the cached value does not re-run downstream; a different one does", async () => {
    const stores = memoryCache();
    const dr = await build(stores, base);
    await dr.execute(["C"]);
    calls = {};
    expect(await dr.execute(["C"], { overrides: { B: 14 } })).toEqual({ C: 15 });
    expect(calls).toEqual({});
    expect(outcomes(dr)).toEqual({ B: "override", C: "hit" });
    expect(await dr.execute(["C"], { overrides: { B: 100 } })).toEqual({ C: 101 });
    expect(calls).toEqual({ C: 1 });
    expect(outcomes(dr)).toEqual({ B: "override", C: "computed" });
  });
});

describe("defaults", () => {
  const seed = { B: () => 7, C: (B: number, D = true) => (tick("C"), B !== Number(D)) };

  it("a default parameter value and the same value passed explicitly give the same key", async () => {
    const stores = memoryCache();
    const dr = await build(stores, seed);
    await dr.execute(["C"]);
    const defaultKey = dr.cache.lastRun.C?.contextKey;
    await dr.execute(["C"], { inputs: { D: true } });
    expect(dr.cache.lastRun.C?.contextKey).toBe(defaultKey);
    expect(outcomes(dr).C).toBe("hit");
    expect(calls).toEqual({ C: 1 });
  });

  it("a different explicit value gives a different key and runs", async () => {
    const stores = memoryCache();
    const dr = await build(stores, seed);
    await dr.execute(["C"]);
    expect(await dr.execute(["C"], { inputs: { D: false } })).toEqual({ C: true });
    expect(outcomes(dr).C).toBe("computed");
    expect(calls).toEqual({ C: 2 });
  });

  it("a destructured default and the same value given explicitly share a key too", async () => {
    const stores = memoryCache();
    const dr = await build(stores, { S: ({ n = 3 }: { n?: number }) => (tick("S"), n * 2) });
    await dr.execute(["S"]);
    await dr.execute(["S"], { inputs: { n: 3 } });
    expect(calls).toEqual({ S: 1 });
  });

  it("an expression default is keyed by its text: changing the text re-runs", async () => {
    const stores = memoryCache();
    await (await build(stores, { S: (n = Math.min(2, 3)) => (tick("S"), n) })).execute(["S"]);
    await (await build(stores, { S: (n = Math.min(2, 3)) => (tick("S"), n) })).execute(["S"]);
    expect(calls).toEqual({ S: 1 });
    // The function's text changes with its default, so this is a new code version anyway.
    await (await build(stores, { S: (n = Math.max(2, 3)) => (tick("S"), n) })).execute(["S"]);
    expect(calls).toEqual({ S: 2 });
  });
});

describe("context keys", () => {
  it("do not contain the node name: two nodes with the same code and inputs share one key", async () => {
    const stores = memoryCache();
    const dr = await build(stores, { A: () => 1, P: (A: number) => A + 1, Q: (A: number) => A + 1 });
    await dr.execute(["P", "Q"]);
    expect(dr.cache.lastRun.P?.contextKey).toBe(dr.cache.lastRun.Q?.contextKey);
  });
});
