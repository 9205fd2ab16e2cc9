// The seed example (A..G): execute(["F", "G"]) cold, again on the same driver, then on a new driver.
import { SEED_SOURCE, type Workdir } from "./dataflows.js";
import { build, fileCache } from "./graphs.js";
import { timed } from "./timing.js";

export interface SeedRun {
  label: string;
  seconds: number;
  F: unknown;
  outcomes: Record<string, string>;
  roundTrips: number;
}

export async function seedExample(workdir: Workdir, print: (line: string) => void): Promise<SeedRun[]> {
  const module = await workdir.loadModule("seed", SEED_SOURCE);
  const dir = workdir.newCacheDir("seed");
  const dr = await build(module, fileCache(dir));
  const runs: SeedRun[] = [];
  print('\n=== Seed example (A..G), execute(["F", "G"]) twice, same driver, then once with a new driver ===');
  for (const label of ["run 1 (cold)", "run 2 (same driver)", "run 3 (new driver)"]) {
    const driver = label.includes("new") ? await build(module, fileCache(dir)) : dr;
    const [seconds, out] = await timed(() => driver.execute(["F", "G"]));
    const outcomesByNode: Record<string, string> = {};
    print(`-- ${label}: ${(seconds * 1e3).toFixed(2)} ms  F=${JSON.stringify(out.F)}  G=${JSON.stringify(out.G)}`);
    for (const record of Object.values(driver.cache.lastRun).sort((a, b) => a.node.localeCompare(b.node))) {
      outcomesByNode[record.node] = record.outcome;
      print(
        `   ${record.node}: ${record.outcome.padEnd(9)} fingerprint=${record.fingerprint ?? "-"}  context_key=${(record.contextKey ?? "-").slice(0, 60)}`,
      );
    }
    runs.push({
      label,
      seconds,
      F: out.F,
      outcomes: outcomesByNode,
      roundTrips: driver.cache.stats.repositoryRoundTrips,
    });
    if (driver !== dr) await driver.close();
  }
  await dr.close();
  workdir.remove(dir);
  return runs;
}
