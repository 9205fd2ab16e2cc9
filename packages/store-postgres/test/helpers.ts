// Test helpers: an admin pool on the test server and unique table prefixes per test.
import pg from "pg";

let counter = 0;
const runTag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A table prefix no other test (or test process) uses. */
export function uniquePrefix(label: string): string {
  counter += 1;
  return `t_${label}_${runTag}_${counter}_`;
}

/** A pool for the test's own checks (counting rows, dropping tables). */
export function adminPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  return pool;
}

/** Drops every table ham made under `prefix` in `schema`. */
export async function dropTables(pool: pg.Pool, prefix: string, schema = "public"): Promise<void> {
  for (const suffix of ["fingerprints", "runs", "results", "schema_version"]) {
    await pool.query(`DROP TABLE IF EXISTS "${schema}"."${prefix}${suffix}"`);
  }
}

/** Every row of every table under `schema` whose name starts with `prefix`, as JSON text: changes if anything writes. */
export async function dumpTables(pool: pg.Pool, prefix: string, schema = "public"): Promise<string> {
  const { rows: tables } = await pool.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND starts_with(table_name, $2) ORDER BY table_name",
    [schema, prefix],
  );
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const { rows } = await pool.query(`SELECT * FROM "${schema}"."${table_name}" ORDER BY 1`);
    out[table_name] = rows.map((row) => JSON.stringify(row));
  }
  return JSON.stringify(out);
}
