import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runWalkthrough } from "../src/walkthrough.js";

describe("seed walkthrough", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("reproduces every cell of the seed: fingerprints, stores read by hand, hits, and a code change", async () => {
    const path = mkdtempSync(join(tmpdir(), "ham-seed-"));
    dirs.push(path);
    const lines: string[] = [];
    const report = await runWalkthrough({ path, print: (line) => lines.push(line) });

    expect(Object.keys(report.fingerprints).sort()).toEqual(["A", "B", "C", "E", "F", "G"]);
    expect(report.results.D).toBeUndefined();
    expect(report.results.F).toEqual({ "hello-world": "hello-worldhello-worldhello-world" });
    expect(report.firstRun).toMatchObject({
      A: "computed",
      B: "computed",
      C: "computed",
      E: "computed",
      F: "computed",
      G: "computed",
    });
    expect(report.storedF).toEqual({ "hello-world": "hello-worldhello-worldhello-world" });
    expect(report.rebuiltFingerprintMatches).toBe(true);
    expect(report.secondRun).toMatchObject({ A: "hit", B: "hit", C: "hit", E: "hit", F: "hit", G: "hit" });
    expect(report.afterCodeChange).toMatchObject({ A: "hit", B: "hit", C: "hit", E: "computed", F: "hit" });
    expect(report.explainE).toMatch(/code version changed/);
    expect(lines.join("\n")).toContain("matches runFingerprints.F: true");
    expect(lines.join("\n")).toContain("→ every node computed: the cache was empty");
    expect(lines.join("\n")).toContain(
      "→ E computed: its code version is new to the cache; F is still a hit because E's value did not change",
    );
  });

  it("a second process over the same cache gets every node from the cache", async () => {
    const path = mkdtempSync(join(tmpdir(), "ham-seed-"));
    dirs.push(path);
    await runWalkthrough({ path, print: () => {} });
    const lines: string[] = [];
    const again = await runWalkthrough({ path, print: (line) => lines.push(line) });
    expect(Object.values(again.firstRun).every((o) => o === "hit" || o === "input")).toBe(true);
    // What the walkthrough prints under each heading describes this run's outcomes, not the first run's.
    expect(again.afterCodeChange.E).toBe("hit");
    const text = lines.join("\n");
    expect(text).not.toMatch(/E recomputes|every node computed/);
    expect(text).toContain("→ E is a hit: an earlier run of this walkthrough already computed this version of E");
    expect(text).toContain("→ every node read from the cache: an earlier run of this walkthrough stored them");
  });
});
