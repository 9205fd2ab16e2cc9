import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { Builder } from "@ham/core";
import pl from "nodejs-polars";
import { dataframeCaching } from "./src/index.js";
import * as flights from "./bench/flights-pipeline.js";
const inputs = { rows: 200_000 };
const mode = process.argv[2];
const variants: Record<string, (b: pl.DataFrame) => pl.DataFrame> = {
  a: (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(31),
  b: (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(32),
  c: (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(33),
  d: (byRoute: pl.DataFrame) => byRoute.sort("mean_delay", true).head(34),
};
const changed = { ...flights, topRoutes: variants[process.argv[4] ?? "a"]! };
if (mode === "child") {
  const dr = await new Builder().withModules(changed).withCache({ path: process.argv[3]!, ...dataframeCaching() }).withProgress(false).build();
  const prof = process.env.PROF;
  const { Session } = await import("node:inspector");
  const session = new Session();
  if (prof) { session.connect(); await new Promise((r) => session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 100 }, () => session.post("Profiler.start", r)))); }
  const cpu0 = process.cpuUsage(); const t = performance.now();
  await dr.execute(flights.OUTPUTS, { inputs });
  const ms = performance.now() - t; const cpu = process.cpuUsage(cpu0);
  if (prof) { const { profile } = await new Promise<any>((r) => session.post("Profiler.stop", (_e, p) => r(p))); (await import("node:fs")).writeFileSync(prof, JSON.stringify(profile)); }
  console.log(JSON.stringify({ ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), recomputed: Object.values(dr.cache.lastRun).filter((r: any) => r.outcome === "computed").map((r: any) => r.node) }));
} else {
  const path = mkdtempSync(join(tmpdir(), "ham-leaf-"));
  const dr = await new Builder().withModules(flights).withCache({ path, ...dataframeCaching() }).withProgress(false).build();
  await dr.execute(flights.OUTPUTS, { inputs });
  for (const v of ["a", "b", "c"]) console.log(execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, "child", path, v], { encoding: "utf8" }).trim());
  console.log(execFileSync(process.execPath, [...process.execArgv, process.argv[1]!, "child", path, "d"], { encoding: "utf8", env: { ...process.env, PROF: "/tmp/bytes/leaf.cpuprofile" } }).trim());
}
