#!/usr/bin/env node
// ham-worker: runs node jobs from a BullMQ queue until stopped (see worker-cli.ts for the options).
import { runWorkerCli } from "./worker-cli.js";

runWorkerCli(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
