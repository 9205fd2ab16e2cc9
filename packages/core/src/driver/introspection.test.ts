// What the driver says about a graph without running it: inputs, variables, validation.
import { describe, expect, it } from "vitest";
import { Builder } from "./builder.js";

const mod = {
  A: (x: number) => x,
  B: (A: number, y = 2) => A + y,
  C: (A: number, z: number) => A + z,
  D: (z = 1) => z,
};

describe("introspection", () => {
  it("listInputs shows every input, required unless every user has a default, with who uses it", async () => {
    const dr = await new Builder().withModules(mod).build();
    const inputs = dr.listInputs().sort((a, b) => a.name.localeCompare(b.name));
    expect(inputs).toEqual([
      { name: "x", required: true, usedBy: ["A"] },
      { name: "y", required: false, usedBy: ["B"] },
      { name: "z", required: true, usedBy: ["C", "D"] },
    ]);
  });

  it("listAvailableVariables lists nodes and inputs with their kind and users", async () => {
    const dr = await new Builder().withModules(mod).build();
    const vars = dr.listAvailableVariables();
    const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
    expect(Object.keys(byName).sort()).toEqual(["A", "B", "C", "D", "x", "y", "z"]);
    expect(byName.A).toMatchObject({ kind: "node", usedBy: ["B", "C"] });
    expect(byName.D).toMatchObject({ kind: "node", usedBy: [] });
    expect(byName.y).toMatchObject({ kind: "input", required: false });
  });

  it("validateExecution accepts a request whose required inputs are given and runs nothing", async () => {
    let ran = 0;
    const dr = await new Builder().withModules({ A: (x: number) => (ran++, x) }).build();
    dr.validateExecution(["A"], { inputs: { x: 1 } });
    expect(ran).toBe(0);
    expect(() => dr.validateExecution(["A"])).toThrow(/needs input "x"/);
  });

  it("an input only the pruned part of the graph needs is not required for this run", async () => {
    const dr = await new Builder().withModules(mod).build();
    expect(await dr.execute(["D"])).toEqual({ D: 1 });
    expect(await dr.execute(["B"], { overrides: { A: 5 } })).toEqual({ B: 7 });
  });
});
