// Runs a docs page's ```ts blocks in order in a child process (tsx, against the packages' source) and says which block failed.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CodeBlock, codeBlocks } from "./markdown.js";

const run = promisify(execFile);
export const root = fileURLToPath(new URL("../../../", import.meta.url));
const runner = fileURLToPath(new URL("./run-page.mjs", import.meta.url));

/** The page's blocks (`page` relative to the repository root), runnable or not. */
export function pageBlocks(page: string): CodeBlock[] {
  return codeBlocks(readFileSync(join(root, page), "utf8"));
}

/**
 * Writes the page's runnable blocks into `dir` (a block whose first line is `// name.ts` becomes a
 * module later blocks import as "./name.js") and imports them in order; the page's cache folder
 * carries over from block to block. Resolves to undefined, or to the failure: which block, and why.
 */
export async function runPage(
  page: string,
  dir: string,
  env: Readonly<Record<string, string>> = {},
): Promise<string | undefined> {
  const runnable = pageBlocks(page).filter((block) => block.skipReason === undefined);
  mkdirSync(dir, { recursive: true });
  const files = runnable.map((block, index) => {
    const name = block.file ? `${block.file}.ts` : `block-${index + 1}.mts`;
    writeFileSync(
      join(dir, name),
      `${block.setup ? `${block.setup}\n` : ""}${block.code}\n${block.file ? "" : "export {};\n"}`,
    );
    return name;
  });
  try {
    await run(process.execPath, ["--import", "tsx", "--conditions=@ham/source", runner, ...files], {
      cwd: dir,
      timeout: 120_000,
      env: { ...process.env, NODE_NO_WARNINGS: "1", ...env },
    });
    return undefined;
  } catch (error) {
    const { stderr = "", stdout = "" } = error as { stderr?: string; stdout?: string };
    const failed = /BLOCK-FAILED (\d+)/.exec(stderr);
    const block = failed ? runnable[Number(failed[1])] : undefined;
    const where = block
      ? `${page}:${block.line} (${block.heading}; ${relative(root, join(dir, files[Number(failed?.[1])] as string))})`
      : page;
    const text = String(
      failed ? stderr.slice(stderr.indexOf("BLOCK-FAILED")) : stderr || stdout || (error as Error).message,
    );
    return `${where} failed:\n${text.trim().split("\n").slice(0, 25).join("\n")}`;
  }
}
