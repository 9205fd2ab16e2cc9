// config.when / config.whenNot: which functions are nodes under the build's config, and the errors when none fits.
import { describe, expect, it } from "vitest";
import { Builder, ConfigurationError, DuplicateNodeError, config } from "../index.js";
import { caught } from "./test-helpers.js";

const regional = {
  total_eu: config.when({ region: "eu" }, { name: "total" })((net: number) => net * 1.2),
  total_us: config.when({ region: ["us", "ca"] }, { name: "total" })((net: number) => net * 1.07),
  report: (total: number) => `total ${total.toFixed(2)}`,
};

describe("config.when", () => {
  it("picks the function whose condition holds, under the shared node name", async () => {
    const eu = await new Builder().withModules(regional).withConfig({ region: "eu" }).build();
    expect(await eu.execute(["report"], { inputs: { net: 100 } })).toEqual({ report: "total 120.00" });
    const ca = await new Builder().withModules(regional).withConfig({ region: "ca" }).build();
    expect(await ca.execute(["report"], { inputs: { net: 100 } })).toEqual({ report: "total 107.00" });
  });

  it("a renamed node shows which function it came from", async () => {
    const dr = await new Builder().withModules(regional).withConfig({ region: "eu" }).build();
    expect(dr.listAvailableVariables().find((v) => v.name === "total")?.origin).toEqual({
      kind: "config.when",
      from: "total_eu",
    });
    expect(dr.graph.has("total_eu")).toBe(false);
  });

  it("without a name the export name is kept and the node simply exists or not", async () => {
    const flow = { debugDump: config.when({ debug: true })((x: number) => `x=${x}`), x: () => 1 };
    const on = await new Builder().withModules(flow).withConfig({ debug: true }).build();
    expect(on.graph.has("debugDump")).toBe(true);
    const off = await new Builder().withModules(flow).withConfig({ debug: false }).build();
    expect(off.graph.has("debugDump")).toBe(false);
  });

  it("every key must match; two modifiers on one function must both hold", async () => {
    const flow = {
      a: config.when({ region: "eu", tier: "gold" })(() => "a"),
      b: config.when({ region: "eu" })(config.whenNot({ tier: "gold" })(() => "b")),
    };
    const gold = await new Builder().withModules(flow).withConfig({ region: "eu", tier: "gold" }).build();
    expect([...gold.graph.keys()]).toEqual(["a"]);
    const silver = await new Builder().withModules(flow).withConfig({ region: "eu", tier: "silver" }).build();
    expect([...silver.graph.keys()]).toEqual(["b"]);
  });

  it("config values are inputs too", async () => {
    const flow = { greeting: config.when({ lang: "fr" })((lang: string) => `bonjour (${lang})`) };
    const dr = await new Builder().withModules(flow).withConfig({ lang: "fr" }).build();
    expect(await dr.execute(["greeting"])).toEqual({ greeting: "bonjour (fr)" });
  });
});

describe("config.whenNot", () => {
  it("is a node unless the key has one of the values (an absent key counts as not equal)", async () => {
    const flow = { sample: config.whenNot({ env: ["prod", "staging"] })(() => "sampled") };
    for (const [cfg, present] of [
      [{ env: "dev" }, true],
      [{}, true],
      [{ env: "prod" }, false],
      [{ env: "staging" }, false],
    ] as const) {
      const dr = await new Builder().withModules(flow).withConfig(cfg).build();
      expect(dr.graph.has("sample")).toBe(present);
    }
  });
});

describe("config errors at build time", () => {
  it("two functions claiming one node name under overlapping configs: DuplicateNodeError naming both", async () => {
    const flow = {
      total_eu: config.when({ region: "eu" }, { name: "total" })((net: number) => net),
      total_gold: config.when({ tier: "gold" }, { name: "total" })((net: number) => net * 2),
    };
    const error = await caught(() =>
      new Builder().withModules(flow).withConfig({ region: "eu", tier: "gold" }).build(),
    );
    expect(error).toBeInstanceOf(DuplicateNodeError);
    expect(error.message).toContain('node "total"');
    expect(error.message).toContain('"total_eu" (config.when)');
    expect(error.message).toContain('"total_gold" (config.when)');
    expect(error.message).toContain("non-overlapping config.when conditions");
    // The same functions are fine where the conditions do not overlap.
    const dr = await new Builder().withModules(flow).withConfig({ region: "eu", tier: "silver" }).build();
    expect(await dr.execute<"total">(["total"], { inputs: { net: 3 } })).toEqual({ total: 3 });
  });

  it("a config key typo that leaves a required node unresolved names the need, the conditions and the typo", async () => {
    const error = await caught(() => new Builder().withModules(regional).withConfig({ regoin: "eu" }).build());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(
      'node "report" needs "total", which only exists when region is "eu" (function "total_eu")',
    );
    expect(error.message).toContain('or when region is "us" or "ca" (function "total_us")');
    expect(error.message).toContain('config has no "region" but has regoin = "eu" (a typo for "region"?)');
  });

  it("a config value no variant covers is reported with the value the config has", async () => {
    const error = await caught(() => new Builder().withModules(regional).withConfig({ region: "jp" }).build());
    expect(error.message).toContain('config has region = "jp"');
  });

  it("an optional parameter with a default does not make a missing variant an error", async () => {
    const flow = { total_eu: config.when({ region: "eu" }, { name: "total" })(() => 5), report: (total = 0) => total };
    const dr = await new Builder().withModules(flow).withConfig({ region: "jp" }).build();
    expect(await dr.execute(["report"])).toEqual({ report: 0 });
  });

  it("a withConfig value of that name resolves the need", async () => {
    const dr = await new Builder().withModules(regional).withConfig({ region: "jp", total: 9 }).build();
    expect(await dr.execute(["report"])).toEqual({ report: "total 9.00" });
  });

  it("bad conditions and names are rejected when the wrapper is made", () => {
    expect(() => config.when({})).toThrow(/needs an object of config key → value/);
    expect(() => config.when({ region: [] })).toThrow(/lists no values/);
    expect(() => config.when({ region: "eu" }, { name: "not a name" })).toThrow(/valid identifier/);
    const named = config.when({ region: "eu" }, { name: "a" })(() => 1);
    expect(() => config.when({ tier: "x" }, { name: "b" })(named)).toThrow(/already named it "a"/);
  });
});
