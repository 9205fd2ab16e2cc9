// Fingerprint time by value shape, for one fingerprinter build: run it once per build, alternating,
// to compare two builds back to back (e.g. spec v1 against the current encoder), as in
// docs/fingerprint-spec.md ("Spec v2 against spec v1").
//
//   node --expose-gc --import tsx --conditions=@ham/source bench/src/fingerprint-shapes.ts [--impl path/to/fingerprint/index.ts] [--reps 11] [--only name]
//
// Prints one JSON line: the shape → the fastest of `reps` times in ms (CPU time of the process,
// which other jobs on a shared machine disturb less than wall time). Without --impl it measures
// @ham/core/fingerprint; with it, any build exporting `fingerprintValue` and `hashingReady`
// (for spec v1: `git archive 34fe59c packages/core/src | tar -x -C /tmp/v1`, with a node_modules
// link to packages/core/node_modules beside its src).
import { parseArgs } from "node:util";

interface FingerprintModule {
  fingerprintValue(value: unknown): string;
  hashingReady(): Promise<void>;
}

const N = 100_000;

/** Each shape: how to build it, and whether each element is fingerprinted in a call of its own. */
const SHAPES: Record<string, { make: () => unknown[]; perElement?: boolean }> = {
  "100000 small objects": {
    make: () =>
      Array.from({ length: N }, (_, i) => ({ id: i, name: `user-${i}`, score: i * 1.5, active: i % 2 === 0 })),
  },
  "100000 strings": { make: () => Array.from({ length: N }, (_, i) => `some-string-value-${i}`) },
  "25000 records with two small arrays": {
    make: () => Array.from({ length: N / 4 }, (_, i) => ({ id: i, tags: ["a", "b", `t${i}`], xs: [i, i + 1] })),
  },
  "100000 arrays [number, string]": { make: () => Array.from({ length: N }, (_, i) => [i, `s${i}`]) },
  "10000 nested objects (6 objects each)": {
    make: () =>
      Array.from({ length: N / 10 }, (_, i) => ({
        a: { b: { c: i, d: `x${i}` }, e: [{ f: i }] },
        g: { h: null, i: true },
      })),
  },
  "10000 Maps of 3 entries": {
    make: () =>
      Array.from(
        { length: N / 10 },
        (_, i) =>
          new Map<unknown, unknown>([
            ["a", i],
            ["b", `v${i}`],
            [i, { z: i }],
          ]),
      ),
  },
  "10000 Float64Array(4)": {
    make: () => Array.from({ length: N / 10 }, (_, i) => new Float64Array([i, i + 1, i + 2, i + 3])),
  },
  "1000000 numbers": { make: () => Array.from({ length: 1_000_000 }, (_, i) => i * 0.5) },
  "25000 calls, { a, b, c: [3, 4] } each": {
    make: () => Array.from({ length: N / 4 }, (_, i) => ({ a: i, b: "two", c: [3, 4] })),
    perElement: true,
  },
};

const { values: args } = parseArgs({
  options: { impl: { type: "string" }, reps: { type: "string", default: "11" }, only: { type: "string" } },
});
const mod = (await import(args.impl ?? "@ham/core/fingerprint")) as FingerprintModule;
await mod.hashingReady();
const gc = (globalThis as { gc?: () => void }).gc;
const reps = Number(args.reps);
const result: Record<string, number> = {};
for (const [name, shape] of Object.entries(SHAPES)) {
  if (args.only !== undefined && !name.includes(args.only)) continue;
  const value = shape.make();
  const run = shape.perElement
    ? () => {
        for (const element of value) mod.fingerprintValue(element);
      }
    : () => mod.fingerprintValue(value);
  for (let i = 0; i < 3; i++) run(); // warm-up
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    gc?.();
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  result[name] = Number(best.toFixed(2));
}
console.log(JSON.stringify(result));
