import { defineProject, mergeConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// Crash and soak tests spawn child processes and use their own servers: one file at a time, so the
// two cores are not oversubscribed and the figures in docs/reliability.md stay comparable.
export default mergeConfig(
  sharedConfig,
  defineProject({ test: { name: "reliability", fileParallelism: false, testTimeout: 240_000 } }),
);
