// `pnpm start`: two processes share one team cache (Postgres records, S3 results); prints what each computed or read back.
import { NODES } from "./protocol.js";
import { missingServiceVariables, newRunSettings, startServices } from "./settings.js";
import { runTeamCache } from "./team-cache.js";

// The AWS SDK warns on Node 20 that its 2027 releases will need Node 22: about future upgrades, not this run.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

if (missingServiceVariables().length > 0) {
  console.log(
    "HAM_PG_URL / HAM_S3_ENDPOINT are not set: starting the repository's PostgreSQL and S3 servers (bash scripts/services/up.sh)…",
  );
  try {
    startServices();
  } catch (error) {
    console.error(
      `could not start the services (${(error as Error).message}).\nStart them yourself from the repository root and run again:\n  bash scripts/services/up.sh && source .services/env && pnpm --filter @ham/example-team-cache start`,
    );
    process.exit(1);
  }
}

const { first, second } = await runTeamCache({ settings: newRunSettings(), keep: process.argv.includes("--keep") });

const same = NODES.filter((n) => first.digests[n] === second.digests[n]);
const count = (outcomes: Record<string, string>, outcome: string): number =>
  Object.values(outcomes).filter((o) => o === outcome).length;
console.log(`
report (bob's copy, read from the cache):
${second.report.replace(/^/gm, "  ")}

                        alice          bob
  computed nodes   ${String(count(first.outcomes, "computed")).padStart(10)} ${String(count(second.outcomes, "computed")).padStart(12)}
  cache hits       ${String(count(first.outcomes, "hit")).padStart(10)} ${String(count(second.outcomes, "hit")).padStart(12)}
  results written  ${String(first.resultWrites).padStart(10)} ${String(second.resultWrites).padStart(12)}
  results read     ${String(first.resultReads).padStart(10)} ${String(second.resultReads).padStart(12)}
  Postgres lookups ${String(first.repositoryRoundTrips).padStart(10)} ${String(second.repositoryRoundTrips).padStart(12)}
  wall time (ms)   ${first.wallMs.toFixed(0).padStart(10)} ${second.wallMs.toFixed(0).padStart(12)}
  local files      ${String(first.cwdFiles.length).padStart(10)} ${String(second.cwdFiles.length).padStart(12)}

outputs equal in both processes: ${same.length}/${NODES.length} nodes`);
if (same.length !== NODES.length || count(second.outcomes, "hit") !== NODES.length) process.exitCode = 1;
