// Settings of the shared test servers and of the soak mode. Without a server, its tests skip with
// the reason printed; in CI (CI=true) a missing server is an error, never a skip.
export const PG_URL = process.env.HAM_PG_URL || undefined;
export const S3_ENDPOINT = process.env.HAM_S3_ENDPOINT || undefined;
/** `pnpm test:soak` sets HAM_SOAK=1: the long versions (more kills, more runs). */
export const SOAK = process.env.HAM_SOAK === "1";

const SERVICES_HINT = "run `pnpm services:up && source .services/env`";

/** Why a service-backed test cannot run here, or undefined; throws in CI. */
export function missing(what: "postgres" | "s3"): string | undefined {
  const value = what === "postgres" ? PG_URL : S3_ENDPOINT;
  if (value) return undefined;
  const reason = `${what === "postgres" ? "HAM_PG_URL" : "HAM_S3_ENDPOINT"} not set: ${SERVICES_HINT}`;
  if (process.env.CI) throw new Error(`[reliability tests] ${reason}; CI must run these tests against a real server`);
  console.warn(`[reliability tests] skipping ${what} tests: ${reason}`);
  return reason;
}

/** A random lower-case suffix for table prefixes, buckets and folders of one test process. */
export const RUN_TAG = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
