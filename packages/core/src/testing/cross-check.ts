// Test support: runs a dataflow fresh (no cache), cold (an empty cache) and warm (the same cache again) and compares the outputs strictly.
import type { CacheOptions } from "../caching/options.js";
import type { NodeOutcome } from "../contracts.js";
import type { Builder } from "../driver/builder.js";
import type { ExecuteOptions } from "../driver/driver.js";
import { firstDifference } from "./observable.js";

/** What `crossCheck` saw. */
export interface CrossCheckReport {
  readonly fresh: Record<string, unknown>;
  readonly cold: Record<string, unknown>;
  readonly warm: Record<string, unknown>;
  /** Each node's outcome in the warm run (inputs and overrides left out). */
  readonly warmOutcomes: Record<string, NodeOutcome>;
  /** "cold: $.x: …" / "warm: $.x: …" for each run whose outputs differ observably from the fresh run's. */
  readonly differences: readonly string[];
}

/** Options of `crossCheck`. */
export interface CrossCheckOptions extends ExecuteOptions {
  /**
   * Outputs compared through a projection instead of as they are: for values whose own
   * nondeterminism two fresh runs already show (an Arrow table's dictionary ids come from a
   * process-wide counter), e.g. `{ G: (table) => ({ schema: …, rows: … }) }`.
   */
  compareAs?: Readonly<Record<string, (value: unknown) => unknown>>;
}

/**
 * `builder()` must return a new Builder with the dataflow's modules and config, without a cache.
 * The cold and warm runs add `withCache(cache)` — pass stores or a path of their own, so the cold
 * run starts empty and the warm one reads what it wrote.
 */
export async function crossCheck(
  // any: the dataflow's node types do not matter here, and Builder<N> is invariant in N
  builder: () => Builder<any>,
  cache: CacheOptions,
  outputs: readonly string[],
  options: CrossCheckOptions = {},
): Promise<CrossCheckReport> {
  const { compareAs = {}, ...executeOptions } = options;
  const fresh = await (await builder().build()).execute(outputs as string[], executeOptions);
  const cold = await (await builder().withCache(cache).build()).execute(outputs as string[], executeOptions);
  const warmDriver = await builder().withCache(cache).build();
  const warm = await warmDriver.execute(outputs as string[], executeOptions);
  const warmOutcomes: Record<string, NodeOutcome> = {};
  for (const [name, record] of Object.entries(warmDriver.cache.lastRun)) {
    if (record.outcome !== "input" && record.outcome !== "override") warmOutcomes[name] = record.outcome;
  }
  const differences: string[] = [];
  for (const [label, value] of [
    ["cold", cold],
    ["warm", warm],
  ] as const) {
    const difference = firstDifference(comparable(fresh, compareAs), comparable(value, compareAs));
    if (difference !== undefined) differences.push(`${label}: ${difference}`);
  }
  await warmDriver.close();
  return { fresh, cold, warm, warmOutcomes, differences };
}

/** The outputs with the projected ones replaced by their projections (key order kept). */
function comparable(
  outputs: Record<string, unknown>,
  compareAs: Readonly<Record<string, (value: unknown) => unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(outputs)) {
    const project = Object.hasOwn(compareAs, name) ? compareAs[name] : undefined;
    Object.defineProperty(out, name, {
      value: project ? project(value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * A projection for `compareAs` of an Arrow-like table (`schema.fields` and `toArray()`): field names
 * and types, and every row as a plain object. Leaves out what Arrow itself makes differ between two
 * equal tables (dictionary ids from a process-wide counter, lazily memoised internals).
 */
export function tableContents(value: unknown): unknown {
  const table = value as { schema: { fields: { name: string; type: unknown }[] }; toArray(): { toJSON(): unknown }[] };
  return {
    fields: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`),
    rows: table.toArray().map((row) => row.toJSON()),
  };
}
