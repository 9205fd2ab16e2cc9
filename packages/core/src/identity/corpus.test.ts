// The code-identity corpus (issue 23): every node of the corpus gets one code version under every
// toolchain, and an edit that changes a node's behaviour changes its version under every toolchain.
// `pnpm exec tsx scripts/code-identity-corpus.ts` regenerates the table in the docs.
import { describe, expect, it } from "vitest";
import { corpusModules, measure } from "../../test/code-identity-corpus.js";

describe("code versions agree across toolchains", () => {
  it.each(corpusModules().map((m) => [m.name, m] as const))(
    "%s",
    async (_, module) => {
      const row = await measure(module);
      expect(row.nodes).toBeGreaterThan(0);
      expect(row.disagreeing).toEqual({});
      // No edit that changes behaviour leaves a version where it was, under any toolchain.
      expect(row.unchangedByEdit).toEqual([]);
      expect(row.mutated).toBeGreaterThan(0);
    },
    180_000,
  );
});
