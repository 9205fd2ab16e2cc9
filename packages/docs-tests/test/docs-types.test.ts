// Type-checks every ```ts block of docs/*.md and README.md, and the type tests (*.test-d.ts), with
// TypeScript 5.9 and 7: tsx strips types without checking them, so a typed snippet could be wrong
// and still run. Blocks are laid out as the runner lays them out (one folder per page, `// name.ts`
// blocks as modules, setup comments first), in an ES module project whose tsconfig.json is README's.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CodeBlock, codeBlocks } from "./markdown.js";
import { COMPILERS } from "./typescript.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const work = fileURLToPath(new URL("../.types/", import.meta.url));

const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((n) => n.endsWith(".md"))
    .sort()
    .map((n) => `docs/${n}`),
];

/** README's tsconfig.json block: the settings the docs promise work. */
function readmeTsconfig(): { compilerOptions: Record<string, unknown> } {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = /^```json\n(\{\n\s+"compilerOptions"[\s\S]*?)^```$/m.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no ```json tsconfig.json block");
  return JSON.parse(block) as { compilerOptions: Record<string, unknown> };
}

/** Where each written file came from, to name `page:line` in errors. */
const origin = new Map<string, { page: string; block: CodeBlock; setupLines: number }>();

function layOut(): void {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
  const tsconfig = readmeTsconfig();
  // Resolve @ham/* to the packages' source (as the runner does), so no build is needed.
  tsconfig.compilerOptions = { ...tsconfig.compilerOptions, customConditions: ["@ham/source"], noEmit: true };
  writeFileSync(
    join(work, "tsconfig.json"),
    `${JSON.stringify({ ...tsconfig, include: ["**/*.ts", "**/*.mts"], exclude: ["typo"] }, null, 2)}\n`,
  );
  for (const page of pages) {
    const dir = join(work, page.replace(/[/.]/g, "_"));
    mkdirSync(dir);
    // ```ts no-run blocks are fragments (`…` for your code, a piece of a builder chain): not checked.
    const blocks = codeBlocks(readFileSync(join(root, page), "utf8")).filter((b) => b.skipReason === undefined);
    blocks.forEach((block, index) => {
      const name = block.file ? `${block.file}.ts` : `block-${index + 1}.mts`;
      writeFileSync(
        join(dir, name),
        `${block.setup ? `${block.setup}\n` : ""}${block.code}\n${block.file ? "" : "export {};\n"}`,
      );
      origin.set(relative(work, join(dir, name)), {
        page,
        block,
        setupLines: block.setup ? block.setup.split("\n").length : 0,
      });
    });
  }
}

/** "docs_x_md/block-2.mts(4,7): error TS2322: …" → "docs/x.md:41: error TS2322: …" */
function located(line: string): string {
  const match = /^(.+?)\((\d+),\d+\): (.*)$/.exec(line);
  const from = match ? origin.get(match[1] as string) : undefined;
  if (!match || !from) return line;
  const inBlock = Number(match[2]) - from.setupLines;
  return inBlock < 1
    ? `${from.page}:${from.block.line} (setup comment): ${match[3]}`
    : `${from.page}:${from.block.line + inBlock}: ${match[3]}`;
}

layOut();

// A misspelt name, as a user would write it: the error must say what is wrong on both compilers.
const typo = join(work, "typo");
mkdirSync(typo);
writeFileSync(
  join(typo, "typo.ts"),
  `import { Builder } from "@ham/core";
const dr = await new Builder().withModules({ raw: () => [1], report: (raw: number[]) => String(raw) }).withCache().build();
await dr.execute(["reprot"]);
dr.visualizeExecution(["reprot"]);
await dr.cache.explain("reprot");
`,
);
writeFileSync(
  join(typo, "tsconfig.json"),
  JSON.stringify({ extends: "../tsconfig.json", include: ["typo.ts"], exclude: [] }),
);

// tsc 5.9 takes 20–60 s here (it checks the packages' source the blocks import); TypeScript 7 a few seconds.
describe.concurrent("types of the docs and the public API", { timeout: 240_000 }, () => {
  for (const compiler of COMPILERS) {
    it(`every \`\`\`ts block of README.md and docs/ type-checks with ${compiler.label} (${compiler.version})`, async () => {
      const errors = await compiler.check(join(work, "tsconfig.json"), work);
      expect(errors.map(located)).toEqual([]);
    });

    it(`a misspelt output name names the problem and the likely name with ${compiler.label}`, async () => {
      const output = (await compiler.check(join(typo, "tsconfig.json"), typo)).join("\n");
      // One error per misspelt call (lines 3–5: execute, visualizeExecution, cache.explain), each with its details.
      const errors = output.split(/^(?=typo\.ts\()/m).filter((e) => e.startsWith("typo.ts("));
      expect(errors.map((e) => /^typo\.ts\((\d+),/.exec(e)?.[1])).toEqual(["3", "4", "5"]);
      for (const error of errors) {
        expect(error).toContain(`'"reprot"' is not assignable to`);
        expect(error).toContain("‹unknown output name: use one of the names listed before this");
      }
      // execute and visualizeExecution (a list of names) also suggest the likely name.
      expect(errors.slice(0, 2).every((e) => e.includes(`Did you mean '"report"'?`))).toBe(true);
    });

    it(`the type tests (*.test-d.ts) pass with ${compiler.label}`, async () => {
      expect(await compiler.check(join(root, "packages/core/tsconfig.type-tests.json"))).toEqual([]);
    });
  }
});
