// Read-only caches: they hit what others stored but never write results, records or runs.
import { describe, expect, it } from "vitest";
import { CountingRepository, CountingResultStore, RecordingLogger } from "../../test/support.js";
import { Builder } from "../driver/builder.js";
import { ConfigurationError } from "../errors.js";
import { parameterize, value } from "../modifiers/index.js";

let calls: Record<string, number> = {};
const tick = (name: string): void => void (calls[name] = (calls[name] ?? 0) + 1);
const flow = {
  A: (x: number) => (tick("A"), x + 1),
  B: (A: number) => (tick("B"), A * 10),
  C: (B: number, x: number) => (tick("C"), `${B}/${x}`),
};

describe("read-only caches", () => {
  it("hit entries a writer stored, recompute misses, and write nothing at all", async () => {
    const fingerprintStore = new CountingRepository();
    const resultStore = new CountingResultStore();
    const logger = new RecordingLogger();
    const writer = await new Builder().withModules(flow).withCache({ fingerprintStore, resultStore, logger }).build();
    await writer.execute(["C"], { inputs: { x: 1 } });
    const runsBefore = (await fingerprintStore.listRuns()).length;
    fingerprintStore.reset();
    resultStore.reset();
    calls = {};

    const reader = await new Builder()
      .withModules(flow)
      .withCache({ fingerprintStore, resultStore, logger, readOnly: true })
      .build();
    expect(await reader.execute(["C"], { inputs: { x: 1 } })).toEqual({ C: "20/1" }); // warm: all hits
    expect(calls).toEqual({});
    expect(await reader.execute(["C"], { inputs: { x: 2 } })).toEqual({ C: "30/2" }); // cold: computed, not stored
    expect(calls).toEqual({ A: 1, B: 1, C: 1 });
    expect(reader.cache.lastRun.C?.outcome).toBe("computed");
    expect(fingerprintStore.calls.set).toBe(0);
    expect(resultStore.calls.set).toBe(0);
    expect(resultStore.calls.delete).toBe(0);
    expect((await fingerprintStore.listRuns()).length).toBe(runsBefore);
    expect(logger.warnings).toEqual([]);
    // Nothing of the reader's cold run reached the store: it computes again.
    calls = {};
    await reader.execute(["C"], { inputs: { x: 2 } });
    expect(calls).toEqual({ A: 1, B: 1, C: 1 });
  });

  it("nodes sharing a context key in one run still compute correctly without a stored result", async () => {
    const shared = {
      base: parameterize({ one: { v: value(1) }, alsoOne: { v: value(1) } })((v: number) => (tick("base"), v * 2)),
    };
    const fingerprintStore = new CountingRepository();
    const resultStore = new CountingResultStore();
    const logger = new RecordingLogger();
    calls = {};
    const reader = await new Builder()
      .withModules(shared)
      .withCache({ fingerprintStore, resultStore, logger, readOnly: true })
      .build();
    expect(await reader.execute<"one" | "alsoOne">(["one", "alsoOne"])).toEqual({ one: 2, alsoOne: 2 });
    expect(resultStore.calls.set + fingerprintStore.calls.set).toBe(0);
    expect(logger.warnings).toEqual([]);
  });

  it("readOnly must be a boolean", () => {
    expect(() => new Builder().withCache({ readOnly: "yes" as never })).toThrow(ConfigurationError);
  });
});
