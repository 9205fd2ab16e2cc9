// tag and cache: annotations that listing, filtering and the SmartCache read.
import { describe, expect, it } from "vitest";
import { Builder, ConfigurationError, cache, extractFields, parameterize, tag, value } from "../index.js";
import { counter, memoryStores } from "./test-helpers.js";

describe("tag", () => {
  const flow = {
    raw: tag({ owner: "data", stage: "ingest" })(() => [1, 2, 3]),
    clean: tag({ owner: "data", stage: "clean" })((raw: number[]) => raw.filter((v) => v > 1)),
    chart: tag({ owner: "viz" })((clean: number[]) => clean.join(",")),
    untagged: (clean: number[]) => clean.length,
  };

  it("listAvailableVariables({ tag }) returns only the matching nodes", async () => {
    const dr = await new Builder().withModules(flow).build();
    expect(dr.listAvailableVariables({ tag: { owner: "data" } }).map((v) => v.name)).toEqual(["raw", "clean"]);
    expect(dr.listAvailableVariables({ tag: { owner: "data", stage: "clean" } }).map((v) => v.name)).toEqual(["clean"]);
    expect(dr.listAvailableVariables({ tag: { stage: ["ingest", "clean"] } }).map((v) => v.name)).toEqual([
      "raw",
      "clean",
    ]);
    expect(dr.listAvailableVariables({ tag: { owner: "nobody" } })).toEqual([]);
    expect(dr.listAvailableVariables().find((v) => v.name === "chart")?.tags).toEqual({ owner: "viz" });
  });

  it("tags apply to every node a function makes, and the outer tag of the same key wins", async () => {
    const modified = {
      scaled: tag({ owner: "data" })(
        parameterize({ a: { k: value(1) }, b: { k: value(2) } })((k: number) => ({ v: k })),
      ),
      stats: tag({ owner: "stats" })(tag({ owner: "old" })(extractFields({ v: Number })(() => ({ v: 1 })))),
    };
    const dr = await new Builder().withModules(modified).build();
    expect(dr.listAvailableVariables({ tag: { owner: "data" } }).map((v) => v.name)).toEqual(["a", "b"]);
    expect(dr.listAvailableVariables({ tag: { owner: "stats" } }).map((v) => v.name)).toEqual(["stats", "v"]);
  });

  it("tag values must be strings", () => {
    expect(() => tag({ owner: 1 as never })).toThrow(/tag values are strings \(write "1"\)/);
    expect(() => tag({})).toThrow(ConfigurationError);
  });
});

describe("cache modifier", () => {
  it("behavior recompute runs the node every time and overwrites its result", async () => {
    const { calls, tick } = counter();
    const flow = { fresh: cache({ behavior: "recompute" })(() => (tick("fresh"), 1)), kept: () => (tick("kept"), 2) };
    const stores = memoryStores();
    for (let i = 0; i < 2; i++) {
      const dr = await new Builder().withModules(flow).withCache(stores).build();
      await dr.execute(["fresh", "kept"]);
      if (i === 1) expect(dr.cache.lastRun.fresh?.outcome).toBe("recomputed");
    }
    expect(calls).toEqual({ fresh: 2, kept: 1 });
  });

  it("behavior disable is never cached", async () => {
    const { calls, tick } = counter();
    const flow = { now: cache({ behavior: "disable" })(() => (tick("now"), 1)) };
    const stores = memoryStores();
    for (let i = 0; i < 2; i++) {
      const dr = await new Builder().withModules(flow).withCache(stores).build();
      await dr.execute(["now"]);
      expect(dr.cache.lastRun.now?.outcome).toBe("disabled");
    }
    expect(calls.now).toBe(2);
    expect(stores.resultStore.sets).toBe(0);
  });

  it("a pinned version keeps results valid across code changes until the version changes", async () => {
    const stores = memoryStores();
    const run = async (fn: () => number) => {
      const dr = await new Builder().withModules({ answer: fn }).withCache(stores).build();
      const out = await dr.execute(["answer"]);
      return { out: out.answer, outcome: dr.cache.lastRun.answer?.outcome };
    };
    expect(await run(cache({ version: "1" })(() => 41))).toEqual({ out: 41, outcome: "computed" });
    expect(await run(cache({ version: "1" })(() => 42))).toEqual({ out: 41, outcome: "hit" });
    expect(await run(cache({ version: "2" })(() => 42))).toEqual({ out: 42, outcome: "computed" });
  });

  it("the fingerprint mode reaches custom fingerprinters", async () => {
    const modes: (string | undefined)[] = [];
    const flow = { table: cache({ fingerprint: "index" })(() => ({ rows: [1, 2] })) };
    const dr = await new Builder()
      .withModules(flow)
      .withCache({
        ...memoryStores(),
        fingerprinters: [
          {
            name: "spy",
            accepts: (v: unknown) => typeof v === "object" && v !== null && "rows" in v,
            fingerprint: (_v: unknown, ctx) => (modes.push(ctx.mode), "spy-fingerprint"),
          },
        ],
      })
      .build();
    await dr.execute(["table"]);
    expect(modes).toContain("index");
  });

  it("options are checked when the wrapper is made", () => {
    expect(() => cache({ behavior: "sometimes" as never })).toThrow(
      /must be one of default, recompute, disable, ignore/,
    );
    expect(() => cache({ version: "" })).toThrow(/non-empty string/);
    expect(() => cache({ maxAge: "a week" })).toThrow(/duration like/);
    expect(() => cache({ behaviour: "disable" } as never)).toThrow(/unknown option "behaviour"/);
    expect(() => cache({ maxAge: "7d" })).not.toThrow();
  });
});
