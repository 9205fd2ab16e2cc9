// Build-time work (issue 19/23): once a module is loaded and its source was read, later builds reuse
// that work — they read and parse no source again (the 5 ms budget itself is the bench's "build with cache" row).
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildGraph } from "../graph/graph.js";
import { computeCodeIdentities } from "./code-identity.js";
import { sourceWork } from "./source-reads.js";
import { moduleFrom } from "./test-helpers.js";

const hundredNodes = () => {
  const lines = [
    "const RATE = 0.10;",
    "function scale(x) { return x * RATE; }",
    "const label = (name, v) => `${name}=${v.toFixed(2)}`;",
    "export const n0 = () => 1;",
  ];
  for (let i = 1; i < 100; i++)
    lines.push(`export const n${i} = (n${i - 1}) => label("n${i}", scale(n${i - 1}) + ${i});`);
  return `${lines.join("\n")}\n`;
};

/** The reads and parses `build` does. */
const workOf = (build: () => void) => {
  const before = { ...sourceWork };
  build();
  return { reads: sourceWork.reads - before.reads, parses: sourceWork.parses - before.parses };
};

describe("the work code versions cost at build", () => {
  it("a 100-node module, already loaded: later builds read and parse nothing", async () => {
    const { module } = await moduleFrom({ "dataflow.mjs": hundredNodes() });
    const graph = buildGraph([module], { allowOverride: false, config: {} });
    let first = new Map();
    // The first build reads the module's script (through the inspector) and parses it.
    const firstWork = workOf(() => (first = computeCodeIdentities(graph, { modules: [module] })));
    expect(firstWork.reads).toBeGreaterThan(0);
    expect(firstWork.parses).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      let identities = new Map();
      expect(workOf(() => (identities = computeCodeIdentities(graph, { modules: [module] })))).toEqual({
        reads: 0,
        parses: 0,
      });
      expect(identities).toEqual(first);
    }
  });

  it("the same with the module's file given (withModuleSource): the file is parsed once per process, and re-read only to see it unchanged", async () => {
    const { module, dir } = await moduleFrom({ "dataflow.mjs": hundredNodes() });
    const graph = buildGraph([module], { allowOverride: false, config: {} });
    const options = { modules: [module], sources: new Map([[module, join(dir, "dataflow.mjs")]]) };
    let first = new Map();
    expect(workOf(() => (first = computeCodeIdentities(graph, options)))).toEqual({ reads: 1, parses: 1 });
    for (let i = 0; i < 5; i++) {
      let identities = new Map();
      expect(workOf(() => (identities = computeCodeIdentities(graph, options)))).toEqual({ reads: 1, parses: 0 });
      expect(identities).toEqual(first);
    }
  });
});
