import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Builder } from "@ham/core";
import * as arrow from "apache-arrow";
import pl from "nodejs-polars";
import { dataframeCaching } from "../src/index.js";
import * as flights from "./flights-pipeline.js";
const inputs = { rows: 1_000_000 };
const plain = await new Builder().withModules(flights).withProgress(false).build();
await plain.execute(flights.OUTPUTS, { inputs });
for (let i = 0; i < 3; i++) {
  let s = performance.now();
  await plain.execute(flights.OUTPUTS, { inputs });
  const u = performance.now() - s;
  const path = mkdtempSync(join(tmpdir(), "cold-"));
  const dr = await new Builder()
    .withModules(flights)
    .withCache({ path, ...dataframeCaching({ libraries: { arrow, polars: pl } }) })
    .withProgress(false)
    .build();
  s = performance.now();
  await dr.execute(flights.OUTPUTS, { inputs });
  const c = performance.now() - s;
  console.log(`uncached ${u.toFixed(0)} cold ${c.toFixed(0)} ratio ${(c / u).toFixed(2)}`);
  await dr.close();
  rmSync(path, { recursive: true, force: true });
}
