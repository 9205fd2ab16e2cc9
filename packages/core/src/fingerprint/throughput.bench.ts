// Throughput of the default fingerprinter (figures quoted in docs/fingerprint-spec.md). Not a test:
// run it by hand with `node_modules/.bin/tsx --conditions=@ham/source packages/core/src/fingerprint/throughput.bench.ts`.
import { fingerprintValue, hashingReady } from "./index.js";

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median milliseconds of `runs` calls of `fn` after three warm-up calls (so the JIT has optimised it). */
function time(fn: () => unknown, runs = 7): number {
  for (let i = 0; i < 3; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const mbps = (bytes: number, ms: number): string => `${(bytes / 1e6 / (ms / 1e3)).toFixed(0)} MB/s`;

async function main(): Promise<void> {
  await hashingReady();
  const size = 64 * 1024 * 1024;
  const source = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) source[i] = i & 255;
  const target = Buffer.alloc(size);
  const floats = new Float64Array(size / 8).map((_, i) => i * 0.5);
  const copyMs = time(() => source.copy(target));
  const floatMs = time(() => fingerprintValue(floats));
  const bufferMs = time(() => fingerprintValue(source));
  console.log(`Buffer.copy 64 MiB:                ${mbps(size, copyMs)} (${copyMs.toFixed(1)} ms)`);
  console.log(
    `fingerprint Float64Array 64 MiB:   ${mbps(size, floatMs)} (${floatMs.toFixed(1)} ms, ${((100 * copyMs) / floatMs).toFixed(0)}% of Buffer.copy)`,
  );
  console.log(
    `fingerprint Buffer 64 MiB:         ${mbps(size, bufferMs)} (${bufferMs.toFixed(1)} ms, ${((100 * copyMs) / bufferMs).toFixed(0)}% of Buffer.copy)`,
  );

  const objects = Array.from({ length: 1e5 }, (_, i) => ({
    id: i,
    name: `user-${i}`,
    score: i * 1.5,
    active: i % 2 === 0,
  }));
  const objectsMs = time(() => fingerprintValue(objects));
  console.log(
    `1e5 small objects (one array):     ${objectsMs.toFixed(1)} ms (${((objectsMs * 1e3) / 1e5).toFixed(2)} µs per object)`,
  );
  const strings = Array.from({ length: 1e5 }, (_, i) => `some-string-value-${i}`);
  const stringsMs = time(() => fingerprintValue(strings));
  console.log(
    `1e5 strings (one array):           ${stringsMs.toFixed(1)} ms (${((stringsMs * 1e3) / 1e5).toFixed(2)} µs per string)`,
  );
  const numbers = Array.from({ length: 1e6 }, (_, i) => i * 0.25);
  const numbersMs = time(() => fingerprintValue(numbers));
  console.log(
    `1e6 numbers (one plain array):     ${numbersMs.toFixed(1)} ms (${((numbersMs * 1e6) / 1e6).toFixed(0)} ns per number)`,
  );

  const single = (label: string, value: unknown, n = 200_000): void => {
    const ms = time(() => {
      for (let i = 0; i < n; i++) fingerprintValue(value);
    }, 3);
    console.log(`${label.padEnd(35)}${((ms * 1e3) / n).toFixed(2)} µs per call`);
  };
  single("one number (7)", 7);
  single('one string ("hello-world")', "hello-world");
  single("one small object ({ a, b, c })", { a: 1, b: "two", c: [3, 4] });
  single("seed F ({ [E]: E.repeat(3) })", { "hello-world": "hello-world".repeat(3) });
  single("100-element Float64Array", new Float64Array(100));
  single("Map of 10 entries", new Map(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])), 50_000);
  const perString = time(() => {
    for (const s of strings) fingerprintValue(s);
  });
  console.log(
    `1e5 strings, one call each:        ${perString.toFixed(1)} ms (${((perString * 1e3) / 1e5).toFixed(2)} µs per call)`,
  );
  const perObject = time(() => {
    for (const o of objects) fingerprintValue(o);
  });
  console.log(
    `1e5 small objects, one call each:  ${perObject.toFixed(1)} ms (${((perObject * 1e3) / 1e5).toFixed(2)} µs per call)`,
  );
}

void main();
