// Shared by the code-identity tests: dataflow modules written as real files in fresh temp folders,
// cached drivers over memory stores, and loggers that record what they are told.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll } from "vitest";
import type { Logger } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../stores/index.js";

export const root = mkdtempSync(join(tmpdir(), "ham-identity-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** Writes `files` into a fresh folder (so relative imports load fresh too) and imports `entry` from it. */
export async function moduleFrom(
  files: Record<string, string>,
  entry = "dataflow.mjs",
): Promise<{ module: Record<string, unknown>; dir: string }> {
  const dir = join(root, `v${++folders}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const module = (await import(/* @vite-ignore */ `${pathToFileURL(join(dir, entry)).href}?v=${folders}`)) as Record<
    string,
    unknown
  >;
  return { module, dir };
}

export function recordingLogger() {
  const warnings: string[] = [];
  const debug: string[] = [];
  const logger: Logger = { warn: (m: string) => void warnings.push(m), debug: (m: string) => void debug.push(m) };
  return { logger, warnings, debug };
}

export function memoryCache(logger?: Logger) {
  return {
    fingerprintStore: new MemoryFingerprintRepository(),
    resultStore: new MemoryResultStore(),
    ...(logger ? { logger, logLevel: "debug" as const } : {}),
  };
}

export type Stores = ReturnType<typeof memoryCache>;
export const outcomes = (lastRun: Record<string, { outcome: string }>) =>
  Object.fromEntries(Object.entries(lastRun).map(([name, record]) => [name, record.outcome]));

/** Builds a cached driver over `module` and runs `outputs` (with `inputs`). */
export async function run(stores: Stores, module: object, outputs: string[], inputs: Record<string, unknown> = {}) {
  const dr = await new Builder().withModules(module).withCache(stores).build();
  const result = await dr.execute(outputs as never[], { inputs } as never);
  return { dr, result: result as Record<string, unknown>, outcomes: outcomes(dr.cache.lastRun) };
}
