// The code-identity corpus (issue 23): every node of the corpus gets one code version under every
// toolchain — except the disagreements listed here and in docs/code-identity.md's Limits, each a
// miss, never a wrong hit — and an edit that changes a node's behaviour changes its version under
// every toolchain. `pnpm --filter @ham/core corpus` regenerates the table in the docs.
import { describe, expect, it } from "vitest";
import { corpusModules, measure } from "../../test/code-identity-corpus.js";

const CLASS_STATIC_FIELDS_ES2020 = ["tsc ES2020 ESM", "tsc ES2020 CommonJS", "esbuild bundle", "swc ES2020 CommonJS"];

/** Known disagreements (misses, never wrong hits), by module and node: the toolchains that differ from tsx. */
const KNOWN: Record<string, Record<string, string[]>> = {
  // A class with a static field, compiled for ES2020 (static fields become assignments after the class), or bundled.
  "corpus/syntax.ts": { counted: CLASS_STATIC_FIELDS_ES2020 },
  // A bundle inlines the imported file: its helpers are the bundle's own.
  "corpus/imports.ts": { normalized: ["esbuild bundle"], described: ["esbuild bundle"], tripled: ["esbuild bundle"] },
  "toolchain-flow/flow.ts": { report: ["esbuild bundle"] },
};

describe("code versions agree across toolchains", () => {
  it.each(corpusModules().map((m) => [m.name, m] as const))("%s", async (_, module) => {
    const row = await measure(module);
    expect(row.nodes).toBeGreaterThan(0);
    expect(row.disagreeing).toEqual(KNOWN[module.name] ?? {});
    // No edit that changes behaviour leaves a version where it was, under any toolchain.
    expect(row.unchangedByEdit).toEqual([]);
    expect(row.mutated).toBeGreaterThan(0);
  }, 180_000);
});
