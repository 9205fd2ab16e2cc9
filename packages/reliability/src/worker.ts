// Child process of the crash and soak tests (bundled to plain JS by bundle.ts so it starts fast).
//   crash <profile> <variant> <firstSeed>: runs seeds firstSeed, firstSeed+1, … forever, printing
//     each seed before it starts; the parent kills it with SIGKILL at a random moment.
//   soak <profile> <process> <runs> <seeds> [signingKey]: runs random variants and seeds, checks every
//     output against an uncached run, prints one JSON line of counts.
import { isDeepStrictEqual } from "node:util";
import { type Driver, type Logger, errorMessage } from "@ham/core";
import { cachedDriver, OUTPUTS, plainDriver, variantOf } from "./dataflow.js";
import { closeStores, type StoreProfile, storesOf } from "./stores.js";

const [mode, profileJson, ...rest] = process.argv.slice(2) as [string, string, ...string[]];
const profile = JSON.parse(profileJson) as StoreProfile;
const warnings: string[] = [];
const logger: Logger = { warn: (message: string) => void warnings.push(message) };

if (mode === "crash") {
  const [variantN, firstSeed] = rest.map(Number) as [number, number];
  const stores = await storesOf(profile);
  const dr = await cachedDriver(variantOf(variantN), { ...stores, logger });
  await dr.cache!.open();
  process.stdout.write("ready\n");
  for (let seed = firstSeed; ; seed++) {
    process.stdout.write(`${seed}\n`);
    await dr.execute([...OUTPUTS], { inputs: { seed } });
  }
} else if (mode === "soak") {
  const [index, runs, seeds] = rest.map(Number) as [number, number, number];
  const signingKey = rest[3];
  const stores = await storesOf(profile);
  const cached = new Map<number, Driver>();
  const plain = new Map<number, Driver>();
  const counts = {
    process: index,
    runs: 0,
    outputs: 0,
    wrong: 0,
    unreadable: 0,
    hits: 0,
    computed: 0,
    recomputed: 0,
    failedRuns: 0,
    errors: [] as string[],
  };
  // A small deterministic generator per process: the same counts for the same arguments.
  let state = (index + 1) * 0x9e3779b1;
  const random = (n: number): number => {
    state = (Math.imul(state ^ (state >>> 16), 0x45d9f3b) + 0x6d2b79f5) >>> 0;
    return state % n;
  };
  for (let run = 0; run < runs; run++) {
    const variantN = random(6); // six code versions of the dataflow, shared by all processes
    const seed = random(seeds);
    let dr = cached.get(variantN);
    if (!dr) {
      dr = await cachedDriver(variantOf(variantN), { ...stores, logger, ...(signingKey ? { signingKey } : {}) });
      cached.set(variantN, dr);
    }
    let reference = plain.get(variantN);
    if (!reference) {
      reference = await plainDriver(variantOf(variantN));
      plain.set(variantN, reference);
    }
    counts.runs++;
    try {
      const got = await dr.execute([...OUTPUTS], { inputs: { seed } });
      const expected = await reference.execute([...OUTPUTS], { inputs: { seed } });
      for (const output of OUTPUTS) {
        counts.outputs++;
        if (!isDeepStrictEqual(got[output], expected[output])) {
          counts.wrong++;
          if (counts.errors.length < 5) counts.errors.push(`wrong ${output} for variant ${variantN}, seed ${seed}`);
        }
      }
      for (const record of Object.values(dr.cache!.lastRun)) {
        if (record.outcome === "hit") counts.hits++;
        else if (record.outcome === "computed") counts.computed++;
        else if (record.outcome === "recomputed") counts.recomputed++;
      }
    } catch (error) {
      counts.failedRuns++;
      if (counts.errors.length < 5) counts.errors.push(errorMessage(error));
    }
  }
  counts.unreadable = warnings.filter((w) => /could not be read back|signature/.test(w)).length;
  for (const w of warnings.slice(0, 3)) counts.errors.push(`warning: ${w}`);
  await closeStores(stores);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
} else {
  throw new Error(`unknown mode ${mode}`);
}
