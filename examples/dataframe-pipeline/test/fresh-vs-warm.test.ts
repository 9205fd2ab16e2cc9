// Cross-check (issue 16): the pipeline's tables and revenue are observably the same fresh, from a cold cache and from a warm one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder, cache } from "@ham/core";
import { crossCheck, tableContents } from "@ham/core/testing";
import { dataframeCaching } from "@ham/fingerprint-dataframe";
import { afterEach, describe, expect, it } from "vitest";
import * as dataflow from "../src/dataflow.js";

// Arrow gives two equal tables different dictionary ids (a process-wide counter): tables are compared by contents.
const compareAs = { sales: tableContents, cleaned: tableContents, byRegion: tableContents };

describe("dataframe pipeline, fresh vs warm", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["content", dataflow],
    ["index", { ...dataflow, cleaned: cache({ fingerprint: "index" })(dataflow.cleaned) }],
  ])("in %s mode the warm run is all hits and equals a fresh run", async (_, modules) => {
    const path = mkdtempSync(join(tmpdir(), "ham-dataframe-cross-"));
    dirs.push(path);
    const report = await crossCheck(
      () => new Builder().withModules(modules),
      { path, logger: { warn: () => {} }, ...dataframeCaching() },
      ["sales", "cleaned", "byRegion", "revenue"],
      { inputs: { rows: 5_000 }, compareAs },
    );
    expect(report.differences).toEqual([]);
    expect(report.warmOutcomes).toEqual({ sales: "hit", cleaned: "hit", byRegion: "hit", revenue: "hit" });
    expect(report.fresh["revenue"]).toBeGreaterThan(0);
  });
});
