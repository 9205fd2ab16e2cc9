// Generates the benchmark dataflows as real ES modules on disk (the same shapes as bench_hamilton.py)
// and imports them, so every node is a function with its own source, as in real use.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export type Shape = "chain" | "wide";

export interface Dataflow {
  readonly shape: Shape;
  readonly n: number;
  readonly module: Record<string, unknown>;
  /** What execute() is asked for: the chain's last node; for wide, the sink and every middle node. */
  readonly outputs: string[];
  /** The first output's value. */
  readonly expected: number;
  /** Longest path in nodes: the number of lookup waves a level-by-level cache needs. */
  readonly depth: number;
}

/** A scratch folder for generated modules and cache directories, removed by `dispose()`. */
export class Workdir {
  readonly path = mkdtempSync(join(tmpdir(), "ham-bench-"));
  #modules = 0;
  #dirs = 0;

  /** Writes `source` as a fresh .mjs file (never reused: import() caches by URL) and imports it. */
  async loadModule(name: string, source: string): Promise<Record<string, unknown>> {
    const file = join(this.path, `${name}_${++this.#modules}.mjs`);
    writeFileSync(file, source);
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  }

  /** Path of a fresh, not yet existing cache directory. */
  newCacheDir(prefix = "cache"): string {
    return join(this.path, `${prefix}_${++this.#dirs}`);
  }

  remove(path: string): void {
    rmSync(path, { recursive: true, force: true });
  }

  dispose(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** n0() → 1, n{i}(n{i-1}) → n{i-1} + 1. */
export function chainSource(n: number): string {
  const lines = ["export function n0() {\n  return 1;\n}\n"];
  for (let i = 1; i < n; i++) lines.push(`export function n${i}(n${i - 1}) {\n  return n${i - 1} + 1;\n}\n`);
  return lines.join("\n");
}

/** N nodes: root, c1..c{n-2} (each depends on root), sink(c1..c{min(10, n-2)}). */
export function wideSource(n: number): string {
  const k = n - 2;
  const lines = ["export function root() {\n  return 1;\n}\n"];
  for (let i = 1; i <= k; i++) lines.push(`export function c${i}(root) {\n  return root + ${i};\n}\n`);
  const m = Math.min(10, k);
  const params = Array.from({ length: m }, (_, i) => `c${i + 1}`);
  lines.push(`export function sink(${params.join(", ")}) {\n  return ${params.join(" + ")};\n}\n`);
  return lines.join("\n");
}

export async function makeDataflow(workdir: Workdir, shape: Shape, n: number): Promise<Dataflow> {
  if (shape === "chain") {
    const module = await workdir.loadModule(`chain${n}`, chainSource(n));
    return { shape, n, module, outputs: [`n${n - 1}`], expected: n, depth: n };
  }
  const module = await workdir.loadModule(`wide${n}`, wideSource(n));
  const m = Math.min(10, n - 2);
  const outputs = ["sink", ...Array.from({ length: n - 2 }, (_, i) => `c${i + 1}`)];
  let expected = 0;
  for (let i = 1; i <= m; i++) expected += 1 + i;
  return { shape, n, module, outputs, expected, depth: 3 };
}

/** seed → frame (rows × 4 float64 columns, a seeded PRNG) → total (sum of column a). */
export function dataSource(rows: number): string {
  return `export function seed() {
  return 42;
}

export function frame(seed) {
  // mulberry32: deterministic uniform [0, 1) numbers, like numpy's default_rng(seed).random
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const columns = {};
  for (const name of ["a", "b", "c", "d"]) {
    const column = new Float64Array(${rows});
    for (let i = 0; i < column.length; i++) column[i] = next();
    columns[name] = column;
  }
  return columns;
}

export function total(frame) {
  let sum = 0;
  for (const x of frame.a) sum += x;
  return sum;
}
`;
}

/** The seed example (A..G) of bench_hamilton.py, in JavaScript. */
export const SEED_SOURCE = `export function A() {
  return 7;
}

export function B(A) {
  return A * 2.5;
}

export function C(B, D = true) {
  return D && B > 10.0;
}

export function E(C) {
  return "hello-world";
}

export function F(E) {
  return { [E]: E.repeat(3) };
}

export function G() {
  return { a: [323, 3235], b: ["hello", "vorld"] };
}
`;
