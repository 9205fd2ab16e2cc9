// A signed cache over Postgres refuses rows changed with SQL behind its back: an expired entry
// "renewed" with UPDATE … SET created_at, a row pointed at another result, a result's bytes
// replaced by another's. Each is a miss with a warning (recomputed), never a hit.
import { Builder, cache } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import type pg from "pg";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { describePostgres } from "./env.js";
import { adminPool, dropTables, uniquePrefix } from "./helpers.js";

const KEY = "postgres-signing-key-0123456789abcdef";
const DAY = 86_400_000;
const flow = {
  A: (x: number) => x + 1,
  B: cache({ maxAge: "7d" })((A: number) => A * 2),
};

describePostgres("signed caches over Postgres rows changed with SQL", (url) => {
  let admin: pg.Pool;
  const prefixes: string[] = [];
  beforeAll(() => void (admin = adminPool(url)));
  afterAll(async () => {
    for (const prefix of prefixes) await dropTables(admin, prefix);
    await admin.end();
  });
  afterEach(() => void vi.useRealTimers());

  function stores() {
    const tablePrefix = uniquePrefix("signed");
    prefixes.push(tablePrefix);
    const options = { connectionString: url, tablePrefix };
    return {
      tables: { fingerprints: `"public"."${tablePrefix}fingerprints"`, results: `"public"."${tablePrefix}results"` },
      run: async (x: number) => {
        const warnings: string[] = [];
        const dr = await new Builder()
          .withModules(flow)
          .withCache({
            fingerprintStore: new PostgresFingerprintRepository(options),
            resultStore: new PostgresResultStore(options),
            signingKey: KEY,
            logger: { warn: (m: string) => void warnings.push(m) },
          })
          .build();
        try {
          const out = await dr.execute(["B"], { inputs: { x } });
          return { out, warnings, records: { ...dr.cache.lastRun } };
        } finally {
          await dr.close();
        }
      },
    };
  }

  it("an expired entry renewed with UPDATE … SET created_at is still a miss, with a warning", async () => {
    const { tables, run } = stores();
    await run(1);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 8 * DAY);
    await admin.query(`UPDATE ${tables.fingerprints} SET created_at = $1 WHERE node = 'B'`, [Date.now()]);
    const warm = await run(1);
    expect(warm.out).toEqual({ B: 4 });
    expect(warm.records.B?.outcome).toBe("computed");
    expect(
      warm.warnings.some((w) => w.includes('store "postgres"') && w.includes("differs from what was signed")),
    ).toBe(true);
  });

  it("UPDATE … SET code_version or node is a miss for a node with maxAge", async () => {
    const { tables, run } = stores();
    await run(1);
    await admin.query(`UPDATE ${tables.fingerprints} SET code_version = 'forged' WHERE node = 'B'`);
    expect((await run(1)).records.B?.outcome).toBe("computed");
    await admin.query(`UPDATE ${tables.fingerprints} SET node = 'forged' WHERE node = 'B'`);
    expect((await run(1)).records.B?.outcome).toBe("computed");
  });

  it("a row pointed at another row's signed fingerprint is a miss", async () => {
    const { tables, run } = stores();
    const one = await run(1);
    const two = await run(2);
    await admin.query(
      `UPDATE ${tables.fingerprints} SET fingerprint = (SELECT fingerprint FROM ${tables.fingerprints} WHERE context_key = $1) WHERE context_key = $2`,
      [one.records.B?.contextKey, two.records.B?.contextKey],
    );
    const warm = await run(2);
    expect(warm.out).toEqual({ B: 6 });
    expect(warm.records.B?.outcome).toBe("computed");
    expect(warm.warnings.some((w) => w.includes("has a wrong signature"))).toBe(true);
  });

  it("a result row holding another result's signed bytes is recomputed", async () => {
    const { tables, run } = stores();
    const one = await run(1);
    const two = await run(2);
    await admin.query(
      `UPDATE ${tables.results} SET bytes = (SELECT bytes FROM ${tables.results} WHERE key = $1) WHERE key = $2`,
      [two.records.B?.fingerprint, one.records.B?.fingerprint],
    );
    const warm = await run(1);
    expect(warm.out).toEqual({ B: 4 });
    expect(warm.records.B?.outcome).toBe("recomputed");
    expect(warm.warnings.some((w) => w.includes("has a wrong signature"))).toBe(true);
  });
});
