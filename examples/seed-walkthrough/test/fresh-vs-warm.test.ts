// Cross-check (issue 16): every output of the seed's dataflow is observably the same fresh, from a cold cache and from a warm one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "@ham/core";
import { crossCheck, tableContents } from "@ham/core/testing";
import { dataframeCaching } from "@ham/fingerprint-dataframe";
import { afterEach, describe, expect, it } from "vitest";
import * as primitives from "../src/primitives.js";

describe("seed walkthrough, fresh vs warm", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("every node: the warm run is all hits and equals a fresh run", async () => {
    const path = mkdtempSync(join(tmpdir(), "ham-seed-cross-"));
    dirs.push(path);
    const report = await crossCheck(
      () => new Builder().withModules(primitives),
      { path, logger: { warn: () => {} }, ...dataframeCaching() },
      ["A", "B", "C", "D", "E", "F", "G"],
      {
        // Arrow gives two equal tables different dictionary ids (a process-wide counter): G is compared by contents.
        compareAs: { G: tableContents },
      },
    );
    expect(report.differences).toEqual([]);
    expect(Object.values(report.warmOutcomes).every((outcome) => outcome === "hit")).toBe(true);
    expect(Object.keys(report.warmOutcomes).sort()).toEqual(["A", "B", "C", "E", "F", "G"]);
  });
});
