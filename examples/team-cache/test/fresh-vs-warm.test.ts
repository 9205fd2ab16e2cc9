// Cross-check (issue 16): every output of the team-cache dataflow is observably the same fresh, from a cold cache and from a warm one.
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from "@ham/core";
import { crossCheck } from "@ham/core/testing";
import { describe, expect, it } from "vitest";
import * as dataflow from "../src/dataflow.js";
import { NODES } from "../src/protocol.js";

describe("team-cache dataflow, fresh vs warm", () => {
  it("every node: the warm run is all hits and equals a fresh run (memory stores stand in for Postgres and S3)", async () => {
    const stores = {
      fingerprintStore: new MemoryFingerprintRepository(),
      resultStore: new MemoryResultStore(),
      logger: { warn: () => {} },
    };
    const report = await crossCheck(() => new Builder().withModules(dataflow), stores, NODES, {
      inputs: { seed: 2024, orderCount: 20_000 },
    });
    expect(report.differences).toEqual([]);
    expect(Object.keys(report.warmOutcomes).sort()).toEqual([...NODES].sort());
    expect(Object.values(report.warmOutcomes).every((outcome) => outcome === "hit")).toBe(true);
  });
});
