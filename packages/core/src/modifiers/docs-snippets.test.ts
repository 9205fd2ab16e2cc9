// Runs every ```ts block of docs/modifiers.md as a module, so the docs and the executed code cannot drift.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const docPath = fileURLToPath(new URL("../../../../docs/modifiers.md", import.meta.url));
const markdown = readFileSync(docPath, "utf8");

/** Each ```ts block with the heading it sits under. */
function snippets(text: string): { heading: string; code: string }[] {
  const out: { heading: string; code: string }[] = [];
  let heading = "(top)";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("## ")) heading = line.slice(3).trim();
    if (line.trim() === "```ts") {
      const end = lines.indexOf("```", i + 1);
      out.push({ heading, code: lines.slice(i + 1, end).join("\n") });
      i = end;
    }
  }
  return out;
}

const blocks = snippets(markdown);
const dir = mkdtempSync(join(tmpdir(), "ham-modifier-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("docs/modifiers.md", () => {
  it("has a runnable snippet for each modifier", () => {
    const headings = new Set(blocks.map((b) => b.heading));
    for (const section of [
      "parameterize",
      "extractFields",
      "config.when and config.whenNot",
      "tag",
      "cache",
      "Visualisation",
    ]) {
      expect(headings).toContain(section);
    }
  });

  blocks.forEach(({ heading, code }, index) => {
    it(`snippet ${index + 1} (${heading}) runs and its assertions hold`, async () => {
      // A file of its own per snippet: each is an ES module with top-level await, importing "@ham/core".
      const file = join(dir, `snippet-${index + 1}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      await import(/* @vite-ignore */ file);
    });
  });
});
