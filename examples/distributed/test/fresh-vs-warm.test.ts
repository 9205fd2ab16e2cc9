// Cross-check (issue 16): every output of the distributed example's dataflow is observably the same fresh, from a cold cache and from a warm one.
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from "@ham/core";
import { crossCheck } from "@ham/core/testing";
import { describe, expect, it } from "vitest";
import * as dataflow from "../src/dataflow.js";

describe("distributed dataflow, fresh vs warm", () => {
  it("every node, run in this process: the warm run is all hits and equals a fresh run", async () => {
    const stores = {
      fingerprintStore: new MemoryFingerprintRepository(),
      resultStore: new MemoryResultStore(),
      logger: { warn: () => {} },
    };
    const outputs = ["orders", "revenue", "largest", "average", "bigOrders", "summary"];
    const report = await crossCheck(() => new Builder().withModules(dataflow), stores, outputs, {
      inputs: { count: 50 },
    });
    expect(report.differences).toEqual([]);
    expect(report.warmOutcomes).toEqual(Object.fromEntries(outputs.map((name) => [name, "hit"])));
  });
});
