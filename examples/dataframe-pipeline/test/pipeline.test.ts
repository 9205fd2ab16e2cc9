import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPipeline } from "../src/pipeline.js";

describe("dataframe pipeline", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("caches Arrow tables: the second run is all hits, also with one node in index mode", async () => {
    const path = mkdtempSync(join(tmpdir(), "ham-dataframe-"));
    dirs.push(path);
    const lines: string[] = [];
    const report = await runPipeline({ path, rows: 20_000, print: (line) => lines.push(line) });

    expect(report.cold).toMatchObject({
      sales: "computed",
      cleaned: "computed",
      byRegion: "computed",
      revenue: "computed",
    });
    expect(report.warm).toMatchObject({ sales: "hit", cleaned: "hit", byRegion: "hit", revenue: "hit" });
    expect(report.indexCold).toMatchObject({ cleaned: "computed" });
    expect(report.indexWarm).toMatchObject({ sales: "hit", cleaned: "hit", byRegion: "hit", revenue: "hit" });
    expect(report.indexRevenue).toBe(report.revenue);
    expect(report.revenue).toBeGreaterThan(0);
    expect(lines.some((line) => line.includes("warning"))).toBe(false);
  });
});
