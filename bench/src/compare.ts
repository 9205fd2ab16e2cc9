// ham vs Hamilton: one table of matching rows with the ratio per row, and the issue's goals met or missed.
import type { HamiltonResults } from "./hamilton.js";
import type { BenchResults } from "./run-bench.js";
import { executorGoals } from "./executors.js";
import { latencyGoals } from "./latency.js";
import { storeGoals } from "./stores.js";

export interface ComparisonRow {
  measure: string;
  unit: string;
  ham: number | undefined;
  hamilton: number | undefined;
  /** ham / Hamilton (lower is better), when both exist. */
  ratio: number | undefined;
  /** Hamilton's figure in the anchor's results_baseline.txt (a quiet machine of this kind). */
  baseline: number | undefined;
  /** ham / baseline. */
  baselineRatio: number | undefined;
}

import type { GoalRow } from "./goal-row.js";

export type { GoalRow } from "./goal-row.js";

type Graph = Record<string, number | string>;

function hamiltonGraph(h: HamiltonResults | undefined, shape: string, n: number): Graph | undefined {
  return h?.graphs.find((g) => g.shape === shape && g.N === n);
}

function hamiltonData(h: HamiltonResults | undefined, rows: number): Record<string, number | boolean> | undefined {
  return h?.data.find((d) => d.rows === rows);
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b !== 0 ? a / b : undefined;

const GRAPH_MEASURES: [string, string][] = [
  ["us_per_node_plain", "plain run, per node"],
  ["us_per_node_cold", "cold cached run, per node"],
  ["us_per_node_warm_new", "warm run, new driver, per node"],
  ["us_per_node_warm_reuse", "warm run, reused driver, per node"],
];

/** Matching rows of ham, Hamilton in this session, and Hamilton's committed baseline. */
export function compare(
  ham: BenchResults,
  hamilton: HamiltonResults | undefined,
  baseline?: HamiltonResults,
): ComparisonRow[] {
  const session = compareWith(ham, hamilton);
  const quiet = compareWith(ham, baseline);
  return session.map((row, i) => {
    const b = quiet[i]?.hamilton;
    return { ...row, baseline: b, baselineRatio: ratio(row.ham, b) };
  });
}

function compareWith(ham: BenchResults, hamilton: HamiltonResults | undefined): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  const add = (measure: string, unit: string, a: number | undefined, b: number | undefined) =>
    rows.push({
      measure,
      unit,
      ham: a,
      hamilton: b,
      ratio: ratio(a, b),
      baseline: undefined,
      baselineRatio: undefined,
    });
  for (const g of ham.graphs) {
    const h = hamiltonGraph(hamilton, g.shape, g.N);
    for (const [key, label] of GRAPH_MEASURES) {
      add(`${g.shape} ${g.N}: ${label}`, "µs", g[key as keyof typeof g] as number, h?.[key] as number | undefined);
    }
    const wnewTotal = (g.warm_new_total * 1e6) / g.N;
    const hTotal = h ? ((h.warm_new_total as number) * 1e6) / g.N : undefined;
    add(`${g.shape} ${g.N}: new driver build + warm run, per node`, "µs", wnewTotal, hTotal);
    // Builder.build() with a cache (code versions included), on its own: issue 19's "build with cache" row.
    add(
      `${g.shape} ${g.N}: build with cache`,
      "ms",
      g.build_cache * 1e3,
      h ? (h.build_cache as number) * 1e3 : undefined,
    );
  }
  for (const d of ham.data) {
    const h = hamiltonData(hamilton, d.rows);
    add(
      `data ${d.rows} rows: warm run, new driver`,
      "ms",
      d.warm_new * 1e3,
      h ? (h.warm_new as number) * 1e3 : undefined,
    );
    add(
      `data ${d.rows} rows: warm run, reused driver`,
      "ms",
      d.warm_reuse * 1e3,
      h ? (h.warm_reuse as number) * 1e3 : undefined,
    );
  }
  const growth = dataGrowth(ham, hamilton);
  if (growth) {
    add("data: warm new, largest vs smallest frame", "×", growth.hamNew, growth.hamiltonNew);
    add("data: warm reused, largest vs smallest frame", "×", growth.hamReuse, growth.hamiltonReuse);
  }
  if (ham.import) {
    const hBuild = hamiltonGraph(hamilton, "chain", 1000)?.build_plain as number | undefined;
    const hImport = hamilton?.import_subprocess_s;
    add("import (fresh process)", "ms", ham.import.import_s * 1e3, hImport !== undefined ? hImport * 1e3 : undefined);
    add(
      "build a 1000-node driver",
      "ms",
      ham.import.build_1000_s * 1e3,
      hBuild !== undefined ? hBuild * 1e3 : undefined,
    );
    add(
      "import + build a 1000-node driver",
      "ms",
      ham.import.import_plus_build_s * 1e3,
      hImport !== undefined && hBuild !== undefined ? (hImport + hBuild) * 1e3 : undefined,
    );
  }
  return rows;
}

interface Growth {
  small: number;
  large: number;
  hamNew: number;
  hamReuse: number;
  hamiltonNew: number | undefined;
  hamiltonReuse: number | undefined;
}

function dataGrowth(ham: BenchResults, hamilton: HamiltonResults | undefined): Growth | undefined {
  if (ham.data.length < 2) return undefined;
  const sorted = [...ham.data].sort((a, b) => a.rows - b.rows);
  const small = sorted[0]!;
  const large = sorted.at(-1)!;
  const hs = hamiltonData(hamilton, small.rows);
  const hl = hamiltonData(hamilton, large.rows);
  return {
    small: small.rows,
    large: large.rows,
    hamNew: large.warm_new / small.warm_new,
    hamReuse: large.warm_reuse / small.warm_reuse,
    hamiltonNew: hs && hl ? (hl.warm_new as number) / (hs.warm_new as number) : undefined,
    hamiltonReuse: hs && hl ? (hl.warm_reuse as number) / (hs.warm_reuse as number) : undefined,
  };
}

/** "1/23" for 0.043. */
export function fraction(r: number | undefined): string {
  if (r === undefined) return "n/a";
  return r >= 1 ? `${r.toFixed(2)}×` : `1/${(1 / r).toFixed(r > 0.1 ? 1 : 0)}`;
}

type RatioKey = "ratio" | "baselineRatio";

/** Worst (largest) ratio among matching rows, with the row it came from. */
function worst(
  rows: ComparisonRow[],
  key: RatioKey,
  match: (r: ComparisonRow) => boolean,
): { ratio: number; measure: string } | undefined {
  let found: { ratio: number; measure: string } | undefined;
  for (const r of rows) {
    const value = r[key];
    if (!match(r) || value === undefined || Number.isNaN(value)) continue;
    if (!found || value > found.ratio) found = { ratio: value, measure: r.measure };
  }
  return found;
}

/** Met only when met against both Hamilton runs that exist (same session and the quiet baseline). */
function ratioGoal(
  rows: ComparisonRow[],
  measure: string,
  limit: number,
  match: (r: ComparisonRow) => boolean,
): GoalRow {
  const goal = `≤ 1/${1 / limit} of Hamilton's`;
  const parts: string[] = [];
  let met: boolean | undefined;
  for (const [key, label] of [
    ["ratio", "same session"],
    ["baselineRatio", "vs baseline file"],
  ] as const) {
    const w = worst(rows, key, match);
    if (!w) continue;
    const all = rows.filter((r) => match(r) && r[key] !== undefined);
    const over = all.filter((r) => (r[key] as number) > limit).length;
    parts.push(
      `${label}: worst ${fraction(w.ratio)} (${w.measure})${over ? `, ${over} of ${all.length} rows over` : `, all ${all.length} rows within`}`,
    );
    met = (met ?? true) && w.ratio <= limit;
  }
  return { measure, goal, reached: parts.length ? parts.join("; ") : "n/a (no Hamilton figures)", met };
}

/** Issue 23's budget: code versions at a later build of a loaded 100-node module (tests check the work, never the time). */
function buildBudget(rows: ComparisonRow[]): GoalRow {
  const measured = rows.filter((r) => r.measure.endsWith(" 100: build with cache") && r.ham !== undefined);
  const slowest = measured.reduce<ComparisonRow | undefined>(
    (worst, r) => (worst === undefined || (r.ham as number) > (worst.ham as number) ? r : worst),
    undefined,
  );
  if (!slowest)
    return { measure: "build with cache, 100 nodes, module loaded", goal: "≤ 5 ms", reached: "n/a", met: undefined };
  return {
    measure: "build with cache, 100 nodes, module loaded",
    goal: "≤ 5 ms",
    reached: `${(slowest.ham as number).toFixed(2)} ms (${slowest.measure})`,
    met: (slowest.ham as number) <= 5,
  };
}

export function goals(
  ham: BenchResults,
  hamilton: HamiltonResults | undefined,
  rows: ComparisonRow[],
  baseline?: HamiltonResults,
): GoalRow[] {
  const isNode = (r: ComparisonRow, label: string, sizes?: number[]) =>
    r.measure.endsWith(label) && (sizes === undefined || sizes.some((n) => r.measure.includes(` ${n}: `)));
  const out: GoalRow[] = [
    ratioGoal(
      rows,
      "warm cached run, per node, new driver and reused (N = 100, 1000)",
      1 / 20,
      (r) =>
        isNode(r, "warm run, new driver, per node", [100, 1000]) ||
        isNode(r, "warm run, reused driver, per node", [100, 1000]),
    ),
    ratioGoal(rows, "cold cached run, per node (every N both ran)", 1 / 10, (r) =>
      isNode(r, "cold cached run, per node"),
    ),
    ratioGoal(rows, "plain run, per node (every N both ran)", 1 / 5, (r) => isNode(r, "plain run, per node")),
    ratioGoal(rows, "build with cache, 100 nodes", 1 / 3, (r) => isNode(r, "build with cache", [100])),
    buildBudget(rows),
  ];
  const growth = dataGrowth(ham, hamilton);
  const quietGrowth = dataGrowth(ham, baseline);
  if (growth) {
    const w = Math.max(growth.hamNew, growth.hamReuse);
    const quiet =
      quietGrowth?.hamiltonNew !== undefined
        ? `; baseline file: new ${quietGrowth.hamiltonNew.toFixed(2)}, reused ${quietGrowth.hamiltonReuse?.toFixed(2) ?? "n/a"}`
        : "";
    out.push({
      measure: `warm run, ${growth.large.toExponential(0)}-row vs ${growth.small.toExponential(0)}-row intermediate`,
      goal: "ratio ≤ 1.2",
      reached: `new ${growth.hamNew.toFixed(2)}, reused ${growth.hamReuse.toFixed(2)} (Hamilton: new ${growth.hamiltonNew?.toFixed(2) ?? "n/a"}, reused ${growth.hamiltonReuse?.toFixed(2) ?? "n/a"}${quiet})`,
      met: w <= 1.2,
    });
  }
  out.push(
    ratioGoal(
      rows,
      "import + build a 1000-node driver",
      1 / 10,
      (r) => r.measure === "import + build a 1000-node driver",
    ),
  );
  const typed = ham.fingerprint.find((f) => f.value.startsWith("Float64Array"));
  if (typed) {
    out.push({
      measure: `default fingerprint of a ${typed.value.replace("Float64Array ", "")} typed array`,
      goal: "≥ 50% of Buffer.copy bandwidth",
      reached: `${(typed.share_of_copy * 100).toFixed(0)}% (${typed.fingerprint_mb_s.toFixed(0)} vs ${typed.copy_mb_s.toFixed(0)} MB/s)`,
      met: typed.share_of_copy >= 0.5,
    });
  }
  const measured = [
    ...ham.stores
      .filter((s) => s.skipped === undefined)
      .map((s) => ({ what: `${s.store} ${s.shape} ${s.N}`, trips: s.warm_round_trips ?? 0, depth: s.depth })),
    ...ham.graphs.map((g) => ({ what: `file ${g.shape} ${g.N}`, trips: g.warm_round_trips, depth: g.depth })),
  ];
  if (measured.length) {
    const over = measured.filter((m) => m.trips > m.depth);
    const remote = ham.stores.filter((s) => s.skipped === undefined && /postgres|s3/.test(s.store));
    out.push({
      measure: "metadata round trips on a warm run",
      goal: "≤ DAG depth, not node count",
      reached:
        (over.length
          ? `over depth: ${over.map((m) => `${m.what} (${m.trips} > ${m.depth})`).join(", ")}`
          : `all ${measured.length} runs within depth`) +
        (remote.length ? "" : "; remote stores not measured (see the stores table)"),
      met: over.length === 0,
    });
  }
  out.push(...latencyGoals(ham.latency ?? [])); // issue 20, from the latency section
  out.push(...storeGoals(ham.stores)); // issue 20, from the stores table
  out.push(...executorGoals(ham.executors)); // issue 20, from the executors section
  return out;
}
