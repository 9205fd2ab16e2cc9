// Speculative lookups against Postgres (repository and results): the same outcomes as level by level,
// after deletions, expiry and another process's writes, and a warm run in two round trips.
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { predictionCases } from "../../core/test/prediction-suite.js";
import { describePostgres } from "./env.js";
import { adminPool, dropTables, uniquePrefix } from "./helpers.js";

describePostgres("predicted vs level-by-level lookups on Postgres", (url) => {
  let admin: pg.Pool;
  const prefixes: string[] = [];
  beforeAll(() => {
    admin = adminPool(url);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await dropTables(admin, prefix);
    await admin.end();
  });
  predictionCases(() => {
    const tablePrefix = uniquePrefix("predict");
    prefixes.push(tablePrefix);
    return {
      fingerprintStore: new PostgresFingerprintRepository({ connectionString: url, tablePrefix }),
      resultStore: new PostgresResultStore({ connectionString: url, tablePrefix }),
    };
  });
});
