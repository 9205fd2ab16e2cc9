// extractFields: each listed field of a node's object result becomes a node of its own.
import { describe, expect, it } from "vitest";
import { Builder, ConfigurationError, HamError, NodeExecutionError, extractFields } from "../index.js";
import { caught, counter } from "./test-helpers.js";

class Money {
  constructor(readonly cents: number) {}
}

describe("extractFields", () => {
  it("exposes each field as a node, and keeps the parent node", async () => {
    const { calls, tick } = counter();
    const flow = {
      stats: extractFields({ mean: Number, std: Number })((values: number[]) => {
        tick("stats");
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        return { mean, std: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) };
      }),
      zscoreOf4: (mean: number, std: number) => (4 - mean) / std,
    };
    const dr = await new Builder().withModules(flow).build();
    const out = await dr.execute<"mean" | "std" | "stats" | "zscoreOf4">(["mean", "std", "stats", "zscoreOf4"], {
      inputs: { values: [2, 4, 4, 4, 5, 5, 7, 9] },
    });
    expect(out).toEqual({ mean: 5, std: 2, stats: { mean: 5, std: 2 }, zscoreOf4: -0.5 });
    expect(calls.stats).toBe(1);
    expect(dr.graph.get("mean")?.deps).toEqual(["stats"]);
    expect(dr.listAvailableVariables().find((v) => v.name === "std")?.origin).toEqual({
      kind: "extractFields",
      from: "stats",
    });
  });

  it("works with async functions", async () => {
    const flow = { pair: extractFields({ left: String, right: String })(async () => ({ left: "l", right: "r" })) };
    const dr = await new Builder().withModules(flow).build();
    expect(await dr.execute<"left" | "right">(["left", "right"])).toEqual({ left: "l", right: "r" });
  });

  it("checks Boolean, Array, Object and class fields", async () => {
    const flow = {
      parts: extractFields({ ok: Boolean, list: Array, meta: Object, price: Money })(() => ({
        ok: true,
        list: [1],
        meta: { a: 1 },
        price: new Money(250),
      })),
    };
    const dr = await new Builder().withModules(flow).build();
    const out = await dr.execute<"ok" | "list" | "meta" | "price">(["ok", "list", "meta", "price"]);
    expect(out).toEqual({ ok: true, list: [1], meta: { a: 1 }, price: new Money(250) });
  });

  it("a missing field fails at run time with an error naming the node and the field", async () => {
    const flow = {
      stats: extractFields({ mean: Number, std: Number })(() => ({ mean: 1 }) as { mean: number; std: number }),
    };
    const dr = await new Builder().withModules(flow).build();
    const error = await caught(() => dr.execute<"std">(["std"]));
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect((error as NodeExecutionError).node).toBe("std");
    expect(error.cause).toBeInstanceOf(HamError);
    expect((error.cause as Error).message).toContain(
      'node "stats" returned an object without field "std" (it has mean)',
    );
  });

  it("a field of the wrong type fails with an error naming the field, the node and the declared type", async () => {
    const flow = { stats: extractFields({ mean: Number })(() => ({ mean: "5" }) as unknown as { mean: number }) };
    const dr = await new Builder().withModules(flow).build();
    const error = await caught(() => dr.execute<"mean">(["mean"]));
    expect((error.cause as Error).message).toContain(
      'field "mean" of node "stats" is a string, but extractFields declares it as Number',
    );
  });

  it("a parent that returns no object fails clearly", async () => {
    const flow = { stats: extractFields({ mean: Number })(() => 5 as unknown as { mean: number }) };
    const dr = await new Builder().withModules(flow).build();
    const error = await caught(() => dr.execute<"mean">(["mean"]));
    expect((error.cause as Error).message).toContain(
      'node "stats" returned number 5, not an object, so field "mean" cannot be extracted',
    );
  });

  it("bad declarations are rejected when the wrapper is made", () => {
    expect(() => extractFields({})).toThrow(ConfigurationError);
    expect(() => extractFields({ mean: "number" as never })).toThrow(/field "mean" is declared as the string "number"/);
    expect(() => extractFields(["mean"] as never)).toThrow(/needs an object of field name → type/);
  });

  it("a field named like another node is a DuplicateNodeError naming both", async () => {
    const flow = { mean: () => 1, stats: extractFields({ mean: Number })(() => ({ mean: 2 })) };
    const error = await caught(() => new Builder().withModules(flow).build());
    expect(error.name).toBe("DuplicateNodeError");
    expect(error.message).toContain('function "mean"');
    expect(error.message).toContain('"stats" (extractFields)');
  });
});
