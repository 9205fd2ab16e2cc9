// One team member's process: runs the dataflow against the shared Postgres + S3 cache and prints each node's outcome.
import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Builder, type NodeOutcome } from "@ham/core";
import { digestOf, INPUTS, NODES, type NodeName, RESULT_MARKER, type WorkerResult } from "./protocol.js";
import * as dataflow from "./dataflow.js";
import { settingsFromEnv, teamStores } from "./settings.js";

async function main(): Promise<void> {
  const name = process.argv[2] ?? "worker";
  const settings = settingsFromEnv();
  const started = performance.now();
  const dr = await new Builder().withModules(dataflow).withCache(teamStores(settings)).build();
  let result: WorkerResult;
  try {
    const out = await dr.execute<NodeName>([...NODES], { inputs: INPUTS });
    const wallMs = performance.now() - started;
    const runs = dr.cache.lastRun;
    result = {
      name,
      cwd: process.cwd(),
      cwdFiles: readdirSync(process.cwd()),
      outcomes: Object.fromEntries(NODES.map((n) => [n, runs[n]?.outcome ?? "missing"])) as Record<
        NodeName,
        NodeOutcome | "missing"
      >,
      durationsMs: Object.fromEntries(NODES.map((n) => [n, runs[n]?.durationMs ?? 0])) as Record<NodeName, number>,
      digests: Object.fromEntries(NODES.map((n) => [n, digestOf(out[n])])) as Record<NodeName, string>,
      report: out.report,
      wallMs,
      repositoryRoundTrips: dr.cache.stats.repositoryRoundTrips,
      resultReads: dr.cache.stats.resultReads,
      resultWrites: dr.cache.stats.resultWrites,
    };
  } finally {
    await dr.close();
  }
  for (const node of NODES) {
    console.log(
      `  ${node.padEnd(17)} ${result.outcomes[node].padEnd(9)} ${result.durationsMs[node].toFixed(1).padStart(8)} ms`,
    );
  }
  console.log(RESULT_MARKER + JSON.stringify(result));
}

await main();
