// Seeing what the cache did: lastRun outcomes, explain(), run history, the summary line, coloured graphs.
import { describe, expect, it } from "vitest";
import { memoryCache } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { HamError } from "../errors.js";

const mod = {
  A: (x: number) => x * 2,
  B: (A: number, y: number) => A + y,
  C: (B: number) => B + 1,
};
type Stores = ReturnType<typeof memoryCache>;
const build = (stores: Stores, module: object = mod, options = {}) =>
  new Builder()
    .withModules(module)
    .withCache({ ...stores, ...options })
    .build();

describe("lastRun", () => {
  it("lists every node's outcome, fingerprint, context key, code version and time", async () => {
    const stores = memoryCache();
    const dr = await build(stores);
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    const c = dr.cache.lastRun.C;
    expect(c).toMatchObject({ node: "C", outcome: "computed" });
    expect(c?.fingerprint).toBe(dr.cache.runFingerprints.C);
    expect(c?.codeVersion).toBe(dr.cache.codeVersions.C);
    expect(typeof c?.contextKey).toBe("string");
    expect(c?.durationMs).toBeGreaterThanOrEqual(0);
    expect(c?.inputFingerprints).toEqual({ B: dr.cache.runFingerprints.B });
    expect(dr.cache.lastRun.x).toMatchObject({ outcome: "input" });
  });

  it("shows hit, computed, recomputed, disabled, failed and override outcomes", async () => {
    const stores = memoryCache();
    const module = {
      ...mod,
      D: (C: number) => C,
      E: (C: number) => C * 2,
      F: (D: number, E: number, G: number): number => {
        throw new Error(`no F for ${D + E + G}`);
      },
      G: () => 0,
    };
    await (await build(stores, module)).execute(["C"], { inputs: { x: 1, y: 2 } });
    const dr = await build(stores, module, { recompute: ["D"], disable: ["E"] });
    // B = 1 * 2 + 2 = 4 in the first run: an equal override lets C hit.
    await expect(dr.execute(["F"], { overrides: { B: 4 } })).rejects.toThrow(/no F/);
    expect(Object.fromEntries(Object.entries(dr.cache.lastRun).map(([n, r]) => [n, r.outcome]))).toEqual({
      B: "override",
      C: "hit",
      D: "recomputed",
      E: "disabled",
      G: "computed",
      F: "failed",
    });
  });
});

describe("explain", () => {
  it("says first run, then hit, then which input changed, then code change", async () => {
    const stores = memoryCache();
    const dr = await build(stores);
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    expect(String(await dr.cache.explain("C"))).toMatch(/^C: computed: first run/);

    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    const hit = await dr.cache.explain("C");
    expect(hit.outcome).toBe("hit");
    expect(hit.reason).toMatch(/^hit/);

    await dr.execute(["C"], { inputs: { x: 1, y: 5 } });
    const changedInput = await dr.cache.explain("B");
    expect(changedInput.outcome).toBe("computed");
    expect(changedInput.changedInputs).toEqual(["y"]);
    expect(changedInput.codeVersionChanged).toBe(false);
    expect(changedInput.reason).toContain('input "y" changed');
    expect((await dr.cache.explain("C")).changedInputs).toEqual(["B"]);
    expect((await dr.cache.explain("A")).outcome).toBe("hit");

    const edited = await build(stores, { ...mod, B: (A: number, y: number) => A + y + 0 });
    await edited.execute(["C"], { inputs: { x: 1, y: 5 } });
    const changedCode = await edited.cache.explain("B");
    expect(changedCode.codeVersionChanged).toBe(true);
    expect(changedCode.changedInputs).toEqual([]);
    expect(changedCode.reason).toContain("code version changed");
    expect(changedCode.previousRunId).toBeDefined();
  });

  it("names the behaviour for recompute and disable", async () => {
    const stores = memoryCache();
    await (await build(stores)).execute(["C"], { inputs: { x: 1, y: 2 } });
    const dr = await build(stores, mod, { recompute: ["B"], disable: ["C"] });
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    expect((await dr.cache.explain("B")).reason).toContain("recompute");
    expect((await dr.cache.explain("C")).reason).toContain("disable");
  });

  it("explains a node of an earlier run by run id", async () => {
    const stores = memoryCache();
    const dr = await build(stores);
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    const firstRun = dr.cache.lastRunId as string;
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    expect((await dr.cache.explain("C", firstRun)).outcome).toBe("computed");
    expect((await dr.cache.explain("C")).outcome).toBe("hit");
  });

  it("refuses, with a clear error, a node that did not take part or a run that does not exist", async () => {
    const stores = memoryCache();
    const dr = await build(stores);
    await expect(dr.cache.explain("C")).rejects.toThrow(/nothing has run yet/);
    await dr.execute(["A"], { inputs: { x: 1 } });
    await expect(dr.cache.explain("C")).rejects.toThrow(HamError);
    await expect(dr.cache.explain("C")).rejects.toThrow(/did not take part/);
    await expect(dr.cache.explain("A", "no-such-run")).rejects.toThrow(/not in the history/);
  });
});

describe("run history", () => {
  it("keeps each run by id, newest first, with its outputs and node outcomes", async () => {
    const stores = memoryCache();
    const dr = await build(stores);
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    const first = dr.cache.lastRunId;
    await dr.execute(["A"], { inputs: { x: 1 } });
    const second = dr.cache.lastRunId;
    const runs = await dr.cache.listRuns();
    expect(runs.map((r) => r.runId)).toEqual([second, first]);
    expect(runs[0]?.outputs).toEqual(["A"]);
    expect(runs[1]?.nodes.find((n) => n.node === "C")?.outcome).toBe("computed");
    expect((await dr.cache.listRuns({ limit: 1 })).map((r) => r.runId)).toEqual([second]);
  });

  it("records a failed run too", async () => {
    const stores = memoryCache();
    const dr = await build(stores, {
      A: (): number => {
        throw new Error("nope");
      },
    });
    await expect(dr.execute(["A"])).rejects.toThrow();
    const [run] = await dr.cache.listRuns();
    expect(run?.nodes).toEqual([expect.objectContaining({ node: "A", outcome: "failed" })]);
  });
});

describe("the summary line", () => {
  it("is logged once per execute: hits and computed nodes counted, inputs left out", async () => {
    const stores = memoryCache();
    await (await build(stores)).execute(["C"], { inputs: { x: 1, y: 2 } });
    expect(stores.logger.infos).toEqual(["[ham] 3 nodes: 0 from cache, 3 computed"]);
    stores.logger.clear();
    const dr = await build(stores, { ...mod, C: (B: number) => B + 2 }, { recompute: ["A"] });
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    expect(stores.logger.infos).toEqual(["[ham] 3 nodes: 1 from cache, 1 computed, 1 recomputed"]);
  });
});

describe("visualizeExecution with { cache: true }", () => {
  it("colours hits and misses of the last run differently and labels them", async () => {
    const stores = memoryCache();
    await (await build(stores)).execute(["C"], { inputs: { x: 1, y: 2 } });
    const dr = await build(stores, { ...mod, C: (B: number) => B + 2 });
    await dr.execute(["C"], { inputs: { x: 1, y: 2 } });
    const text = dr.visualizeExecution(["C"], { cache: true, inputs: { x: 1, y: 2 } });
    const fill = (name: string) => new RegExp(`^ {2}"${name}" \\[.*fillcolor="([^"]+)"`, "m").exec(text)?.[1];
    expect(fill("A")).toBe(fill("B"));
    expect(fill("A")).not.toBe(fill("C"));
    expect(text).toMatch(/"A" \[label="A\\nhit[ "]/);
    expect(text).toMatch(/"C" \[label="C\\ncomputed[ "]/);
    const plain = dr.visualizeExecution(["C"], { inputs: { x: 1, y: 2 } });
    expect(plain).not.toContain("hit");

    const mermaid = dr.visualizeExecution(["C"], { cache: true, format: "mermaid", inputs: { x: 1, y: 2 } });
    expect(mermaid).toMatch(/class n\d+ hit;/);
    expect(mermaid).toMatch(/class n\d+ computed;/);
  });
});
