// ham ui over a team cache: records in PostgreSQL, results in S3 (the servers of scripts/services),
// configured by a ham.config.mjs the real `ham ui` loads, and looked at in Chromium.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder } from "@ham/core";
import { clearCache } from "@ham/core/lifecycle";
import { PostgresFingerprintRepository } from "@ham/store-postgres";
import { S3ResultStore } from "@ham/store-s3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type HamUi, describeWithBrowser, launchBrowser, startHamUi } from "./helpers.js";
import { describeWithEnv } from "./services.js";

const NODE_MODULES = fileURLToPath(new URL("../node_modules", import.meta.url));

const CONFIG = `// The team cache: records in PostgreSQL, results in S3.
import { PostgresFingerprintRepository } from "@ham/store-postgres";
import { S3ResultStore } from "@ham/store-s3";
const env = process.env;
export default {
  fingerprintStore: new PostgresFingerprintRepository({ connectionString: env.HAM_PG_URL, schema: env.UI_TEST_SCHEMA }),
  resultStore: new S3ResultStore({
    bucket: env.UI_TEST_BUCKET,
    prefix: "ui",
    clientConfig: { endpoint: env.HAM_S3_ENDPOINT, region: env.HAM_S3_REGION, forcePathStyle: true },
  }),
};
`;

describeWithEnv("ham ui over a Postgres + S3 team cache", ["HAM_PG_URL", "HAM_S3_ENDPOINT", "HAM_S3_REGION"], (env) => {
  describeWithBrowser("in Chromium", () => {
    const id = randomBytes(4).toString("hex");
    const settings = { UI_TEST_SCHEMA: `ham_ui_${id}`, UI_TEST_BUCKET: `ham-ui-${id}` };
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "ham-ui-team-"));
    let ui: HamUi;

    const teamStores = () => ({
      fingerprintStore: new PostgresFingerprintRepository({
        connectionString: env.HAM_PG_URL as string,
        schema: settings.UI_TEST_SCHEMA,
      }),
      resultStore: new S3ResultStore({
        bucket: settings.UI_TEST_BUCKET,
        prefix: "ui",
        clientConfig: {
          endpoint: env.HAM_S3_ENDPOINT as string,
          region: env.HAM_S3_REGION as string,
          forcePathStyle: true,
        },
      }),
    });

    beforeAll(async () => {
      // moto accepts an unsigned path-style PUT to create a bucket.
      const created = await fetch(`${env.HAM_S3_ENDPOINT}/${settings.UI_TEST_BUCKET}`, { method: "PUT" });
      expect(created.ok).toBe(true);
      const flow = {
        prices: (region: string) => ({ region, prices: [3, 1, 2] }),
        total: (prices: { prices: number[] }) => prices.prices.reduce((a, b) => a + b, 0),
      };
      for (const region of ["eu", "eu", "us"]) {
        const dr = await new Builder()
          .withModules(flow)
          .withCache({ ...teamStores(), logger: {} })
          .build();
        await dr.execute(["total"], { inputs: { region } });
        await dr.close();
      }
      fs.writeFileSync(path.join(project, "ham.config.mjs"), CONFIG);
      fs.symlinkSync(NODE_MODULES, path.join(project, "node_modules"));
      ui = await startHamUi(project, ["--port", "0"], { ...process.env, ...settings });
    }, 120_000);

    afterAll(async () => {
      expect(await ui?.stop()).toBe(0);
      fs.rmSync(project, { recursive: true, force: true });
      const stores = teamStores();
      await stores.fingerprintStore.open();
      await stores.resultStore.open();
      await clearCache(stores);
      await stores.fingerprintStore.close();
      await stores.resultStore.close();
    });

    it("shows the runs, a run's DAG, a result read from S3, and the cache's size", async () => {
      expect(ui.output()).toContain("(cache: ham.config.mjs;");
      const browser = await launchBrowser();
      try {
        const page = await browser.context.newPage();
        await page.goto(ui.url);
        await page.waitForSelector("tr[data-run]");
        expect(await page.locator("#source").textContent()).toBe("ham.config.mjs · postgres");
        expect(await page.locator("tr[data-run]").count()).toBe(3);
        expect(await page.locator("tr[data-run]").nth(1).locator("td").nth(8).textContent()).toBe("100%");
        await page.locator("tr[data-run]").nth(0).click();
        await page.waitForSelector('#dag g.node[data-node="prices"]');
        expect(await page.locator('tr[data-node="region"] .badge').textContent()).toBe("input");
        await page.locator('#dag g.node[data-node="prices"]').click();
        await page.waitForSelector("#preview");
        expect(await page.locator("#preview").textContent()).toBe("{ region: 'us', prices: [ 3, 1, 2 ] }");
        expect(await page.locator("#why").textContent()).toMatch(/^computed: input "region" changed since run /);
        await page.click('nav a[data-tab="cache"]');
        await page.waitForSelector("#gc-plan");
        expect(await page.locator('tr[data-node="prices"] td').nth(1).textContent()).toBe("2");
      } finally {
        await browser.close();
      }
    });
  });
});
