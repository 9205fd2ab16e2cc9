// Migrations, literal storage of hostile keys, and one round trip per batch, on the real server.
import { StoreError } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "./env.js";
import { adminPool, dropTables, uniquePrefix } from "./helpers.js";

const meta = { node: "F", codeVersion: "v1", createdAt: 1_700_000_000_000 };

/** Counts the statements sent through `pool.query` (instrumentation, not a mock: they still run). */
function countQueries(pool: pg.Pool): { readonly count: number; readonly texts: string[] } {
  const texts: string[] = [];
  const original = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    texts.push(typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string }).text));
    return original(...args);
  };
  return {
    get count() {
      return texts.length;
    },
    texts,
  };
}

describePostgres("Postgres tables and queries", (url) => {
  let admin: pg.Pool;
  const prefixes: Array<[string, string]> = [];
  beforeAll(() => {
    admin = adminPool(url);
  });
  afterAll(async () => {
    for (const [schema, prefix] of prefixes) await dropTables(admin, prefix, schema);
    await admin.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
    await admin.end();
  });
  const prefix = (label: string, schema = "public") => {
    const p = uniquePrefix(label);
    prefixes.push([schema, p]);
    return p;
  };
  const schemaName = `ham_test_${process.pid}`;

  it("open() creates the tables once and records schema version 1; reopening changes nothing", async () => {
    const tablePrefix = prefix("mig");
    for (let i = 0; i < 3; i++) {
      const repo = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
      await repo.open();
      await repo.open();
      await repo.set(`k${i}`, `f${i}`, meta);
      await repo.close();
    }
    const versions = await admin.query(`SELECT version FROM "${tablePrefix}schema_version"`);
    expect(versions.rows).toEqual([{ version: 1 }]);
    const tables = await admin.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE $1 ORDER BY 1",
      [`${tablePrefix}%`],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      ["fingerprints", "results", "runs", "schema_version"].map((s) => `${tablePrefix}${s}`),
    );
    const rows = await admin.query(`SELECT count(*)::int AS n FROM "${tablePrefix}fingerprints"`);
    expect(rows.rows[0].n).toBe(3);
  });

  it("opening tables already at the current version takes one statement after connecting (a migration takes more)", async () => {
    const tablePrefix = prefix("open1");
    const statements: string[] = [];
    const pool = adminPool(url);
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient>;
    // Instrumentation, not a mock: each statement still runs on the server. (pool.query connects
    // with a callback: passed through uncounted.)
    const counted = new WeakSet<pg.PoolClient>();
    (pool as unknown as { connect: (...args: unknown[]) => unknown }).connect = async (...args: unknown[]) => {
      if (args.length > 0) return connect(...args);
      const client = await connect();
      if (counted.has(client)) return client; // a pooled client handed out again
      counted.add(client);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        statements.push(String(args[0]));
        return query(...args);
      };
      return client;
    };
    try {
      const first = new PostgresFingerprintRepository({ pool, tablePrefix });
      await first.open();
      expect(statements.length).toBeGreaterThan(3); // the migration: lock, create, version…
      await first.close();
      statements.length = 0;
      const again = new PostgresResultStore({ pool, tablePrefix });
      await again.open();
      expect(statements).toHaveLength(1);
      await again.set("k", new Uint8Array([1, 2, 3]));
      expect([...((await again.get("k")) ?? [])]).toEqual([1, 2, 3]);
      await again.close();
    } finally {
      await pool.end();
    }
  });

  it("many instances opening at once in this process all succeed", async () => {
    const tablePrefix = prefix("conc");
    const stores = Array.from({ length: 8 }, (_, i) =>
      i % 2
        ? new PostgresResultStore({ connectionString: url, tablePrefix })
        : new PostgresFingerprintRepository({ connectionString: url, tablePrefix }),
    );
    await Promise.all(stores.map((s) => s.open()));
    await Promise.all(stores.map((s) => s.close()));
    const versions = await admin.query(`SELECT version FROM "${tablePrefix}schema_version"`);
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it("two processes opening the same new tables at the same moment both succeed", async () => {
    const tablePrefix = prefix("proc");
    const child = fileURLToPath(new URL("./fixtures/open-child.ts", import.meta.url));
    const runs = [0, 1].map(
      () =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const p = spawn(process.execPath, ["--conditions=@ham/source", "--import", "tsx", child, url, tablePrefix], {
            stdio: ["ignore", "pipe", "pipe"],
          });
          let out = "";
          p.stdout.on("data", (d) => (out += d));
          p.stderr.on("data", (d) => (out += d));
          p.on("close", (code) => resolve({ code, out }));
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r, r.out).toMatchObject({ code: 0 });
    const versions = await admin.query(`SELECT version FROM "${tablePrefix}schema_version"`);
    expect(versions.rows).toEqual([{ version: 1 }]);
    const rows = await admin.query(`SELECT count(*)::int AS n FROM "${tablePrefix}fingerprints"`);
    expect(rows.rows[0].n).toBe(2);
  });

  it("creates a missing schema and keeps its tables there", async () => {
    const tablePrefix = prefix("schema", schemaName);
    const store = new PostgresResultStore({ connectionString: url, schema: schemaName, tablePrefix });
    await store.set("k", new Uint8Array([1, 2, 3]));
    expect([...((await store.get("k")) ?? [])]).toEqual([1, 2, 3]);
    await store.close();
    const rows = await admin.query(`SELECT size FROM "${schemaName}"."${tablePrefix}results"`);
    expect(rows.rows).toEqual([{ size: "3" }]);
  });

  it("refuses tables migrated by a newer version, saying to upgrade", async () => {
    const tablePrefix = prefix("newer");
    const first = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    await first.open();
    await first.close();
    await admin.query(`INSERT INTO "${tablePrefix}schema_version" (version) VALUES (99)`);
    const second = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    const error = await second.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(String((error as Error).message)).toMatch(/schema version 99.*upgrade @ham\/store-postgres/);
  });

  it("stores SQL-looking context keys, fingerprints, run ids and result keys literally", async () => {
    const tablePrefix = prefix("inj");
    const repo = new PostgresFingerprintRepository({ connectionString: url, tablePrefix });
    const store = new PostgresResultStore({ connectionString: url, tablePrefix });
    const hostile = [
      `'; DROP TABLE "${tablePrefix}fingerprints"; --`,
      "x' OR '1'='1",
      '"quoted"',
      "back\\slash",
      "$1",
      "%_wildcards_%",
    ];
    for (const key of hostile) {
      await repo.set(key, `fp:${key}`, { ...meta, node: key });
      await store.set(key, new TextEncoder().encode(key));
    }
    await repo.saveRun({ runId: hostile[0]!, startedAt: 1, durationMs: 2, outputs: [hostile[1]!], nodes: [] });
    for (const key of hostile) {
      expect(await repo.get(key)).toBe(`fp:${key}`);
      expect((await repo.getEntry(key))?.node).toBe(key);
      expect(new TextDecoder().decode(await store.get(key))).toBe(key);
    }
    expect(await repo.getMany(hostile)).toEqual(hostile.map((k) => `fp:${k}`));
    expect(await repo.get("x")).toBeUndefined(); // the OR '1'='1' key matched nothing else
    expect((await repo.getRun(hostile[0]!))?.outputs).toEqual([hostile[1]]);
    const count = await admin.query(`SELECT count(*)::int AS n FROM "${tablePrefix}fingerprints"`);
    expect(count.rows[0].n).toBe(hostile.length);
    await repo.close();
    await store.close();
  });

  it("getMany of 500 keys and setMany of 500 entries are one statement each", async () => {
    const tablePrefix = prefix("batch");
    const pool = adminPool(url);
    const repo = new PostgresFingerprintRepository({ pool, tablePrefix });
    const store = new PostgresResultStore({ pool, tablePrefix });
    await repo.open();
    await store.open();
    const keys = Array.from({ length: 500 }, (_, i) => `ctx${i}`);
    const counter = countQueries(pool);

    await repo.setMany(keys.map((k, i) => ({ contextKey: k, fingerprint: `fp${i}`, ...meta })));
    expect(counter.count).toBe(1);
    const got = await repo.getMany([...keys, "missing"]);
    expect(counter.count).toBe(2);
    expect(got).toEqual([...keys.map((_, i) => `fp${i}`), undefined]);

    for (const k of keys.slice(0, 50)) await store.set(k, new TextEncoder().encode(k));
    const before = counter.count;
    const values = await store.getMany(["missing", ...keys.slice(0, 50)]);
    expect(counter.count - before).toBe(1);
    expect(values[0]).toBeUndefined();
    expect(values.slice(1).map((v) => new TextDecoder().decode(v))).toEqual(keys.slice(0, 50));

    await repo.close();
    await store.close();
    await pool.end();
  });

  it("a borrowed pool stays open after close(); an owned one is ended", async () => {
    const tablePrefix = prefix("pool");
    const pool = adminPool(url);
    const store = new PostgresResultStore({ pool, tablePrefix });
    await store.open();
    await store.close();
    const ok = await pool.query("SELECT 1 AS one");
    expect(ok.rows).toEqual([{ one: 1 }]);
    await pool.end();
  });
});
