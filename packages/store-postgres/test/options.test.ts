// Option validation: schema and tablePrefix must be plain identifiers, checked before any connection.
import { ConfigurationError } from "@ham/core";
import { PostgresFingerprintRepository, PostgresResultStore } from "@ham/store-postgres";
import pg from "pg";
import { describe, expect, it } from "vitest";

const url = "postgres://ham@127.0.0.1:1/ham";

describe("Postgres store options", () => {
  const injections = [
    'ham"; DROP TABLE users; --',
    "public; DROP SCHEMA public CASCADE",
    "ham_'x'",
    "a.b",
    "with space",
    "Upper",
    "1starts_with_digit",
    "",
    "ham_\u0000",
  ];

  for (const bad of injections) {
    it(`rejects schema ${JSON.stringify(bad)} with a ConfigurationError naming the option`, () => {
      const make = () => new PostgresFingerprintRepository({ connectionString: url, schema: bad });
      expect(make).toThrow(ConfigurationError);
      expect(make).toThrow(/options\.schema/);
    });
    it(`rejects tablePrefix ${JSON.stringify(bad)} with a ConfigurationError naming the option`, () => {
      const make = () => new PostgresResultStore({ connectionString: url, tablePrefix: bad });
      expect(make).toThrow(ConfigurationError);
      expect(make).toThrow(/options\.tablePrefix/);
    });
  }

  it("rejects a prefix that would make table names longer than PostgreSQL's 63 bytes", () => {
    expect(() => new PostgresResultStore({ connectionString: url, tablePrefix: `${"p".repeat(50)}_` })).toThrow(
      /too long/,
    );
  });

  it("needs exactly one of connectionString and pool", () => {
    const pool = new pg.Pool({ connectionString: url });
    expect(() => new PostgresResultStore({} as never)).toThrow(/exactly one of options\.connectionString/);
    expect(() => new PostgresResultStore({ connectionString: url, pool } as never)).toThrow(/exactly one/);
    expect(() => new PostgresResultStore({ connectionString: "  " })).toThrow(/non-empty string/);
    expect(() => new PostgresResultStore({ pool: {} as pg.Pool })).toThrow(/must be a pg\.Pool/);
    void pool.end();
  });

  it("accepts defaults and plain identifiers without connecting", () => {
    const store = new PostgresResultStore({ connectionString: url, schema: "team_cache", tablePrefix: "ham2_" });
    expect(store.name).toBe("postgres");
  });
});
