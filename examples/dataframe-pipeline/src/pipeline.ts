// Runs the dataflow with caching twice (cold, then all hits), then again with `cleaned` in index mode.
import { Builder, type NodeRunRecord, cache } from "@ham/core";
import * as arrow from "apache-arrow";
import { FingerprinterRegistry, hashingReady } from "@ham/core/fingerprint";
import { dataframeCaching, dataframeFingerprinter } from "@ham/fingerprint-dataframe";
import * as dataflow from "./dataflow.js";

const OUTPUTS = ["revenue", "byRegion"];

export interface PipelineOptions {
  /** Cache folder. */
  path: string;
  /** Rows of the generated table. */
  rows: number;
  print?: (line: string) => void;
}

export interface PipelineReport {
  revenue: number;
  cold: Record<string, NodeRunRecord["outcome"]>;
  warm: Record<string, NodeRunRecord["outcome"]>;
  coldMs: number;
  warmMs: number;
  indexCold: Record<string, NodeRunRecord["outcome"]>;
  indexWarm: Record<string, NodeRunRecord["outcome"]>;
  indexRevenue: number;
  /** Time to fingerprint the `cleaned` table, by content and by its `id` index. */
  fingerprintContentMs: number;
  fingerprintIndexMs: number;
}

function outcomes(records: Record<string, NodeRunRecord>): Record<string, NodeRunRecord["outcome"]> {
  return Object.fromEntries(Object.entries(records).map(([name, record]) => [name, record.outcome]));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

export async function runPipeline({ path, rows, print = console.log }: PipelineOptions): Promise<PipelineReport> {
  const inputs = { rows };
  const logger = { warn: (m: string) => print(`  warning: ${m}`) };
  // The dataflow's own apache-arrow, shared with the cache: without it, a loader such as tsx makes
  // the package load a second copy (0.05–0.6 s in a new process, docs/dataframes.md).
  const libraries = { arrow };

  // 1. Content mode everywhere (the default): a cold run computes, a warm run is all hits.
  const dr = await new Builder()
    .withModules(dataflow)
    .withCache({ path: `${path}/content`, logger, ...dataframeCaching({ libraries }) })
    .build();
  const [first, coldMs] = await timed(() => dr.execute(OUTPUTS, { inputs }));
  const cold = outcomes(dr.cache.lastRun);
  print(`cold run (${rows} rows): ${coldMs.toFixed(0)} ms  ${JSON.stringify(cold)}`);
  const [, warmMs] = await timed(() => dr.execute(OUTPUTS, { inputs }));
  const warm = outcomes(dr.cache.lastRun);
  print(`warm run: ${warmMs.toFixed(0)} ms  ${JSON.stringify(warm)}`);
  print(`revenue: ${first.revenue as number}`);

  // 2. The same dataflow with `cleaned` fingerprinted by its `id` column only.
  const indexed = { ...dataflow, cleaned: cache({ fingerprint: "index" })(dataflow.cleaned) };
  const drIndex = await new Builder()
    .withModules(indexed)
    .withCache({ path: `${path}/index`, logger, ...dataframeCaching({ index: "id", libraries }) })
    .build();
  const indexFirst = await drIndex.execute(OUTPUTS, { inputs });
  const indexCold = outcomes(drIndex.cache.lastRun);
  await drIndex.execute(OUTPUTS, { inputs });
  const indexWarm = outcomes(drIndex.cache.lastRun);
  print(`index mode on "cleaned": cold ${JSON.stringify(indexCold)}, warm ${JSON.stringify(indexWarm)}`);

  // 3. What index mode saves: fingerprinting `cleaned` by content vs by its id column.
  await hashingReady();
  const table = dataflow.cleaned(dataflow.sales(rows));
  const registry = new FingerprinterRegistry({ fingerprinters: [dataframeFingerprinter({ index: "id" })] });
  const measure = (mode: string) => {
    registry.fingerprint(table, { mode });
    const start = performance.now();
    for (let i = 0; i < 5; i++) registry.fingerprint(table, { mode });
    return (performance.now() - start) / 5;
  };
  const fingerprintContentMs = measure("content");
  const fingerprintIndexMs = measure("index");
  print(
    `fingerprint of "cleaned" (${table.numRows} rows): content ${fingerprintContentMs.toFixed(2)} ms, index ${fingerprintIndexMs.toFixed(2)} ms`,
  );

  return {
    revenue: first.revenue as number,
    cold,
    warm,
    coldMs,
    warmMs,
    indexCold,
    indexWarm,
    indexRevenue: indexFirst.revenue as number,
    fingerprintContentMs,
    fingerprintIndexMs,
  };
}
