// Starts a PostgreSQL cluster of the test's own (via scripts/services/postgres.sh) so it can be stopped mid-test.
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const SCRIPT = fileURLToPath(new URL("../../../scripts/services/postgres.sh", import.meta.url));

export interface ThrowawayCluster {
  /** Connection string, with a password the server ignores (trust auth) so tests can look for leaks. */
  readonly url: string;
  readonly password: string;
  /** Stops the server (synchronously: usable inside a node function) and removes its data. */
  stop(): void;
}

export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const dir = mkdtempSync(join(tmpdir(), "ham-pg-fault-"));
  const env: NodeJS.ProcessEnv = { ...process.env, HAM_SERVICES_DIR: dir };
  delete env.HAM_SERVICES_LOCKED;
  await promisify(execFile)("bash", [SCRIPT, "start"], { env });
  const line = readFileSync(join(dir, "postgres.env"), "utf8");
  const plain = /HAM_PG_URL=(\S+)/.exec(line)?.[1];
  if (!plain) throw new Error(`no HAM_PG_URL in ${line}`);
  const password = "s3cret-Pa55word";
  let stopped = false;
  return {
    url: plain.replace("postgres://postgres@", `postgres://postgres:${password}@`),
    password,
    stop() {
      if (stopped) return;
      stopped = true;
      execFileSync("bash", [SCRIPT, "stop"], { env, stdio: ["ignore", "ignore", "pipe"] });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
