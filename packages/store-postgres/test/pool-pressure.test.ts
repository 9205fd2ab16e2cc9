// More nodes computing at once than the pool has connections must not deadlock: single-flight locks
// live on one dedicated session, so every pooled connection stays free for reads and writes.
import { Builder } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "./env.js";
import { adminPool, dropTables, uniquePrefix } from "./helpers.js";

describePostgres("pool pressure", (url) => {
  let admin: pg.Pool;
  const prefix = uniquePrefix("pressure");
  beforeAll(() => {
    admin = adminPool(url);
  });
  afterAll(async () => {
    await dropTables(admin, prefix);
    await admin.end();
  });

  it("a cold run of 30 parallel nodes on a pool of 2 connections completes, then hits", async () => {
    const wide: Record<string, (...args: never[]) => unknown> = { root: () => 1 };
    for (let i = 0; i < 30; i++)
      wide[`leaf${i}`] = new Function(
        "root",
        `return new Promise((r) => setTimeout(() => r(root + ${i}), 5));`,
      ) as never;
    const stores = () => ({
      fingerprintStore: new PostgresFingerprintRepository({
        connectionString: url,
        tablePrefix: prefix,
        poolConfig: { max: 2 },
      }),
      resultStore: new PostgresResultStore({ connectionString: url, tablePrefix: prefix, poolConfig: { max: 2 } }),
      logger: {},
    });
    const outputs = Object.keys(wide).filter((name) => name !== "root");
    const cold = await new Builder().withModules(wide).withCache(stores()).build();
    const first = await cold.execute<string>(outputs);
    await cold.close();
    expect(first.leaf29).toBe(30);
    expect(Object.values(cold.cache.lastRun).filter((r) => r.outcome === "computed")).toHaveLength(31);
    const warm = await new Builder().withModules(wide).withCache(stores()).build();
    expect(await warm.execute<string>(outputs)).toEqual(first);
    expect(Object.values(warm.cache.lastRun).every((r) => r.outcome === "hit")).toBe(true);
    await warm.close();
  }, 60_000);
});
