// Shared check of xxh64Chunks (native and WASM test files): any cut of any bytes hashes as the whole.
import fc from "fast-check";
import { expect } from "vitest";
import { xxh64Chunks } from "./bytes.js";

/** Bytes cut at `cuts` (offsets, any order, repeats allowed) into consecutive pieces, some empty. */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.byteLength)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

/** For sizes around the native and chunking thresholds, any cut into pieces gives `reference` of the whole. */
export function checkChunkedHash(reference: (bytes: Uint8Array, seed: bigint) => bigint): void {
  const backing = new Uint8Array((3 << 20) + 97);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 2654435761) >>> 24;
  const sizes = [0, 1, 31, 32, 33, 1000, (16 << 10) - 1, 16 << 10, (1 << 20) + 5, (3 << 20) + 90];
  fc.assert(
    fc.property(
      fc.constantFrom(...sizes),
      fc.integer({ min: 0, max: 7 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.constantFrom(0n, 0x9e3779b97f4a7c15n),
      (size, offset, cuts, seed) => {
        const bytes = backing.subarray(offset, offset + size);
        const pieces = cutAt(
          bytes,
          cuts.map((c) => c % (size + 1)),
        );
        expect(xxh64Chunks(pieces, seed)).toBe(reference(bytes, seed));
      },
    ),
    { seed: 21, numRuns: 150 },
  );
}
