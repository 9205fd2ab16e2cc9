// Runs @ham/conformance against the Postgres repository (own pools) and result store (a shared pool).
import { describeFingerprintRepository, describeResultStore } from "@ham/conformance";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { describePostgres } from "./env.js";
import { adminPool, dropTables, dumpTables } from "./helpers.js";

describePostgres("postgres stores pass @ham/conformance", (url) => {
  let admin: pg.Pool;
  beforeAll(() => {
    admin = adminPool(url);
  });
  afterAll(async () => {
    await admin.end();
  });
  const cleanup = async ({ namespace }: { namespace: string }) => dropTables(admin, `${namespace}_`);
  const snapshot = ({ namespace }: { namespace: string }) => dumpTables(admin, `${namespace}_`);

  // The repository makes its own pool from the connection string, as most users will.
  describeFingerprintRepository(
    "PostgresFingerprintRepository (connectionString)",
    ({ namespace }) => new PostgresFingerprintRepository({ connectionString: url, tablePrefix: `${namespace}_` }),
    { cleanup, snapshot },
  );

  // The result store borrows the test's pool, the other way to configure it.
  describeResultStore(
    "PostgresResultStore (shared pg.Pool)",
    ({ namespace }) => new PostgresResultStore({ pool: admin, tablePrefix: `${namespace}_` }),
    { cleanup, snapshot },
  );
});
