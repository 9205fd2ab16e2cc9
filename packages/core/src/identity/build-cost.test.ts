// Build-time budget (issue 23): code versions for a 100-node module cost at most 5 ms once the
// module is loaded and its source was read (later builds in the process).
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { buildGraph } from "../graph/graph.js";
import { computeCodeIdentities } from "./code-identity.js";
import { moduleFrom } from "./test-helpers.js";

const hundredNodes = () => {
  const lines = ["const RATE = 0.10;", "function scale(x) { return x * RATE; }", 'const label = (name, v) => `${name}=${v.toFixed(2)}`;', "export const n0 = () => 1;"];
  for (let i = 1; i < 100; i++) lines.push(`export const n${i} = (n${i - 1}) => label("n${i}", scale(n${i - 1}) + ${i});`);
  return `${lines.join("\n")}\n`;
};

describe("the cost of code versions", () => {
  // The fastest of 15 builds: on a shared machine the others measure its other processes too
  // (uncontended, the builds take about 1 ms each).
  it("a 100-node module, already loaded: at most 5 ms per build", async () => {
    const { module } = await moduleFrom({ "dataflow.mjs": hundredNodes() });
    const graph = buildGraph([module], { allowOverride: false, config: {} });
    computeCodeIdentities(graph, { modules: [module] }); // the first build reads and parses the source
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      const identities = computeCodeIdentities(graph, { modules: [module] });
      times.push(performance.now() - started);
      expect(identities.size).toBe(100);
    }
    times.sort((a, b) => a - b);
    expect(times[0]).toBeLessThanOrEqual(5);
  });

  it("the same with the module's file given (withModuleSource): the file is analysed once per process", async () => {
    const { module, dir } = await moduleFrom({ "dataflow.mjs": hundredNodes() });
    const graph = buildGraph([module], { allowOverride: false, config: {} });
    const options = { modules: [module], sources: new Map([[module, join(dir, "dataflow.mjs")]]) };
    const first = computeCodeIdentities(graph, options);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const started = performance.now();
      const identities = computeCodeIdentities(graph, options);
      times.push(performance.now() - started);
      expect(identities).toEqual(first);
    }
    times.sort((a, b) => a - b);
    expect(times[0]).toBeLessThanOrEqual(5);
  });
});
