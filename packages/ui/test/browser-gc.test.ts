// ham ui --allow-gc in Chromium: a page of another site cannot make it collect (its POST is
// refused), the page's own "Run gc now" button can, with the rules given on the command line.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { FileFingerprintRepository } from "@ham/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type HamUi, describeWithBrowser, launchBrowser, seedCache, startHamUi } from "./helpers.js";

describeWithBrowser("ham ui --allow-gc in Chromium", () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "ham-ui-gc-"));
  /** Runs in the cache's history, read as ham reads them (the file store appends runs to segments). */
  const runCount = async () => {
    const repository = new FileFingerprintRepository({ path: path.join(project, ".ham_cache") });
    try {
      return (await repository.listRuns()).length;
    } finally {
      await repository.close?.();
    }
  };
  let ui: HamUi;
  let evil: http.Server;
  let evilUrl: string;

  beforeAll(async () => {
    await seedCache(path.join(project, ".ham_cache"));
    ui = await startHamUi(project, ["--port", "0", "--allow-gc", "--keep-runs", "1", "--grace", "0s"]);
    // Another site the user happens to have open: it tries to make ham ui collect.
    evil = http.createServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html" });
      response.end(`<!doctype html><script>
        const target = ${JSON.stringify(ui.url)};
        window.attempts = Promise.allSettled([
          fetch(target + "api/gc", { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" }, body: "{}" }),
          fetch(target + "api/gc", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
          fetch(target + "api/runs").then((r) => r.text()),
        ]).then((all) => all.map((a) => a.status + ":" + (a.status === "fulfilled" && typeof a.value === "string" ? a.value : "")));
      </script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => evil?.close(resolve));
    expect(await ui?.stop()).toBe(0);
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("refuses another site's requests, then collects when its own page asks", async () => {
    expect(ui.output()).toContain("gc allowed");
    const browser = await launchBrowser();
    try {
      const attacker = await browser.context.newPage();
      await attacker.goto(evilUrl);
      const outcomes = (await attacker.evaluate("window.attempts")) as string[];
      // ham ui refuses all three (wrong Origin), and its answers are opaque to the other site anyway
      // (no CORS headers; Cross-Origin-Resource-Policy: same-origin): the site learns nothing.
      expect(outcomes).toEqual(["rejected:", "rejected:", "rejected:"]);
      expect(await runCount()).toBe(3);

      const page = await browser.context.newPage();
      await page.goto(`${ui.url}#/cache`);
      await page.waitForSelector("#gc-plan");
      expect(await page.locator("#gc-plan").textContent()).toMatch(/^gc would remove 2 runs, /);
      expect(await page.locator("#gc-run").isDisabled()).toBe(false);
      await page.click("#gc-run");
      // A locator wait, not waitForFunction: a string predicate is evaluated with eval, which the page's CSP refuses.
      await page.locator("#gc-result").filter({ hasText: /\S/ }).waitFor({ state: "attached" });
      expect(await page.locator("#gc-result").textContent()).toMatch(/^Removed 2 runs, \d+ records, \d+ results \(/);
      expect(await runCount()).toBe(1);
    } finally {
      await browser.close();
    }
  });
});
