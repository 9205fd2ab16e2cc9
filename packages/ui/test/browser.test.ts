// ham ui in headless Chromium over a real cache (the seed walkthrough's three runs): runs, a run's
// DAG, a node, two runs compared, the cache view, and a run of another process watched live.
// Saves the screenshots docs/ui.md shows (docs/images/ui-*.png with CI=true or HAM_UPDATE_DOCS_IMAGES=1).
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FINGERPRINT_SPEC_VERSION } from "@ham/core/fingerprint";
import { type HamUi, TSX, describeWithBrowser, imagePath, launchBrowser, seedCache, startHamUi } from "./helpers.js";

const LIVE_RUN = fileURLToPath(new URL("./live-run.ts", import.meta.url));

describeWithBrowser("ham ui in Chromium", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "ham-ui-browser-"));
  const scratch = path.join(project, "images");
  let ui: HamUi;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(scratch);
    await seedCache(path.join(project, ".ham_cache"));
    ui = await startHamUi(project, ["--port", "0"]);
    browser = await launchBrowser();
    context = browser.context;
    page = await context.newPage();
    page.on("request", (request) => requested.push(request.url()));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    expect(await ui?.stop()).toBe(0);
    fs.rmSync(project, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: imagePath(name, scratch), fullPage: true });

  it("lists the runs with duration, hit rate and time saved", async () => {
    await page.goto(ui.url);
    await page.waitForSelector("tr[data-run]");
    const rows = page.locator("tr[data-run]");
    expect(await rows.count()).toBe(3);
    // Newest first: after E's code change (4 of 5 hits), all hits, the first cold run.
    expect(await rows.nth(0).locator("td").nth(8).textContent()).toBe("80%");
    expect(await rows.nth(1).locator("td").nth(8).textContent()).toBe("100%");
    expect(await rows.nth(2).locator("td").nth(8).textContent()).toBe("0%");
    expect(await rows.nth(1).locator("td").nth(9).textContent()).toMatch(/^[\d.]+ m?s$/);
    expect(await page.locator("#source").textContent()).toContain(".ham_cache");
    await shot("ui-runs.png");
  });

  it("shows a run's DAG coloured by outcome, with durations and result sizes", async () => {
    await page.locator("tr[data-run]").nth(0).click();
    await page.waitForSelector("#dag svg");
    expect(await page.locator("#dag g.node").count()).toBe(5);
    expect(await page.locator('#dag g.node[data-node="E"] text').allTextContents()).toEqual([
      "E",
      expect.stringMatching(/^computed · [\d.]+ms · \d+ B$/),
    ]);
    expect(
      await page
        .locator('#dag g.node[data-node="E"] path, #dag g.node[data-node="E"] polygon')
        .first()
        .getAttribute("fill"),
    ).toBe("#f7c77e");
    expect(await page.locator('#dag g.node[data-node="F"] text').nth(1).textContent()).toMatch(/^hit · /);
    expect(await page.locator('tr[data-node="E"] .badge').textContent()).toBe("computed");
    expect(await page.locator('tr[data-node="F"] td').nth(3).textContent()).toMatch(/^\d+ B$/);
    await shot("ui-run.png");
  });

  it("explains a node against the previous run, with its identity and a preview of its result", async () => {
    await page.locator('#dag g.node[data-node="E"]').click();
    await page.waitForSelector("#why");
    expect(await page.locator("#why").textContent()).toMatch(
      /^computed: code version changed: own code since run \S+$/,
    );
    expect(await page.locator("#fingerprint").textContent()).toMatch(/^[\w-]{20,}$/);
    expect(await page.locator("#context-key").textContent()).toMatch(new RegExp(`^f${FINGERPRINT_SPEC_VERSION}\\.`));
    expect(await page.locator("#preview").textContent()).toBe("'hello-world'");
    await shot("ui-node.png");
  });

  it("compares two runs: which nodes changed outcome and why", async () => {
    await page.goBack();
    await page.waitForSelector("#compare-previous");
    await page.click("#compare-previous");
    await page.waitForSelector("#diff-summary");
    expect(await page.locator("#diff-summary").textContent()).toMatch(/^2 of 6 nodes changed outcome or result\./);
    const e = page.locator('tbody tr[data-node="E"] td');
    expect(await e.allTextContents()).toEqual(["E", "hit", "computed", "code changed: own code"]);
    await shot("ui-diff.png");
  });

  it("shows the cache by node and by age, and what gc would remove, with gc off", async () => {
    await page.click('nav a[data-tab="cache"]');
    await page.waitForSelector("#gc-plan");
    expect(await page.locator("#gc-plan").textContent()).toMatch(
      /^gc would remove 0 runs, 0 records and 0 results \(0 B\), and keep 3 runs and \d+ results/,
    );
    expect(await page.locator('tr[data-node="G"] td').nth(1).textContent()).toBe("1");
    expect(await page.locator("#gc-run").isDisabled()).toBe(true);
    expect(await page.locator("#gc-off").textContent()).toContain("--allow-gc");
    await shot("ui-cache.png");
  });

  it("watches a run of another process while it goes, and shows its values as text", async () => {
    const gate = path.join(project, "gate");
    let child: ChildProcess | undefined;
    try {
      child = spawn(TSX, ["--conditions=@ham/source", LIVE_RUN, path.join(project, ".ham_cache"), gate], {
        stdio: "ignore",
      });
      await page.click('nav a[data-tab="runs"]');
      await page.waitForSelector('tr[data-run] [data-status="running"]', { timeout: 20_000 });
      await page.locator("tr[data-run]").nth(0).click();
      await page.waitForSelector('#dag g.node[data-node="markup"]');
      expect(await page.locator("h1 [data-status]").textContent()).toBe("running");
      await shot("ui-live.png");
      // The page re-reads the run while it goes: once it ends, "done" and the slow node appear.
      fs.writeFileSync(gate, "");
      await page.waitForSelector('#dag g.node[data-node="slow"]', { timeout: 20_000 });
      expect(await page.locator("h1 .badge").textContent()).toBe("done");
      await page.locator('#dag g.node[data-node="markup"]').click();
      await page.waitForSelector("#preview");
      expect(await page.locator("#preview").textContent()).toBe("'<img src=x onerror=alert(1)>'");
      expect(await page.locator("#preview img").count()).toBe(0);
    } finally {
      fs.writeFileSync(gate, "");
      if (child && child.exitCode === null) await new Promise((resolve) => child?.on("exit", resolve));
    }
  });

  it("asked nothing of any other host", () => {
    const origin = new URL(ui.url).origin;
    expect(requested.length).toBeGreaterThan(10);
    expect(requested.filter((url) => !url.startsWith(origin))).toEqual([]);
  });
});
