// visualizeExecution: DOT and Mermaid text hold every node and edge of the run, and mark inputs, overrides and outputs.
import { describe, expect, it } from "vitest";
import { Builder } from "./builder.js";

const seed = {
  A: () => 7,
  B: (A: number) => A * 1.0,
  C: (B: number, D = true) => B !== Number(D),
  E: async (C: boolean) => "hello-world",
  F: (E: string) => ({ [E]: E.repeat(3) }),
  G: (F: object, scale: number) => ({ F, scale }),
  unused: () => 0,
};

/** DOT node lines by name → attribute text. */
function dotNodes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const match of text.matchAll(/^ {2}"([^"]+)" \[(.*)\];$/gm)) out.set(match[1] as string, match[2] as string);
  return out;
}
function dotEdges(text: string): string[] {
  return [...text.matchAll(/^ {2}"([^"]+)" -> "([^"]+)";$/gm)].map((m) => `${m[1]}->${m[2]}`).sort();
}

describe("visualizeExecution", () => {
  it("DOT holds every node and edge the run needs and nothing else", async () => {
    const dr = await new Builder().withModules(seed).build();
    const text = dr.visualizeExecution(["G"], { inputs: { scale: 2 } });
    expect(text.startsWith("digraph")).toBe(true);
    expect([...dotNodes(text).keys()].sort()).toEqual(["A", "B", "C", "D", "E", "F", "G", "scale"]);
    expect(dotEdges(text)).toEqual(["A->B", "B->C", "C->E", "D->C", "E->F", "F->G", "scale->G"].sort());
  });

  it("DOT draws inputs, overrides, nodes and outputs distinctly", async () => {
    const dr = await new Builder().withModules(seed).build();
    const text = dr.visualizeExecution(["G", "E"], { inputs: { scale: 2 }, overrides: { C: false } });
    const nodes = dotNodes(text);
    // C is overridden: its upstream (A, B, D) is not drawn.
    expect([...nodes.keys()].sort()).toEqual(["C", "E", "F", "G", "scale"]);
    expect(nodes.get("scale")).toContain("shape=parallelogram");
    expect(nodes.get("C")).toContain("dashed");
    expect(nodes.get("C")).not.toContain("parallelogram");
    expect(nodes.get("F")).toContain('"rounded,filled"');
    expect(nodes.get("G")).toContain("penwidth=3");
    expect(nodes.get("E")).toContain("penwidth=3");
    expect(nodes.get("F")).not.toContain("penwidth");
    const styles = new Set(
      [nodes.get("scale"), nodes.get("C"), nodes.get("F")].map((a) => a?.replace(/label="[^"]*", /, "")),
    );
    expect(styles.size).toBe(3);
  });

  it("Mermaid holds every node and edge, with distinct shapes and classes for inputs, overrides and outputs", async () => {
    const dr = await new Builder().withModules(seed).build();
    const text = dr.visualizeExecution(["G"], { format: "mermaid", inputs: { scale: 2 }, overrides: { B: 1 } });
    expect(text.split("\n")[0]).toBe("flowchart LR");
    const ids = new Map<string, string>();
    for (const m of text.matchAll(/^ {2}(n\d+)(\[\/|\{\{|\()"([^"]+)"/gm)) ids.set(m[3] as string, `${m[1]} ${m[2]}`);
    expect([...ids.keys()].sort()).toEqual(["B", "C", "D", "E", "F", "G", "scale"]);
    const shape = (name: string) => (ids.get(name) as string).split(" ")[1];
    const id = (name: string) => (ids.get(name) as string).split(" ")[0];
    expect(shape("scale")).toBe("[/");
    expect(shape("D")).toBe("[/");
    expect(shape("B")).toBe("{{");
    expect(shape("F")).toBe("(");
    const edges = [...text.matchAll(/^ {2}(n\d+) --> (n\d+)$/gm)].map((m) => `${m[1]}->${m[2]}`).sort();
    const expected = [
      ["B", "C"],
      ["D", "C"],
      ["C", "E"],
      ["E", "F"],
      ["F", "G"],
      ["scale", "G"],
    ].map(([a, b]) => `${id(a as string)}->${id(b as string)}`);
    expect(edges).toEqual(expected.sort());
    expect(text).toContain(`class ${id("scale")} input;`);
    expect(text).toContain(`class ${id("B")} override;`);
    expect(text).toContain(`class ${id("G")} output;`);
    expect(text).not.toContain(`class ${id("F")} output;`);
  });

  it("checks the request like execute does", async () => {
    const dr = await new Builder().withModules(seed).build();
    expect(() => dr.visualizeExecution(["G"])).toThrow(/scale/);
  });

  it("quotes names and labels so the DOT stays valid", async () => {
    const dr = await new Builder()
      .withModules({ $weird_name: () => 1, B: ($weird_name: number) => $weird_name })
      .build();
    const text = dr.visualizeExecution(["B"]);
    expect(dotEdges(text)).toEqual(["$weird_name->B"]);
  });
});
