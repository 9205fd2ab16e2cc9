// Writers killed with SIGKILL at random moments, hundreds of times per store: afterwards every
// entry is absent or complete and correct, and the next run returns correct results.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWorker } from "../src/children.js";
import { missing, PG_URL, RUN_TAG, SOAK } from "../src/env.js";
import type { StoreProfile } from "../src/stores.js";
import { verifyStore } from "../src/verify.js";

const KILLS = Number(process.env.HAM_CRASH_KILLS ?? (SOAK ? 1000 : 200));
// A bound on wall time per store, so a loaded CI machine cannot run away with the suite: the loop
// stops early (and says so) after this many seconds. The soak has no bound.
const BUDGET_SECONDS = Number(process.env.HAM_CRASH_SECONDS ?? (SOAK ? Infinity : 60));
const MIN_KILLS = Math.min(KILLS, 50);
const LANES = 2; // writers alive at once (two cores)
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-crash-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface CrashFigures {
  kills: number;
  killedWhileRunning: number;
  seedsStarted: number;
}

/** Kills `kills` writers across LANES lanes; returns the (variant, seeds) each one started. */
async function killLoop(profileOfLane: (lane: number) => StoreProfile, kills: number, maxDelayMs: number) {
  const runs = new Map<number, Map<number, Set<number>>>(); // lane → variant → seeds
  const figures: CrashFigures = { kills: 0, killedWhileRunning: 0, seedsStarted: 0 };
  const deadline = performance.now() + BUDGET_SECONDS * 1000;
  let next = 0;
  let random = 12345;
  const rand = (n: number) => ((random = (Math.imul(random, 1103515245) + 12345) >>> 0) >>> 8) % n;
  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      const laneRuns = new Map<number, Set<number>>();
      runs.set(lane, laneRuns);
      while (next < kills && performance.now() < deadline) {
        next++;
        const variantN = rand(6);
        const firstSeed = rand(30); // seeds overlap between writers: the same keys are written again and again
        const child = await startWorker([
          "crash",
          JSON.stringify(profileOfLane(lane)),
          String(variantN),
          String(firstSeed),
        ]);
        await child.waitFor("ready");
        await new Promise((resolve) => setTimeout(resolve, rand(maxDelayMs)));
        child.process.kill("SIGKILL");
        const exit = await child.exited;
        expect(exit.signal, exit.stderr).toBe("SIGKILL");
        figures.kills++;
        const seeds = child.lines.filter((l) => l !== "ready").map(Number);
        if (seeds.length > 0) figures.killedWhileRunning++;
        figures.seedsStarted += seeds.length;
        const set = laneRuns.get(variantN) ?? new Set<number>();
        for (const seed of seeds) set.add(seed);
        laneRuns.set(variantN, set);
      }
    }),
  );
  return { runs, figures };
}

// A kill lands at a random moment up to maxDelayMs after the writer is ready (a run of the
// dataflow takes a few ms on local stores, more over a network connection).
const cases: {
  name: string;
  skip: string | undefined;
  profile: (lane: number) => StoreProfile;
  shared: boolean;
  maxDelayMs: number;
}[] = [
  {
    name: "file",
    skip: undefined,
    profile: () => ({ kind: "file", path: path.join(root, "file") }),
    shared: true,
    maxDelayMs: 40,
  },
  // LevelDB allows one process per database: each lane has its own.
  {
    name: "level",
    skip: undefined,
    profile: (lane) => ({ kind: "level", path: path.join(root, `level-${lane}`) }),
    shared: false,
    maxDelayMs: 40,
  },
  {
    name: "postgres",
    skip: missing("postgres"),
    profile: () => ({ kind: "postgres", url: PG_URL ?? "", tablePrefix: `ham_crash_${RUN_TAG}_` }),
    shared: true,
    maxDelayMs: 250,
  },
];

describe("writers killed with SIGKILL", () => {
  for (const c of cases) {
    it.skipIf(c.skip !== undefined)(
      `${c.name} store: ${KILLS} kills leave every entry absent or complete and correct, and the next run is correct`,
      async () => {
        const started = performance.now();
        const { runs, figures } = await killLoop(c.profile, KILLS, c.maxDelayMs);
        const lanes = c.shared ? [0] : [...runs.keys()];
        const totals = {
          records: 0,
          results: 0,
          recordsWithoutResult: 0,
          unreadableResults: 0,
          wrongResults: 0,
          wrongOutputs: 0,
          unreadableWarnings: 0,
          runsChecked: 0,
        };
        for (const lane of lanes) {
          // A shared store is checked once with every lane's runs.
          const toCheck = new Map<number, Set<number>>();
          for (const [l, laneRuns] of runs) {
            if (!c.shared && l !== lane) continue;
            for (const [variantN, seeds] of laneRuns)
              toCheck.set(variantN, new Set([...(toCheck.get(variantN) ?? []), ...seeds]));
          }
          const report = await verifyStore(c.profile(lane), toCheck);
          for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += report[key];
        }
        console.info(
          `[reliability] crash ${c.name}: ${JSON.stringify({ ...figures, ...totals, seconds: Math.round((performance.now() - started) / 1000) })}`,
        );
        if (figures.kills < KILLS)
          console.warn(
            `[reliability] crash ${c.name}: stopped after ${figures.kills} kills (time budget ${BUDGET_SECONDS} s)`,
          );
        expect(figures.kills).toBeGreaterThanOrEqual(MIN_KILLS);
        // Most kills land while the writer runs the dataflow (seeds started), not before.
        expect(figures.killedWhileRunning).toBeGreaterThan(figures.kills / 2);
        expect(totals.results).toBeGreaterThan(0);
        expect(totals.records).toBeGreaterThan(0);
        expect(totals.runsChecked).toBeGreaterThan(0);
        expect({
          unreadableResults: totals.unreadableResults,
          wrongResults: totals.wrongResults,
          recordsWithoutResult: totals.recordsWithoutResult,
          wrongOutputs: totals.wrongOutputs,
          unreadableWarnings: totals.unreadableWarnings,
        }).toEqual({
          unreadableResults: 0,
          wrongResults: 0,
          recordsWithoutResult: 0,
          wrongOutputs: 0,
          unreadableWarnings: 0,
        });
      },
    );
  }
});
