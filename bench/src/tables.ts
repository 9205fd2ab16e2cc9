// Plain-text tables of ham's results, laid out like bench_hamilton.py's output so they read side by side.
import type { DataRow } from "./data-size.js";
import type { FingerprintRow } from "./fingerprint.js";
import type { GraphRow } from "./graphs.js";
import type { ImportRow } from "./import-time.js";
import type { MemoryRow } from "./memory.js";
import type { ProfileResult } from "./profile.js";
import type { StoreRow } from "./stores.js";

const ms = (s: number | undefined, width = 9) => (s === undefined ? "-" : (s * 1e3).toFixed(2)).padStart(width);
const num = (v: number | undefined, width = 8, digits = 1) =>
  (v === undefined ? "-" : v.toFixed(digits)).padStart(width);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Header line, then one line per row, then the column notes. */
export function formatGraphs(rows: readonly GraphRow[]): string[] {
  const header =
    `${"shape".padEnd(6)} ${"N".padStart(5)} | ${"build".padStart(8)} ${"build+c".padStart(8)} | ${"plain".padStart(9)} ${"cold".padStart(9)} ` +
    `${"warm_new".padStart(9)} ${"wnew+bld".padStart(9)} ${"warm_re".padStart(9)} | ${"plain/N".padStart(8)} ${"cold/N".padStart(8)} ` +
    `${"wnew/N".padStart(8)} ${"wre/N".padStart(8)} ${"ovh_new".padStart(8)} ${"ovh_re".padStart(8)} | ${"trips".padStart(5)} ${"depth".padStart(5)}`;
  const lines = rows.map(
    (r) =>
      `${r.shape.padEnd(6)} ${String(r.N).padStart(5)} | ${ms(r.build_plain, 8)} ${ms(r.build_cache, 8)} | ${ms(r.plain)} ${ms(r.cold)} ` +
      `${ms(r.warm_new)} ${ms(r.warm_new_total)} ${ms(r.warm_reuse)} | ${num(r.us_per_node_plain)} ${num(r.us_per_node_cold)} ` +
      `${num(r.us_per_node_warm_new)} ${num(r.us_per_node_warm_reuse)} ${num(r.overhead_us_per_node_warm_new)} ${num(r.overhead_us_per_node_warm_reuse)} | ` +
      `${String(r.warm_round_trips).padStart(5)} ${String(r.depth).padStart(5)}`,
  );
  return [
    header,
    ...lines,
    "  columns: build=Builder.build() w/o cache; build+c=withCache build; plain=per execute of a ~50 ms loop; warm_new=warm execute on a new driver;\n" +
      "  wnew+bld=new driver build+warm execute; warm_re=warm execute reusing driver; ovh=(warm-plain)/N in µs;\n" +
      "  trips=repository round trips of a warm run (new driver); depth=longest path; cache dir: file stores",
  ];
}

export function formatData(rows: readonly DataRow[]): string[] {
  return [
    `${"rows".padStart(8)} | ${"plain".padStart(9)} ${"cold".padStart(9)} ${"warm_new".padStart(9)} ${"warm_re".padStart(9)} | ${"get(frame)".padStart(10)} ${"frame_MB".padStart(8)} ${"reads".padStart(5)} ${"loaded?".padStart(7)}`,
    ...rows.map(
      (r) =>
        `${String(r.rows).padStart(8)} | ${ms(r.plain)} ${ms(r.cold)} ${ms(r.warm_new)} ${ms(r.warm_reuse)} | ${ms(r.frame_result_store_get, 10)} ` +
        `${(r.frame_file_bytes / 1e6).toFixed(2).padStart(8)} ${String(r.warm_result_reads).padStart(5)} ${String(r.frame_result_loaded_on_hit).padStart(7)}`,
    ),
    "  get(frame)=dr.cache.getResult of the stored frame (read+decode); reads=results read on a warm run; loaded?=frame read on a warm run",
  ];
}

export function formatImport(row: ImportRow, reps: number): string[] {
  return [
    `\n=== Import / build (fresh node process on ${row.entry === "dist" ? "packages/core/dist" : "packages/core/src via tsx"}, median of ${reps}) ===`,
    `  import @ham/core: ${ms(row.import_s, 0)} ms   import the 1000-node module: ${ms(row.load_module_s, 0)} ms`,
    `  build a 1000-node chain driver: ${ms(row.build_1000_s, 0)} ms   import + build: ${ms(row.import_plus_build_s, 0)} ms`,
  ];
}

export function formatFingerprint(rows: readonly FingerprintRow[], reps: number): string[] {
  return [
    `\n=== Fingerprinting (default fingerprinter; Buffer.copy of the same byte count, same run; median of ${reps}) ===`,
    `${"value".padEnd(34)} ${"MB".padStart(8)} | ${"fp ms".padStart(8)} ${"fp MB/s".padStart(8)} | ${"copy ms".padStart(8)} ${"copy MB/s".padStart(9)} | ${"of copy".padStart(7)}`,
    ...rows.map(
      (r) =>
        `${r.value.padEnd(34)} ${(r.bytes / 1e6).toFixed(2).padStart(8)} | ${ms(r.fingerprint_s, 8)} ${num(r.fingerprint_mb_s, 8, 0)} | ${ms(r.copy_s, 8)} ${num(r.copy_mb_s, 9, 0)} | ${pct(r.share_of_copy).padStart(7)}`,
    ),
    "  MB of objects and strings = their JSON text length",
  ];
}

export function formatStores(rows: readonly StoreRow[], reps: number): string[] {
  return [
    `\n=== Stores: warm runs (ms; per node µs; median of ${reps}) ===`,
    `${"store".padEnd(32)} ${"shape".padEnd(6)} ${"N".padStart(4)} | ${"cold".padStart(9)} ${"warm_new".padStart(9)} ${"warm_re".padStart(9)} | ${"wnew/N".padStart(8)} ${"wre/N".padStart(8)} | ${"trips".padStart(5)} ${"depth".padStart(5)} ${"reads".padStart(5)}`,
    ...rows.map((r) =>
      r.skipped !== undefined
        ? `${r.store.padEnd(32)} ${r.shape.padEnd(6)} ${String(r.N).padStart(4)} | skipped: ${r.skipped}`
        : `${r.store.padEnd(32)} ${r.shape.padEnd(6)} ${String(r.N).padStart(4)} | ${ms(r.cold)} ${ms(r.warm_new)} ${ms(r.warm_reuse)} | ` +
          `${num(r.us_per_node_warm_new)} ${num(r.us_per_node_warm_reuse)} | ${String(r.warm_round_trips).padStart(5)} ${String(r.depth).padStart(5)} ${String(r.warm_result_reads).padStart(5)}`,
    ),
    "  trips=fingerprint repository round trips on a warm run with a new driver; reads=results loaded",
  ];
}

export function formatProfile(profile: ProfileResult): string[] {
  return [
    `\n=== CPU profile: ${profile.runs} ${profile.mode} ${profile.shape} N=${profile.n} runs (${profile.profiledMs.toFixed(1)} ms profiled) → ${profile.file} ===`,
    `${"self".padStart(6)} ${"total".padStart(6)}  function (file:function:line)`,
    ...profile.hotSpots.map((h) => `${pct(h.self).padStart(6)} ${pct(h.total).padStart(6)}  ${h.where}`),
    "  self time by file:",
    ...profile.byFile.slice(0, 12).map((f) => `${pct(f.self).padStart(6)}  ${f.file}`),
  ];
}

export function formatMemory(rows: readonly MemoryRow[]): string[] {
  return [
    `${"measure".padEnd(54)} ${"nodes".padStart(6)} ${"runs".padStart(5)} | ${"MB".padStart(8)} ${"goal".padStart(6)}`,
    ...rows.map(
      (r) =>
        `${r.measure.padEnd(54)} ${String(r.nodes).padStart(6)} ${String(r.runs).padStart(5)} | ${num(r.mb, 8, 2)} ${r.goal_mb === undefined ? "     -" : `≤ ${r.goal_mb}`.padStart(6)}`,
    ),
    "  heap growth = heapUsed after the runs minus before them, each after a full collection",
  ];
}
