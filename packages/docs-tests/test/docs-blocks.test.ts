// Runs every ```ts block of docs/*.md and README.md with tsx (against the packages' source), so the
// documentation and the code cannot drift. Blocks of a page run in order in one folder: a block whose
// first line is `// name.ts` becomes a module later blocks import as "./name.js", and the page's cache
// folder carries over from block to block. ```ts no-run <reason> shows a block without running it.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { codeBlocks } from "./markdown.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const work = fileURLToPath(new URL("../.run/", import.meta.url));
const runner = fileURLToPath(new URL("./run-page.mjs", import.meta.url));

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
    const blocks = codeBlocks(readFileSync(join(root, page), "utf8"));
    const runnable = blocks.filter((block) => block.skipReason === undefined);
    for (const block of blocks) {
      if (block.skipReason !== undefined) it.skip(`${page}:${block.line} (${block.heading}) — not run: ${block.skipReason}`, () => undefined);
    }
    if (runnable.length === 0) continue;
    it(`${page}: ${runnable.length} block${runnable.length > 1 ? "s" : ""} run in order`, async () => {
      const dir = join(work, page.replace(/[/.]/g, "_"));
      mkdirSync(dir, { recursive: true });
      const files = runnable.map((block, index) => {
        const name = block.file ? `${block.file}.ts` : `block-${index + 1}.mts`;
        writeFileSync(join(dir, name), `${block.setup ? `${block.setup}\n` : ""}${block.code}\n${block.file ? "" : "export {};\n"}`);
        return name;
      });
      try {
        await run(process.execPath, ["--import", "tsx", "--conditions=@ham/source", runner, ...files], {
          cwd: dir,
          timeout: 120_000,
          env: { ...process.env, NODE_NO_WARNINGS: "1" },
        });
      } catch (error) {
        const { stderr = "", stdout = "" } = error as { stderr?: string; stdout?: string };
        const failed = /BLOCK-FAILED (\d+)/.exec(stderr);
        const block = failed ? runnable[Number(failed[1])] : undefined;
        const where = block ? `${page}:${block.line} (${block.heading}; ${relative(root, join(dir, files[Number(failed?.[1])] as string))})` : page;
        const text = String(failed ? stderr.slice(stderr.indexOf("BLOCK-FAILED")) : stderr || stdout || (error as Error).message);
        expect.fail(`${where} failed:\n${text.trim().split("\n").slice(0, 25).join("\n")}`);
      }
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
      "<!-- setup: import * as dataflow from \"./dataflow.js\"; -->",
      "```ts",
      "console.log(dataflow.A());",
      "```",
      "```ts no-run needs a real S3 bucket",
      "new S3ResultStore({ bucket: \"team\" });",
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
