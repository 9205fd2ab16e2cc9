// Four processes run random code variants and inputs against one cache at once; each checks every
// output against an uncached run. Short in CI; `pnpm test:soak` runs 4 × 200.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startWorker } from "../src/children.js";
import { missing, PG_URL, RUN_TAG, S3_ENDPOINT, SOAK } from "../src/env.js";
import type { StoreProfile } from "../src/stores.js";

const PROCESSES = 4;
const RUNS = Number(process.env.HAM_SOAK_RUNS ?? (SOAK ? 200 : 25));
const SEEDS = 12; // few seeds and six code variants: processes constantly meet the same keys
const root = fs.mkdtempSync(path.join(os.tmpdir(), "ham-soak-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

interface Counts {
  process: number;
  runs: number;
  outputs: number;
  wrong: number;
  unreadable: number;
  hits: number;
  computed: number;
  recomputed: number;
  failedRuns: number;
  errors: string[];
}

async function soak(profile: StoreProfile, signingKey?: string): Promise<Counts[]> {
  const children = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) =>
      startWorker([
        "soak",
        JSON.stringify(profile),
        String(i),
        String(RUNS),
        String(SEEDS),
        ...(signingKey ? [signingKey] : []),
      ]),
    ),
  );
  const exits = await Promise.all(children.map((c) => c.exited));
  return children.map((child, i) => {
    const exit = exits[i]!;
    expect(exit.code, exit.stderr).toBe(0);
    return JSON.parse(child.lines.at(-1) ?? "{}") as Counts;
  });
}

function summarize(name: string, counts: Counts[], seconds: number) {
  const sum = (key: keyof Counts) => counts.reduce((s, c) => s + (c[key] as number), 0);
  const total = {
    runs: sum("runs"),
    outputs: sum("outputs"),
    wrong: sum("wrong"),
    unreadable: sum("unreadable"),
    failedRuns: sum("failedRuns"),
    hits: sum("hits"),
    computed: sum("computed"),
    recomputed: sum("recomputed"),
  };
  console.info(
    `[reliability] soak ${name}: ${PROCESSES} processes × ${RUNS} runs: ${JSON.stringify({ ...total, seconds })}`,
  );
  expect(counts.flatMap((c) => c.errors)).toEqual([]);
  expect(total.runs).toBe(PROCESSES * RUNS);
  expect({ wrong: total.wrong, unreadable: total.unreadable, failedRuns: total.failedRuns }).toEqual({
    wrong: 0,
    unreadable: 0,
    failedRuns: 0,
  });
  // The processes did share work: some nodes hit entries others (or earlier runs) stored.
  expect(total.hits).toBeGreaterThan(0);
}

const pgReason = missing("postgres");
const s3Reason = S3_ENDPOINT ? undefined : missing("s3");

describe(`${PROCESSES} processes sharing one cache`, () => {
  it(`file store: ${PROCESSES} × ${RUNS} runs, every output equal to an uncached run`, async () => {
    const started = performance.now();
    const counts = await soak({ kind: "file", path: path.join(root, "file") });
    summarize("file", counts, Math.round((performance.now() - started) / 1000));
  });

  it.skipIf(pgReason !== undefined || s3Reason !== undefined)(
    `Postgres records + S3 results, signed: ${PROCESSES} × ${RUNS} runs, every output equal to an uncached run`,
    async () => {
      const started = performance.now();
      const profile: StoreProfile = {
        kind: "postgres-s3",
        url: PG_URL ?? "",
        tablePrefix: `ham_soak_${RUN_TAG}_`,
        endpoint: S3_ENDPOINT ?? "",
        bucket: `ham-soak-${RUN_TAG}`,
        prefix: "soak/",
      };
      const counts = await soak(profile, "soak-signing-key-0123456789abcdef");
      summarize("postgres+s3 (signed)", counts, Math.round((performance.now() - started) / 1000));
    },
  );
});
