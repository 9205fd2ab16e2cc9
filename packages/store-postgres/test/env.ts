// Reads the Postgres test server's settings; without them tests skip locally (with the reason) and fail in CI.
import { describe } from "vitest";

const REASON = "HAM_PG_URL not set: run `pnpm services:up && source .services/env`";

function readPgUrl(): string | undefined {
  const url = process.env.HAM_PG_URL;
  if (url) return url;
  if (process.env.CI) {
    throw new Error(
      `[store-postgres tests] ${REASON}. CI must run these tests against a real server, never skip them.`,
    );
  }
  console.warn(`[store-postgres tests] skipping Postgres tests: ${REASON}`);
  return undefined;
}

/** The test server's connection string, or undefined when tests are skipped. */
export const PG_URL = readPgUrl();

/** `describe` when a server is configured, else `describe.skip` with the reason in its title. */
export function describePostgres(name: string, body: (url: string) => void): void {
  if (PG_URL) describe(name, () => body(PG_URL));
  else describe.skip(`${name} (skipped: ${REASON})`, () => body(""));
}
