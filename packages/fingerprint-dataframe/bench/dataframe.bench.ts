// Benchmark: table fingerprint and Arrow IPC throughput against Buffer.copy of the same bytes.
// Run: /work/main/node_modules/.bin/tsx --conditions=@ham/source bench/dataframe.bench.ts [rows]
// Prints one JSON object (MB = 1e6 bytes; each figure is the median of several runs).
import type { FingerprintContext } from "@ham/core";
import { fingerprintValue, hashBytes, hashingReady } from "@ham/core/fingerprint";
import * as arrow from "apache-arrow";
import * as aq from "arquero";
import { arrowFingerprinter, arrowIpcCodec, dataframeFingerprinter } from "../src/index.js";

const ROWS = Number(process.argv[2] ?? 1_000_000);
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time of `fn` in milliseconds (one warm-up call first). */
function time(fn: () => unknown): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

const mbps = (bytes: number, ms: number) => Math.round(bytes / 1e6 / (ms / 1000));

function context(mode: string | undefined): FingerprintContext {
  const ctx: FingerprintContext = {
    node: "bench",
    mode,
    fingerprint: (value) => fingerprintValue(value),
    hashBytes,
    warn: (message) => console.error(message),
  };
  return ctx;
}

/** Bytes of every buffer under a table (what content mode reads). */
function tableBuffers(table: arrow.Table): Uint8Array[] {
  const out: Uint8Array[] = [];
  const visit = (data: arrow.Data) => {
    for (const buffer of [data.values, data.valueOffsets, data.nullBitmap] as (ArrayBufferView | undefined)[]) {
      if (buffer && buffer.byteLength > 0)
        out.push(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
    }
    data.children.forEach(visit);
  };
  for (const batch of table.batches) batch.data.children.forEach(visit);
  return out;
}

function copyTime(buffers: Uint8Array[]): number {
  const targets = buffers.map((b) => Buffer.alloc(b.byteLength));
  return time(() => buffers.forEach((b, i) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).copy(targets[i]!)));
}

await hashingReady();

// 1e6 rows x 4 float64 columns (32 MB).
const floats = new arrow.Table(
  Object.fromEntries(
    ["a", "b", "c", "d"].map((name, c) => [
      name,
      arrow.makeVector(Float64Array.from({ length: ROWS }, (_, i) => Math.sin(i + c) * 1e3)),
    ]),
  ),
);
// 1e6 rows, one string column (~14 bytes a row plus 4 bytes of offsets).
const words = Array.from({ length: ROWS }, (_, i) => `row-${i}-${(i * 2654435761) % 1000}`);
const strings = new arrow.Table({ s: arrow.vectorFromArray(words, new arrow.Utf8()) });
// A wider table with an id column, for index vs content.
const wide = new arrow.Table({
  id: arrow.makeVector(Int32Array.from({ length: ROWS }, (_, i) => i)),
  ...Object.fromEntries(floats.schema.fields.map((f) => [f.name, floats.getChild(f.name)!])),
  s: strings.getChild("s")!,
});
// The float table re-chunked into 10 record batches (zero-copy slices).
const chunked = new arrow.Table(
  Array.from({ length: 10 }, (_, i) => floats.slice((i * ROWS) / 10, ((i + 1) * ROWS) / 10).batches).flat(),
);

const content = arrowFingerprinter();
const byIndex = arrowFingerprinter({ mode: "index", index: "id" });
const ctx = context(undefined);

function measure(table: arrow.Table) {
  const buffers = tableBuffers(table);
  const bytes = buffers.reduce((n, b) => n + b.byteLength, 0);
  const fpMs = time(() => content.fingerprint(table, ctx));
  const copyMs = copyTime(buffers);
  return {
    bytes,
    fingerprintMs: +fpMs.toFixed(2),
    fingerprintMBps: mbps(bytes, fpMs),
    bufferCopyMBps: mbps(bytes, copyMs),
    ratioToCopy: +(copyMs / fpMs).toFixed(2),
  };
}

const floatFigures = measure(floats);
const stringFigures = measure(strings);
const chunkedFigures = measure(chunked);
if (content.fingerprint(chunked, ctx) !== content.fingerprint(floats, ctx))
  throw new Error("chunking changed the fingerprint");

const wideContentMs = time(() => content.fingerprint(wide, ctx));
const wideIndexMs = time(() => byIndex.fingerprint(wide, ctx));

const codec = arrowIpcCodec();
function ipc(table: arrow.Table) {
  const bytes = tableBuffers(table).reduce((n, b) => n + b.byteLength, 0);
  const encoded = codec.encode(table);
  const encodeMs = time(() => codec.encode(table));
  const decodeMs = time(() => codec.decode(encoded));
  return {
    bytes,
    encodedBytes: encoded.byteLength,
    encodeMBps: mbps(bytes, encodeMs),
    decodeMBps: mbps(bytes, decodeMs),
  };
}

// Writing into fresh memory (what every encoder does for its output) for reference: first-touch
// page faults dominate IPC encode time on some machines.
const firstTouchMs = time(() => new Uint8Array(32_000_000).fill(1));

// Arquero over the same floats (typed arrays, converted to Arrow columns by flechette) for reference.
const arqueroFloats = aq.table(
  Object.fromEntries(floats.schema.fields.map((f) => [f.name, floats.getChild(f.name)!.toArray() as Float64Array])),
);
const all = dataframeFingerprinter();
const arqueroMs = time(() => all.fingerprint(arqueroFloats, ctx));

console.log(
  JSON.stringify(
    {
      rows: ROWS,
      node: process.version,
      contentFloat64x4: floatFigures,
      contentFloat64x4In10Batches: chunkedFigures,
      contentUtf8Column: stringFigures,
      arqueroFloat64x4: { fingerprintMs: +arqueroMs.toFixed(2), fingerprintMBps: mbps(floatFigures.bytes, arqueroMs) },
      indexVsContent: {
        table: "id int32 + 4 float64 + 1 utf8",
        contentMs: +wideContentMs.toFixed(2),
        indexMs: +wideIndexMs.toFixed(2),
        speedup: +(wideContentMs / wideIndexMs).toFixed(1),
      },
      freshMemoryWriteMBps: mbps(32_000_000, firstTouchMs),
      arrowIpcFloat64x4: ipc(floats),
      arrowIpcUtf8Column: ipc(strings),
    },
    null,
    2,
  ),
);
