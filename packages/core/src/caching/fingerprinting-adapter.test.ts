// FingerprintingAdapter: the seed's first cell — a fingerprint for every node a run computes.
import { describe, expect, it } from "vitest";
import { Builder } from "../driver/builder.js";
import { FingerprintingAdapter } from "./fingerprinting-adapter.js";

const primitives = {
  A: () => 7,
  B: (A: number) => A * 1.0,
  C: (B: number, D = true) => B !== Number(D),
  E: async (C: boolean) => "hello-world",
  F: (E: string) => ({ [E]: E.repeat(3) }),
};

describe("FingerprintingAdapter", () => {
  it("records a fingerprint for every node of the seed module", async () => {
    const adapter = new FingerprintingAdapter();
    const dr = await new Builder().withModules(primitives).withAdapters(adapter).build();
    const out = await dr.execute<"A" | "B" | "C" | "D" | "E" | "F">(["A", "B", "C", "D", "E", "F"]);
    expect(out).toEqual({
      A: 7,
      B: 7,
      C: true,
      D: undefined,
      E: "hello-world",
      F: { "hello-world": "hello-worldhello-worldhello-world" },
    });
    // D is an input nobody gave, not a node: it has no result to fingerprint.
    expect(Object.keys(adapter.runFingerprints).sort()).toEqual(["A", "B", "C", "E", "F"]);
    for (const fp of Object.values(adapter.runFingerprints)) expect(fp).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it("gives equal values equal fingerprints and different values different ones", async () => {
    const adapter = new FingerprintingAdapter();
    const dr = await new Builder().withModules(primitives).withAdapters(adapter).build();
    await dr.execute(["F"]);
    const fp = adapter.runFingerprints;
    expect(fp.A).toBe(fp.B); // 7 and 7 * 1.0 are the same number
    expect(new Set([fp.A, fp.C, fp.E, fp.F]).size).toBe(4);
  });

  it("is stable across drivers and resets for each execute", async () => {
    const first = new FingerprintingAdapter();
    await (await new Builder().withModules(primitives).withAdapters(first).build()).execute(["F"]);
    const second = new FingerprintingAdapter();
    const dr = await new Builder().withModules(primitives).withAdapters(second).build();
    await dr.execute(["F"]);
    expect(second.runFingerprints).toEqual(first.runFingerprints);
    await dr.execute(["A"]);
    expect(Object.keys(second.runFingerprints)).toEqual(["A"]);
  });

  it("agrees with the cache's fingerprints of the same run", async () => {
    const adapter = new FingerprintingAdapter();
    const { MemoryFingerprintRepository, MemoryResultStore } = await import("../stores/index.js");
    const dr = await new Builder()
      .withModules(primitives)
      .withAdapters(adapter)
      .withCache({
        fingerprintStore: new MemoryFingerprintRepository(),
        resultStore: new MemoryResultStore(),
        logger: {},
      })
      .build();
    await dr.execute(["F"]);
    for (const name of ["A", "B", "C", "E", "F"])
      expect(adapter.runFingerprints[name]).toBe(dr.cache.runFingerprints[name]);
  });
});
