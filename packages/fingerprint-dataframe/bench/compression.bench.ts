// Benchmark: size and speed of the arrow-ipc codec's compression options on a flights-like polars frame.
// Run: node --import tsx --conditions=@ham/source bench/compression.bench.ts [rows]
// Prints one line per option: stored MB, ratio to uncompressed IPC, encode and decode ms (median of 3).
import { arrowIpcCodec } from "../src/index.js";
import type { ArrowIpcCompression } from "../src/index.js";
import { flightsFrame } from "./flights.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 3;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  let value = fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    value = fn();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), value };
}

const frame = flightsFrame(ROWS);
const options: ArrowIpcCompression[] = ["none", "zlib-1", "zlib-6", "brotli-1", "brotli-4"];
let base = 0;
console.log(`| compression | stored MB | vs uncompressed IPC | encode ms | decode ms |`);
console.log(`|---|---|---|---|---|`);
for (const compression of options) {
  const codec = arrowIpcCodec({ compression });
  const encoded = timed(() => codec.encode(frame));
  const decoded = timed(() => codec.decode(encoded.value));
  if (compression === "none") base = encoded.value.byteLength;
  const mb = encoded.value.byteLength / 1e6;
  console.log(
    `| ${compression} | ${mb.toFixed(1)} | ${(encoded.value.byteLength / base).toFixed(2)} | ${encoded.ms.toFixed(0)} | ${decoded.ms.toFixed(0)} |`,
  );
}
