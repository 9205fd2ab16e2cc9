// Cross-check (issue 16): on every docs page that caches, each execute of a cached driver equals (observablyEqual)
// a fresh run of the same dataflow without a cache, and so does a second, warm driver on the same cache options.
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pageBlocks, root, runPage } from "./page-runner.js";

const work = fileURLToPath(new URL("../.run-crosscheck/", import.meta.url));
rmSync(work, { recursive: true, force: true });

/** Pages whose runnable blocks build a cached driver and execute something. */
const caching = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((n) => n.endsWith(".md"))
    .sort()
    .map((n) => `docs/${n}`),
].filter((page) => {
  const text = pageBlocks(page)
    .filter((block) => block.skipReason === undefined)
    .map((block) => `${block.setup}\n${block.code}`)
    .join("\n");
  return /\.withCache\(/.test(text) && /\.execute(<[^>]*>)?\(/.test(text);
});

/**
 * Pages that look right after an execute at what it did (node calls counted, the run history read):
 * their extra runs wait until the page is done.
 */
const DEFER = new Set(["docs/modifiers.md", "docs/ui.md"]);

interface Comparison {
  outputs: string[];
  kind: string;
  difference?: string;
}

describe.concurrent("docs pages that cache: fresh vs cached runs", () => {
  it("there are pages to check", () => {
    expect(caching.length).toBeGreaterThan(5);
  });

  for (const page of caching) {
    it(`${page}: every cached execute equals a fresh run, and so does a warm one`, async () => {
      const dir = join(work, page.replace(/[/.]/g, "_"));
      const reportFile = join(dir, "crosscheck.jsonl");
      const failure = await runPage(page, dir, {
        HAM_CROSSCHECK: reportFile,
        ...(DEFER.has(page) ? { HAM_CROSSCHECK_DEFER: "1" } : {}),
      });
      if (failure !== undefined) expect.fail(failure);
      const comparisons: Comparison[] = existsSync(reportFile)
        ? readFileSync(reportFile, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Comparison)
        : [];
      expect(comparisons.length, "the page builds a cached driver and executes it").toBeGreaterThan(0);
      const differences = comparisons
        .filter((c) => c.difference !== undefined)
        .map((c) => `${c.outputs.join(",")} (${c.kind}): ${c.difference}`);
      expect(differences).toEqual([]);
    });
  }
});
