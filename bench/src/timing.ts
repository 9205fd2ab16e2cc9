// Timing helpers shared by every benchmark: medians of repeated measurements in seconds.
import { performance } from "node:perf_hooks";

/** Median of a non-empty list (the mean of the two middle values for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error("median() of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Collects the garbage earlier reps left behind, when node runs with --expose-gc (pnpm bench does),
 * so a rep does not pay for its predecessor's garbage; what the rep itself allocates still counts.
 */
export function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Seconds taken by `fn` (awaited) and its result; the heap is settled first (outside the timing). */
export async function timed<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  settle();
  const start = performance.now();
  const result = await fn();
  return [(performance.now() - start) / 1e3, result];
}

/** Seconds taken by a synchronous `fn`. */
export function timedSync(fn: () => unknown): number {
  settle();
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1e3;
}

/** Median seconds of `reps` awaited calls of `fn`. */
export async function medianOf(reps: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) samples.push((await timed(fn))[0]);
  return median(samples);
}

/**
 * Median seconds per call of `fn` over `reps` reps, each rep timing a loop of back-to-back awaited
 * calls that lasts about `minMs` (the count is how many calls fit in `minMs` after an untimed warm-up). This is what a call
 * costs a program that makes it again and again: the heap is settled once before each loop, and the
 * garbage collections the calls themselves cause fall inside the timing. For calls of a few µs, where
 * one timed call would mostly measure the timer and a heap freshly emptied by `gc()`.
 */
export async function medianPerCall(
  reps: number,
  fn: () => Promise<unknown> | unknown,
  minMs = 50,
): Promise<{ seconds: number; calls: number }> {
  let calls = 0;
  // Two untimed windows: the first warms the code up, the second counts how many calls fit.
  for (let window = 0; window < 2; window++) {
    calls = 0;
    const start = performance.now();
    do {
      await fn();
      calls++;
    } while (performance.now() - start < minMs);
  }
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    settle();
    const start = performance.now();
    for (let c = 0; c < calls; c++) await fn();
    samples.push((performance.now() - start) / 1e3 / calls);
  }
  return { seconds: median(samples), calls };
}
