// Runs the two team members one after the other, each a separate process in its own temporary folder, and collects what they report.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { RESULT_MARKER, type WorkerResult } from "./protocol.js";
import { ensureBucket, removeRun, settingsToEnv, type TeamCacheSettings } from "./settings.js";

export interface TeamCacheOptions {
  settings: TeamCacheSettings;
  /** Where the workers' lines and the report go (default console.log). */
  print?: (line: string) => void;
  /** Keep this run's schema and objects afterwards (default: remove them). */
  keep?: boolean;
}

export interface TeamCacheRun {
  first: WorkerResult;
  second: WorkerResult;
}

const workerFile = fileURLToPath(new URL("./worker.ts", import.meta.url));
// The same as `tsx --conditions=@ham/source src/worker.ts`, but resolvable from any working directory.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export async function runTeamCache({
  settings,
  print = console.log,
  keep = false,
}: TeamCacheOptions): Promise<TeamCacheRun> {
  await ensureBucket(settings);
  const dirs = [mkdtempSync(join(tmpdir(), "ham-team-alice-")), mkdtempSync(join(tmpdir(), "ham-team-bob-"))] as const;
  try {
    print(`shared cache: Postgres schema "${settings.schema}", s3://${settings.bucket}/${settings.prefix}/`);
    print(`\nalice (in ${dirs[0]}): first to run, the cache is empty`);
    const first = await runWorker("alice", dirs[0], settings, print);
    print(`\nbob (in ${dirs[1]}): a different process and folder, same Postgres and bucket`);
    const second = await runWorker("bob", dirs[1], settings, print);
    return { first, second };
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (!keep) await removeRun(settings);
  }
}

function runWorker(
  name: string,
  cwd: string,
  settings: TeamCacheSettings,
  print: (line: string) => void,
): Promise<WorkerResult> {
  const child = spawn(process.execPath, ["--import", tsxLoader, "--conditions=@ham/source", workerFile, name], {
    cwd,
    // The SDK warns on Node 20 that its 2027 releases will need Node 22: about future upgrades, not this run.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...process.env, ...settingsToEnv(settings) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let result: WorkerResult | undefined;
  let stderr = "";
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith(RESULT_MARKER)) result = JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult;
      else print(line);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => {
      if (stderr.trim()) print(stderr.trimEnd());
      if (code === 0 && result) resolve(result);
      else
        reject(
          new Error(`worker ${name} exited with code ${code}${result ? "" : " without a result"}:\n${stderr.trim()}`),
        );
    });
  });
}
