// Throughput of the default fingerprinter, each value beside Buffer.copy of the same number of bytes.
import { fingerprintValue, hashingReady } from "@ham/core/fingerprint";
import { median, timedSync } from "./timing.js";

export interface FingerprintRow {
  value: string;
  /** Bytes the value holds (typed arrays, Buffers) or its JSON text length (objects, strings). */
  bytes: number;
  fingerprint_s: number;
  copy_s: number;
  fingerprint_mb_s: number;
  copy_mb_s: number;
  /** fingerprint bandwidth as a share of Buffer.copy bandwidth (1 = as fast as copying). */
  share_of_copy: number;
}

function medianTime(reps: number, fn: () => unknown): number {
  fn(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) samples.push(timedSync(fn));
  return median(samples);
}

function row(value: string, bytes: number, reps: number, fingerprint: () => unknown): FingerprintRow {
  const source = Buffer.alloc(bytes, 7);
  const target = Buffer.alloc(bytes);
  // Interleave so both see the same machine state; each median is over `reps` samples.
  const copyFirst = medianTime(reps, () => source.copy(target));
  const fingerprintS = medianTime(reps, fingerprint);
  const copyS = Math.min(
    copyFirst,
    medianTime(reps, () => source.copy(target)),
  );
  const mbs = (s: number) => bytes / 1e6 / s;
  return {
    value,
    bytes,
    fingerprint_s: fingerprintS,
    copy_s: copyS,
    fingerprint_mb_s: mbs(fingerprintS),
    copy_mb_s: mbs(copyS),
    share_of_copy: copyS / fingerprintS,
  };
}

export async function benchFingerprint(
  reps: number,
  bytes = 64 * 1024 * 1024,
  count = 100_000,
): Promise<FingerprintRow[]> {
  await hashingReady();
  const floats = new Float64Array(bytes / 8);
  for (let i = 0; i < floats.length; i++) floats[i] = i * 0.5;
  const buffer = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i += 64) buffer[i] = i & 255;
  const objects = Array.from({ length: count }, (_, i) => ({
    id: i,
    name: `user-${i}`,
    score: i * 1.5,
    active: i % 2 === 0,
  }));
  const strings = Array.from({ length: count }, (_, i) => `some-string-value-${i}`);
  const mib = (bytes / 1024 / 1024).toString();
  return [
    row(`Float64Array ${mib} MiB`, floats.byteLength, reps, () => fingerprintValue(floats)),
    row(`Buffer ${mib} MiB`, buffer.byteLength, reps, () => fingerprintValue(buffer)),
    row(`${count} small objects (one array)`, Buffer.byteLength(JSON.stringify(objects)), reps, () =>
      fingerprintValue(objects),
    ),
    row(`${count} strings (one array)`, Buffer.byteLength(JSON.stringify(strings)), reps, () =>
      fingerprintValue(strings),
    ),
  ];
}
