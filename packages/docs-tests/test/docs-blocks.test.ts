// Runs every ```ts block of docs/*.md and README.md with tsx (against the packages' source), so the
// documentation and the code cannot drift. Blocks of a page run in order in one folder: a block whose
// first line is `// name.ts` becomes a module later blocks import as "./name.js", and the page's cache
// folder carries over from block to block. ```ts no-run <reason> shows a block without running it.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codeBlocks } from "./markdown.js";
import { pageBlocks, root, runPage } from "./page-runner.js";

const work = fileURLToPath(new URL("../.run/", import.meta.url));

/** docs/modifiers.md is run by packages/core/src/modifiers/docs-snippets.test.ts (it also checks its sections). */
const RUN_ELSEWHERE = new Set(["docs/modifiers.md"]);

const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`),
].filter((page) => !RUN_ELSEWHERE.has(page));

rmSync(work, { recursive: true, force: true });

// One child process per page (its blocks import in order, each a module of its own); pages run in parallel.
describe.concurrent("docs code blocks", () => {
  for (const page of pages) {
    const blocks = pageBlocks(page);
    const runnable = blocks.filter((block) => block.skipReason === undefined);
    for (const block of blocks) {
      if (block.skipReason !== undefined)
        it.skip(`${page}:${block.line} (${block.heading}) — not run: ${block.skipReason}`, () => undefined);
    }
    if (runnable.length === 0) continue;
    it(`${page}: ${runnable.length} block${runnable.length > 1 ? "s" : ""} run in order`, async () => {
      const failure = await runPage(page, join(work, page.replace(/[/.]/g, "_")));
      if (failure !== undefined) expect.fail(failure);
    });
  }
});

describe("the docs runner", () => {
  it("finds blocks, their setup comment, file names and no-run reasons", () => {
    const page = [
      "## Nodes",
      "```ts",
      "// dataflow.ts — nodes",
      "export const A = () => 1;",
      "```",
      '<!-- setup: import * as dataflow from "./dataflow.js"; -->',
      "```ts",
      "console.log(dataflow.A());",
      "```",
      "```ts no-run needs a real S3 bucket",
      'new S3ResultStore({ bucket: "team" });',
      "```",
      "```sh",
      "echo not ts",
      "```",
    ].join("\n");
    const blocks = codeBlocks(page);
    expect(blocks.map((b) => [b.heading, b.file, b.setup, b.skipReason])).toEqual([
      ["Nodes", "dataflow", "", undefined],
      ["Nodes", undefined, 'import * as dataflow from "./dataflow.js";', undefined],
      ["Nodes", undefined, "", "needs a real S3 bucket"],
    ]);
    expect(() => codeBlocks("```ts no-run\nx\n```")).toThrow(/needs a reason/);
  });
});
