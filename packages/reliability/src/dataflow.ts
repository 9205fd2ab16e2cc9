// The dataflow the crash and soak tests run: nodes that overlap between seeds (shared context
// keys), results from a few bytes to ~1.5 MB, and code variants ("code changes") per node.
import { Builder, type Driver, type CacheOptions } from "@ham/core";

/** Outputs every run asks for. */
export const OUTPUTS = ["label", "list", "summary", "group"] as const;

/** Number of code variants each node has; a variant is a different function source (code version). */
export const VARIANTS = 3;

/** Node name → source template; `K` is replaced by the variant, so each variant is different code. */
const TEMPLATES: Record<string, string> = {
  seedA: "(seed) => { const K = @K; return { seed, group: seed % 5, text: 's'.repeat((seed * K) % 97) }; }",
  group: "(seedA) => { const K = @K; return seedA.group * 10 + K; }",
  big: "(group) => { const K = @K; const n = 20000 + (group % 10) * 17000; const a = new Float64Array(n); for (let i = 0; i < n; i++) a[i] = Math.sin(i * (group + K)); return a; }",
  summary:
    "(big, seedA) => { const K = @K; let sum = 0; for (let i = 0; i < big.length; i += 97) sum += big[i]; return { sum, n: big.length, seed: seedA.seed, k: K }; }",
  label: "(summary, group) => { const K = @K; return `${summary.seed}:${group}:${summary.sum.toFixed(6)}:${K}`; }",
  list: "(seedA) => { const K = @K; return Array.from({ length: (seedA.seed * 7) % 60 }, (_, i) => ({ i, s: String(i * K), m: new Map([[i, seedA.text.length]]) })); }",
};

/** Node names in the order their variants are listed. */
export const NODES = Object.keys(TEMPLATES);

/** A variant per node, e.g. [0, 2, 1, 0, 0, 1]. */
export type Variant = readonly number[];

/** A deterministic pseudo-random variant (and seed stream) from a number: both sides agree on it. */
export function variantOf(n: number): Variant {
  let h = (n * 2654435761) >>> 0;
  return NODES.map(() => {
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    return h % VARIANTS;
  });
}

/**
 * The dataflow's module for a variant. Functions come from exact source text (indirect eval), so
 * their code versions are the same in every process and whatever bundler compiled the caller.
 */
export function modulesOf(variant: Variant): Record<string, (...args: never[]) => unknown> {
  const out: Record<string, (...args: never[]) => unknown> = {};
  NODES.forEach((name, i) => {
    const source = (TEMPLATES[name] as string).replace("@K", String((variant[i] ?? 0) + 1));
    out[name] = (0, eval)(`(${source})`) as (...args: never[]) => unknown;
  });
  return out;
}

/** A cached driver for a variant. */
export function cachedDriver(variant: Variant, cache: CacheOptions): Promise<Driver> {
  return new Builder().withModules(modulesOf(variant)).withCache(cache).build() as Promise<Driver>;
}

/** An uncached driver for a variant: the reference every cached output is checked against. */
export function plainDriver(variant: Variant): Promise<Driver> {
  return new Builder().withModules(modulesOf(variant)).build() as Promise<Driver>;
}
