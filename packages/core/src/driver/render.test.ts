// Pictures: SVG and PNG through Graphviz, a clear error without it, files by extension, and docs/visualization.md's images.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Builder, HamError, MemoryFingerprintRepository, MemoryResultStore } from "../index.js";
import { graphvizAvailable, renderDot, renderExecution } from "./render.js";

const seed = {
  A: () => 7,
  B: (A: number) => A * 1.0,
  C: (B: number, D = true) => B !== Number(D),
  E: async (C: boolean) => (C ? "hello-world" : "goodbye"),
  F: (E: string) => ({ [E]: E.repeat(3) }),
};

const dir = mkdtempSync(join(tmpdir(), "ham-render-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasDot = graphvizAvailable();
if (!hasDot)
  console.warn(
    "[render.test] Graphviz `dot` is not installed: SVG/PNG tests skipped (scripts/test.sh installs it in CI)",
  );

/** Cold run, then a changed E on the same stores: A–C hit, E and F computed. */
async function warmDriver() {
  const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
  await (await new Builder().withModules(seed).withCache(stores).withProgress(false).build()).execute(["F"]);
  const changed = { ...seed, E: async (C: boolean) => (C ? "hello, world" : "goodbye") };
  const dr = await new Builder().withModules(changed).withCache(stores).withProgress(false).build();
  await dr.execute(["F"]);
  return dr;
}

describe("rendering with Graphviz", () => {
  it.skipIf(!hasDot)("svg is SVG text with every node, coloured by cache outcome", async () => {
    const dr = await warmDriver();
    const svg = dr.visualizeExecution(["F"], { format: "svg", cache: true });
    expect(svg).toMatch(/<svg[\s>]/);
    for (const name of ["A", "B", "C", "D", "E", "F"]) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain('fill="#a7e3a1"'); // hit
    expect(svg).toContain('fill="#f7c77e"'); // computed
    expect(svg).toMatch(/hit · [\d.]+ms/);
  });

  it.skipIf(!hasDot)("png is a PNG image", async () => {
    const dr = await warmDriver();
    const png = dr.visualizeExecution(["F"], { format: "png", cache: true });
    expect(Buffer.isBuffer(png)).toBe(true);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it.skipIf(!hasDot)("renderExecution picks the format from the file name", async () => {
    const dr = await warmDriver();
    const svgFile = renderExecution(dr, ["F"], { output: join(dir, "graph.svg"), cache: true });
    expect(readFileSync(svgFile, "utf8")).toMatch(/<svg[\s>]/);
    const mmd = renderExecution(dr, ["F"], { output: join(dir, "graph.mmd") });
    expect(readFileSync(mmd, "utf8")).toMatch(/^flowchart LR/);
    expect(() => renderExecution(dr, ["F"], { output: join(dir, "graph.txt") })).toThrow(/\.svg, \.png/);
  });

  it("without Graphviz, svg fails with a HamError that says how to install it", () => {
    const before = process.env.HAM_GRAPHVIZ_DOT;
    process.env.HAM_GRAPHVIZ_DOT = join(dir, "no-such-dot");
    try {
      const error = (() => {
        try {
          renderDot("digraph { a -> b }", "svg");
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(HamError);
      expect((error as Error).message).toMatch(/install Graphviz: apt-get install graphviz/);
      expect((error as Error).message).toMatch(/format "mermaid"/);
    } finally {
      if (before === undefined) delete process.env.HAM_GRAPHVIZ_DOT;
      else process.env.HAM_GRAPHVIZ_DOT = before;
    }
  });

  it("Mermaid text needs no install and carries outcome, time and size on each node", async () => {
    const dr = await warmDriver();
    const mermaid = dr.visualizeExecution(["F"], { format: "mermaid", cache: true });
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toMatch(/F<br\/>computed · [\d.]+m?s · \d+ B/);
    expect(mermaid).toMatch(/class n\d+ hit;/);
  });
});

// docs/visualization.md shows these files. CI (CI=true) and HAM_UPDATE_DOCS_IMAGES=1 write them into
// docs/images/; other runs write to a temporary folder, so a local test run leaves the tree clean.
describe("docs/visualization.md images", () => {
  it.skipIf(!hasDot)("are produced from a real cached run", async () => {
    const update = process.env.CI === "true" || process.env.HAM_UPDATE_DOCS_IMAGES === "1";
    const target = update ? fileURLToPath(new URL("../../../../docs/images/", import.meta.url)) : join(dir, "images");
    mkdirSync(target, { recursive: true });
    const dr = await warmDriver();
    renderExecution(dr, ["F"], { output: join(target, "seed-warm.svg"), cache: true });
    renderExecution(dr, ["F"], { output: join(target, "seed-warm.png"), cache: true });
    renderExecution(dr, ["F"], { output: join(target, "seed-plan.svg"), overrides: { C: false } });
    writeFileSync(
      join(target, "seed-warm.mmd"),
      `${dr.visualizeExecution(["F"], { format: "mermaid", cache: true })}\n`,
    );
    expect(readFileSync(join(target, "seed-warm.svg"), "utf8")).toContain("hit");
  });
});
