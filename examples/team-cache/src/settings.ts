// Where the team cache lives (from the environment), the two stores made from it, and setup/cleanup helpers.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { ConfigurationError } from "@ham/core";
import { PostgresFingerprintRepository } from "@ham/store-postgres";
import { S3ResultStore } from "@ham/store-s3";
import pg from "pg";

/** The services every worker points at, plus this run's schema and prefix (so each run starts clean). */
export interface TeamCacheSettings {
  pgUrl: string;
  s3Endpoint: string;
  s3Region: string;
  bucket: string;
  /** Postgres schema of this run's tables. */
  schema: string;
  /** Folder in the bucket for this run's results. */
  prefix: string;
}

/** The variables `bash scripts/services/up.sh && source .services/env` sets. */
export const SERVICE_VARIABLES = [
  "HAM_PG_URL",
  "HAM_S3_ENDPOINT",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
] as const;
export const DEFAULT_BUCKET = "ham-team-cache-example";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

/** Names of the service variables that are not set. */
export function missingServiceVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return SERVICE_VARIABLES.filter((name) => !env[name]);
}

/**
 * Starts the repository's PostgreSQL and S3 servers (reusing running ones) and copies the settings of
 * `.services/env` into `process.env`: what `bash scripts/services/up.sh && source .services/env` does.
 */
export function startServices(): void {
  execFileSync("bash", [`${repo}scripts/services/up.sh`], { stdio: ["ignore", "ignore", "inherit"] });
  const file = `${repo}.services/env`;
  if (!existsSync(file)) throw new ConfigurationError(`scripts/services/up.sh did not write ${file}`);
  for (const match of readFileSync(file, "utf8").matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) {
    process.env[match[1] as string] = (match[2] as string).replace(/^'(.*)'$/, "$1");
  }
}

/** Settings for a fresh run: a new schema and prefix named after the run, in the shared database and bucket. */
export function newRunSettings(env: NodeJS.ProcessEnv = process.env): TeamCacheSettings {
  const missing = missingServiceVariables(env);
  if (missing.length > 0) {
    throw new ConfigurationError(
      `team-cache needs ${missing.join(", ")}: run \`bash scripts/services/up.sh && source .services/env\` from the repository root`,
    );
  }
  const run = `${Date.now().toString(36)}_${process.pid.toString(36)}`;
  return {
    pgUrl: env["HAM_PG_URL"] as string,
    s3Endpoint: env["HAM_S3_ENDPOINT"] as string,
    s3Region: env["HAM_S3_REGION"] ?? "us-east-1",
    bucket: env["TEAM_CACHE_BUCKET"] ?? DEFAULT_BUCKET,
    schema: `team_cache_${run}`,
    prefix: `team-cache/${run.replace("_", "-")}`,
  };
}

/** Passes settings to a worker process through its environment. */
export function settingsToEnv(settings: TeamCacheSettings): Record<string, string> {
  return { TEAM_CACHE_SETTINGS: JSON.stringify(settings) };
}

/** Reads the settings a worker was started with. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): TeamCacheSettings {
  const raw = env["TEAM_CACHE_SETTINGS"];
  if (!raw)
    throw new ConfigurationError("worker.ts is started by main.ts (pnpm start), which sets TEAM_CACHE_SETTINGS");
  return JSON.parse(raw) as TeamCacheSettings;
}

export function s3Client(settings: TeamCacheSettings): S3Client {
  return new S3Client({ endpoint: settings.s3Endpoint, region: settings.s3Region, forcePathStyle: true });
}

/** The team cache's two halves: records in Postgres, results in S3. */
export function teamStores(
  settings: TeamCacheSettings,
  pool?: pg.Pool,
): { fingerprintStore: PostgresFingerprintRepository; resultStore: S3ResultStore } {
  return {
    fingerprintStore: new PostgresFingerprintRepository(
      pool ? { pool, schema: settings.schema } : { connectionString: settings.pgUrl, schema: settings.schema },
    ),
    resultStore: new S3ResultStore({ bucket: settings.bucket, prefix: settings.prefix, client: s3Client(settings) }),
  };
}

/** Creates the bucket unless it exists (S3ResultStore never creates buckets, on purpose). */
export async function ensureBucket(settings: TeamCacheSettings): Promise<void> {
  const client = s3Client(settings);
  try {
    await client.send(new HeadBucketCommand({ Bucket: settings.bucket }));
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw error;
    // Another run may create it at the same moment: "already owned by you" is success.
    await client.send(new CreateBucketCommand({ Bucket: settings.bucket })).catch((e: unknown) => {
      if ((e as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw e;
    });
  } finally {
    client.destroy();
  }
}

/** Removes this run's schema and objects, so the shared database and bucket do not fill up with example runs. */
export async function removeRun(settings: TeamCacheSettings): Promise<void> {
  const pool = new pg.Pool({ connectionString: settings.pgUrl, max: 1 });
  try {
    // The schema name is ours (built in newRunSettings from letters, digits and "_").
    await pool.query(`DROP SCHEMA IF EXISTS "${settings.schema}" CASCADE`);
  } finally {
    await pool.end();
  }
  const client = s3Client(settings);
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: `${settings.prefix}/`, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0)
        await client.send(new DeleteObjectsCommand({ Bucket: settings.bucket, Delete: { Objects: keys } }));
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    client.destroy();
  }
}
