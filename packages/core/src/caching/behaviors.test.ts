// Cache behaviours per node: recompute, disable, ignore — by withCache lists, `true`, or the node's own cache spec.
import { beforeEach, describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { ConfigurationError } from "../errors.js";
import { withSpec } from "../graph/node-spec.js";
import { cache } from "../modifiers/cache.js";
import type { CacheOptions } from "./options.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
beforeEach(() => {
  calls = {};
});

let counter = 0;
const mod = {
  A: () => (tick("A"), 7),
  B: (A: number) => (tick("B"), A * 2),
  C: (B: number) => (tick("C"), B + 1),
  /** A value that changes every run, like a timestamp or a random draw. */
  T: () => (tick("T"), ++counter),
  U: (T: number, A: number) => (tick("U"), A),
};

type Stores = ReturnType<typeof memoryCache>;
const build = (stores: Stores, options: CacheOptions = {}, module: object = mod) =>
  new Builder()
    .withModules(module)
    .withCache({ ...stores, ...options })
    .build();
const outcomes = (dr: { cache: { lastRun: Record<string, { outcome: string }> } }) =>
  Object.fromEntries(Object.entries(dr.cache.lastRun).map(([name, record]) => [name, record.outcome]));

/** Runs `outputs` twice on two drivers that share `stores` and returns the second driver. */
async function warm(stores: Stores, options: CacheOptions, outputs: string[], module: object = mod) {
  await (await build(stores, options, module)).execute(outputs);
  calls = {};
  const dr = await build(stores, options, module);
  await dr.execute(outputs);
  return dr;
}

describe("recompute", () => {
  it("a listed node runs every time and overwrites; downstream hits when its value is unchanged", async () => {
    const dr = await warm(memoryCache(), { recompute: ["B"] }, ["C"]);
    expect(calls).toEqual({ B: 1 });
    expect(outcomes(dr)).toEqual({ A: "hit", B: "recomputed", C: "hit" });
  });

  it("recompute: true runs every node", async () => {
    const dr = await warm(memoryCache(), { recompute: true }, ["C"]);
    expect(calls).toEqual({ A: 1, B: 1, C: 1 });
    expect(outcomes(dr)).toEqual({ A: "recomputed", B: "recomputed", C: "recomputed" });
  });

  it("a recomputed node's new entry is what a later default run hits", async () => {
    const stores = memoryCache();
    await (await build(stores, { recompute: ["T"] })).execute(["U"]);
    const second = await build(stores, { recompute: ["T"] });
    await second.execute(["U"]);
    const fingerprint = second.cache.lastRun.T?.fingerprint;
    calls = {};
    const third = await build(stores);
    await third.execute(["T"]);
    expect(calls).toEqual({});
    expect(third.cache.lastRun.T?.fingerprint).toBe(fingerprint);
  });
});

describe("disable", () => {
  it("a disabled node is never read or written, and downstream sees a fresh fingerprint each run", async () => {
    const stores = memoryCache();
    const dr = await warm(stores, { disable: ["B"] }, ["C"]);
    expect(calls).toEqual({ B: 1, C: 1 });
    expect(outcomes(dr)).toEqual({ A: "hit", B: "disabled", C: "computed" });
    // B's value (14) was never stored, though C's (15) was.
    const fingerprintOf14 = dr.cache.fingerprinter.fingerprint(14, { node: "B" });
    expect(await stores.resultStore.has(fingerprintOf14)).toBe(false);
  });

  it("disable: true caches nothing", async () => {
    const stores = memoryCache();
    const dr = await warm(stores, { disable: true }, ["C"]);
    expect(calls).toEqual({ A: 1, B: 1, C: 1 });
    expect(outcomes(dr)).toEqual({ A: "disabled", B: "disabled", C: "disabled" });
    const stored: string[] = [];
    for await (const entry of stores.fingerprintStore.entries()) stored.push(entry.node);
    expect(stored).toEqual([]);
  });
});

describe("ignore", () => {
  it("an ignored node is left out of downstream keys: a new value there does not re-run downstream", async () => {
    const dr = await warm(memoryCache(), { ignore: ["T"] }, ["U"]);
    expect(calls).toEqual({ T: 1 });
    expect(outcomes(dr)).toMatchObject({ A: "hit", U: "hit" });
    expect(Object.keys(dr.cache.lastRun.U?.inputFingerprints ?? {})).toEqual(["A"]);
  });

  it("without ignore a re-run node whose value changed re-runs downstream", async () => {
    await warm(memoryCache(), { recompute: ["T"] }, ["U"]);
    expect(calls).toEqual({ T: 1, U: 1 });
  });

  it("an override of an ignored node is still part of downstream keys", async () => {
    const stores = memoryCache();
    const dr = await build(stores, { ignore: ["T"] });
    await dr.execute(["U"], { overrides: { T: 1 } });
    calls = {};
    await dr.execute(["U"], { overrides: { T: 2 } });
    expect(calls).toEqual({ U: 1 });
  });
});

describe("per-node cache settings", () => {
  it("a node's own cache({ behavior }) applies when no list names it", async () => {
    const module = { ...mod, B: withSpec(mod.B, { cache: { behavior: "recompute" } }) };
    const dr = await warm(memoryCache(), {}, ["C"], module);
    expect(calls).toEqual({ B: 1 });
    expect(outcomes(dr).B).toBe("recomputed");
  });

  it.each([
    ["recompute", { B: 1 }, { A: "hit", B: "recomputed", C: "hit" }],
    ["disable", { B: 1, C: 1 }, { A: "hit", B: "disabled", C: "computed" }],
  ] as const)(
    "cache({ behavior: %s }) on the node behaves like the withCache list",
    async (behavior, ran, expected) => {
      const module = { ...mod, B: cache({ behavior })(mod.B) };
      const dr = await warm(memoryCache(), {}, ["C"], module);
      expect(calls).toEqual(ran);
      expect(outcomes(dr)).toEqual(expected);
    },
  );

  it('cache({ behavior: "ignore" }) leaves the node out of downstream keys', async () => {
    const module = { ...mod, T: cache({ behavior: "ignore" })(mod.T) };
    const dr = await warm(memoryCache(), {}, ["U"], module);
    expect(calls).toEqual({ T: 1 });
    expect(outcomes(dr).U).toBe("hit");
  });

  it("a withCache list wins over the node's own setting", async () => {
    const module = { ...mod, B: withSpec(mod.B, { cache: { behavior: "recompute" } }) };
    const dr = await warm(memoryCache(), { disable: ["B"] }, ["C"], module);
    expect(outcomes(dr).B).toBe("disabled");
  });

  it("defaultBehavior applies to nodes with no other setting", async () => {
    const dr = await warm(memoryCache(), { defaultBehavior: "recompute", disable: ["A"] }, ["C"]);
    expect(outcomes(dr)).toEqual({ A: "disabled", B: "recomputed", C: "recomputed" });
  });

  it("a pinned version keeps hits across code changes", async () => {
    const stores = memoryCache();
    const v1 = { A: () => 7, B: withSpec((A: number) => (tick("B"), A * 2), { cache: { version: "1" } }) };
    const v1edit = { A: () => 7, B: withSpec((A: number) => (tick("B"), A * 2 + 0), { cache: { version: "1" } }) };
    await (await build(stores, {}, v1)).execute(["B"]);
    calls = {};
    const dr = await build(stores, {}, v1edit);
    await dr.execute(["B"]);
    expect(calls).toEqual({});
  });
});

describe("configuration errors at build", () => {
  it("a node in two lists is a ConfigurationError naming the node and both lists", async () => {
    const error = await build(memoryCache(), { recompute: ["B"], disable: ["B"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/"B".*recompute.*disable/);
  });

  it("two lists set to true conflict", async () => {
    await expect(build(memoryCache(), { recompute: true, ignore: true })).rejects.toThrow(ConfigurationError);
  });

  it("a list naming a node next to another list set to true is allowed: the explicit list wins", async () => {
    const dr = await warm(memoryCache(), { recompute: true, disable: ["B"] }, ["C"]);
    expect(outcomes(dr)).toEqual({ A: "recomputed", B: "disabled", C: "recomputed" });
  });

  it("a node's own behaviour that is not a behaviour is a ConfigurationError", async () => {
    const module = { ...mod, B: withSpec(mod.B, { cache: { behavior: "sometimes" as never } }) };
    await expect(build(memoryCache(), {}, module)).rejects.toThrow(/cache\(\{ behavior: "sometimes" \}\)/);
  });
});

describe("a custom caching strategy", () => {
  it("decides behaviours and context keys instead of the lists", async () => {
    const stores = memoryCache();
    // Keys from inputs only (code version ignored), and B always recomputed.
    const strategy = {
      behavior: (node: { name: string }) => (node.name === "B" ? ("recompute" as const) : ("default" as const)),
      contextKey: (_node: unknown, _codeVersion: string, inputs: Readonly<Record<string, string>>) =>
        `custom.${Object.values(inputs).join(".")}`,
    };
    await (await build(stores, { strategy })).execute(["C"]);
    calls = {};
    const edited = { ...mod, C: (B: number) => (tick("C"), B + 1000) };
    const dr = await build(stores, { strategy }, edited);
    // C's code changed but the strategy leaves code out of keys, so C hits with the old value.
    expect(await dr.execute(["C"])).toEqual({ C: 15 });
    expect(calls).toEqual({ B: 1 });
    expect(outcomes(dr)).toEqual({ A: "hit", B: "recomputed", C: "hit" });
    expect(dr.cache.lastRun.A?.contextKey).toBe("custom.");
  });
});
