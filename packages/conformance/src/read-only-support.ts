// Helpers of the readOnly and integrity groups: a call-recording proxy, snapshot comparison, a tiny dataflow.
import { fail } from "./assertions.js";

/** Wraps `target` so every method call is recorded as `name` (and `open` with its options); calls go through. */
export function recordCalls<T extends object>(target: T): { readonly proxy: T; readonly calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        calls.push(
          property === "open"
            ? `open(${JSON.stringify(args[0] ?? {}, (k, v: unknown) => (k === "warn" ? "[function]" : v))})`
            : property,
        );
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
  return { proxy, calls };
}

/** Fails unless the two snapshots (JSON) are the same, naming the first difference. */
export function checkSameSnapshot(after: string, before: string, what: string): void {
  if (after === before) return;
  let at = 0;
  while (at < after.length && after[at] === before[at]) at++;
  const from = Math.max(0, at - 60);
  fail(
    `${what}: the backing data changed, a read-only store wrote. First difference at character ${at}:\n  before …${before.slice(from, at + 120)}…\n  after  …${after.slice(from, at + 120)}…`,
  );
}

/** How many times `A` of `countingDataflow` ran (module level: a node's code must not close over locals). */
const computations = { n: 0 };

function A(x: number): { values: number[] } {
  computations.n++;
  return { values: Array.from({ length: 64 }, (_, i) => i * x) };
}

/** A one-node dataflow whose result is worth storing; `calls.n` counts computations (reset it before use). */
export function countingDataflow(): { readonly modules: { A: typeof A }; readonly calls: { n: number } } {
  return { modules: { A }, calls: computations };
}

/** A logger that keeps warnings. */
export function warningsLogger(): { readonly warnings: string[]; warn(message: string): void } {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => void warnings.push(message) };
}

/** The write methods of the store contracts, which a read-only store must never receive. */
export const WRITE_METHODS = new Set(["set", "setChunks", "setMany", "delete", "saveRun", "deleteRuns", "acquireLock"]);
