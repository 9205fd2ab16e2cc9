// A cached run that lasts until the test lets it finish: `slow` waits for the gate file to exist.
// Started as its own process by browser.test.ts, so ham ui watches a run of another process.
import fs from "node:fs";
import { Builder } from "@ham/core";

const [cacheDir, gate] = process.argv.slice(2) as [string, string];
const flow = {
  markup: () => "<img src=x onerror=alert(1)>",
  slow: async (markup: string) => {
    while (!fs.existsSync(gate)) await new Promise((resolve) => setTimeout(resolve, 50));
    return markup.length;
  },
};
const dr = await new Builder().withModules(flow).withCache({ path: cacheDir, logger: {} }).build();
await dr.execute(["slow"]);
await dr.close();
