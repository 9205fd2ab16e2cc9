// Checks a store after crashes or a soak: every entry is absent or complete and correct, and a
// fresh cached run returns exactly what an uncached run computes.
import { isDeepStrictEqual } from "node:util";
import { fingerprintValue, hashingReady } from "@ham/core/fingerprint";
import { ResultCodec } from "@ham/core/codec";
import { cachedDriver, OUTPUTS, plainDriver, variantOf } from "./dataflow.js";
import { closeStores, type StoreProfile, storesOf } from "./stores.js";

/** What the check found. Everything but the first three must be 0. */
export interface StoreReport {
  records: number;
  results: number;
  /** Records whose result is absent (allowed: recomputed; ham writes results before records, so expected 0). */
  recordsWithoutResult: number;
  /** Results that do not decode (torn, truncated, damaged). */
  unreadableResults: number;
  /** Results that decode to a value whose fingerprint is not their key. */
  wrongResults: number;
  /** Outputs of the next run that differ from an uncached run. */
  wrongOutputs: number;
  /** Warnings of the next run about unreadable results. */
  unreadableWarnings: number;
  /** Runs checked in the next-run pass. */
  runsChecked: number;
}

/** The runs to repeat: variant numbers (see variantOf) with the seeds each ran. */
export type RunsToCheck = ReadonlyMap<number, ReadonlySet<number>>;

export async function verifyStore(profile: StoreProfile, runs: RunsToCheck): Promise<StoreReport> {
  const report: StoreReport = {
    records: 0,
    results: 0,
    recordsWithoutResult: 0,
    unreadableResults: 0,
    wrongResults: 0,
    wrongOutputs: 0,
    unreadableWarnings: 0,
    runsChecked: 0,
  };
  await hashingReady();
  const codec = new ResultCodec();
  const stores = await storesOf(profile);
  try {
    await stores.fingerprintStore.open?.();
    await stores.resultStore.open?.();
    const checked = new Map<string, boolean>();
    const check = async (key: string): Promise<boolean | undefined> => {
      if (checked.has(key)) return checked.get(key);
      // A store that checks its own checksum rejects a damaged entry with CorruptResultError.
      const bytes = await stores.resultStore.get(key).catch((error: unknown) => {
        if ((error as Error)?.name !== "CorruptResultError") throw error;
        return null;
      });
      if (bytes === undefined) return undefined;
      report.results++;
      let good = false;
      try {
        if (bytes === null) throw new Error("damaged");
        good = fingerprintValue(codec.decode(bytes)) === key;
        if (!good) report.wrongResults++;
      } catch {
        report.unreadableResults++;
      }
      checked.set(key, good);
      return good;
    };
    if (stores.resultStore.list) for await (const item of stores.resultStore.list()) await check(item.key);
    if (stores.fingerprintStore.entries) {
      for await (const entry of stores.fingerprintStore.entries()) {
        report.records++;
        if ((await check(entry.fingerprint)) === undefined) report.recordsWithoutResult++;
      }
    }
    // The next run: every (variant, seed) any writer started, cached, against an uncached run.
    const warnings: string[] = [];
    const logger = { warn: (message: string) => void warnings.push(message) };
    for (const [variantN, seeds] of runs) {
      const dr = await cachedDriver(variantOf(variantN), { ...stores, logger });
      const reference = await plainDriver(variantOf(variantN));
      for (const seed of seeds) {
        const got = await dr.execute([...OUTPUTS], { inputs: { seed } });
        const expected = await reference.execute([...OUTPUTS], { inputs: { seed } });
        report.runsChecked++;
        for (const output of OUTPUTS) if (!isDeepStrictEqual(got[output], expected[output])) report.wrongOutputs++;
      }
    }
    report.unreadableWarnings = warnings.filter((w) => /could not be read back|signature/.test(w)).length;
  } finally {
    await closeStores(stores);
  }
  return report;
}
