// Modifiers compose in any order, and visualisation shows the nodes they made with their origin.
import { describe, expect, it } from "vitest";
import { Builder, cache, config, extractFields, parameterize, tag, value } from "../index.js";

const fn = (base: number, k: number) => ({ low: base * k, high: base * k * 10 });

describe("composition", () => {
  it("parameterize, tag, cache and config.when give the same graph in any wrapping order", async () => {
    const orders = [
      config.when({ on: true })(
        tag({ team: "a" })(
          cache({ behavior: "recompute" })(parameterize({ p1: { k: value(1) }, p2: { k: value(2) } })(fn)),
        ),
      ),
      parameterize({ p1: { k: value(1) }, p2: { k: value(2) } })(
        cache({ behavior: "recompute" })(tag({ team: "a" })(config.when({ on: true })(fn))),
      ),
      tag({ team: "a" })(
        parameterize({ p1: { k: value(1) }, p2: { k: value(2) } })(
          config.when({ on: true })(cache({ behavior: "recompute" })(fn)),
        ),
      ),
    ];
    for (const wrapped of orders) {
      const dr = await new Builder()
        .withModules({ base: () => 3, wrapped })
        .withConfig({ on: true })
        .build();
      const p2 = dr.graph.get("p2");
      expect(p2?.tags).toEqual({ team: "a" });
      expect(p2?.cache).toEqual({ behavior: "recompute" });
      expect(p2?.origin).toEqual({ kind: "parameterize", from: "wrapped" });
      expect(await dr.execute<"p1" | "p2">(["p1", "p2"])).toEqual({
        p1: { low: 3, high: 30 },
        p2: { low: 6, high: 60 },
      });
      const off = await new Builder()
        .withModules({ base: () => 3, wrapped })
        .withConfig({ on: false })
        .build();
      expect([...off.graph.keys()]).toEqual(["base"]);
    }
  });

  it("extractFields and parameterize of one node compose in either order", async () => {
    const a = extractFields({ low: Number, high: Number })(parameterize({ single: { k: value(2) } })(fn));
    const b = parameterize({ single: { k: value(2) } })(extractFields({ low: Number, high: Number })(fn));
    for (const wrapped of [a, b]) {
      const dr = await new Builder().withModules({ base: () => 3, wrapped }).build();
      expect(await dr.execute<"low" | "high" | "single">(["low", "high", "single"])).toEqual({
        low: 6,
        high: 60,
        single: { low: 6, high: 60 },
      });
      expect(dr.graph.get("low")?.origin).toEqual({ kind: "extractFields", from: "single" });
    }
  });

  it("extractFields over several parameterizations is refused: the field names would clash", async () => {
    const wrapped = extractFields({ low: Number })(parameterize({ one: { k: value(1) }, two: { k: value(2) } })(fn));
    await expect(new Builder().withModules({ base: () => 3, wrapped }).build()).rejects.toThrow(
      /extractFields on function "wrapped": it is parameterized into 2 nodes \(one, two\)/,
    );
  });

  it("a config-renamed function can have its fields extracted", async () => {
    const flow = {
      stats_eu: config.when({ region: "eu" }, { name: "stats" })(extractFields({ mean: Number })(() => ({ mean: 1 }))),
      stats_us: config.when({ region: "us" }, { name: "stats" })(extractFields({ mean: Number })(() => ({ mean: 2 }))),
    };
    const dr = await new Builder().withModules(flow).withConfig({ region: "us" }).build();
    expect(await dr.execute<"mean">(["mean"])).toEqual({ mean: 2 });
    expect(dr.graph.get("stats")?.origin).toEqual({ kind: "config.when", from: "stats_us" });
  });

  it("wrappers keep the function callable as before", () => {
    const wrapped = tag({ a: "b" })(parameterize({ x: { k: value(1) } })(fn));
    expect(wrapped(2, 3)).toEqual({ low: 6, high: 60 });
    expect(wrapped.name).toBe("fn");
  });
});

describe("visualisation", () => {
  const flow = {
    base: () => 2,
    scaled: parameterize({ double: { k: value(2) }, triple: { k: value(3) } })((base: number, k: number) => ({
      v: base * k,
      k,
    })),
    parts: extractFields({ v: Number })((double: { v: number }) => double),
  };

  it("DOT output labels parameterized and extracted nodes with their origin", async () => {
    const dr = await new Builder().withModules(flow).build();
    const dot = dr.visualizeExecution(["v", "triple"]);
    expect(dot).toContain('"double" [label="double\\n(parameterize of scaled)"');
    expect(dot).toContain('"triple" [label="triple\\n(parameterize of scaled)"');
    expect(dot).toContain('"v" [label="v\\n(extractFields of parts)"');
    expect(dot).toContain('"parts" -> "v"');
    expect(dot).toContain('"base" -> "double"');
  });

  it("Mermaid output does too", async () => {
    const dr = await new Builder().withModules(flow).build();
    const mermaid = dr.visualizeExecution(["v"], { format: "mermaid" });
    expect(mermaid).toContain("double<br/>(parameterize of scaled)");
    expect(mermaid).toContain("v<br/>(extractFields of parts)");
  });
});
