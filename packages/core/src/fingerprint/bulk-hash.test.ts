// Bulk hashing with the native xxh64 (@node-rs/xxhash): the golden vectors pass, and every size, offset and seed matches xxhash-wasm.
import xxhash from "xxhash-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { checkFingerprintVectors } from "../../../conformance/src/vectors/index.js";
import { bulkHashBackend, hashingReady, xxh64 } from "./bytes.js";
import { checkChunkedHash } from "./test-helpers.js";
import { fingerprintValue } from "./index.js";

let reference: (bytes: Uint8Array, seed: bigint) => bigint;

beforeAll(async () => {
  await hashingReady();
  const api = await xxhash();
  reference = (bytes, seed) => api.h64Raw(bytes, seed);
});

describe("bulk hashing, native where the binary loads", () => {
  it("is native on this machine (the optional @node-rs/xxhash binary is installed), loaded at the first input of 1 MiB", () => {
    expect(bulkHashBackend()).toEqual({ backend: "not loaded yet" });
    xxh64(new Uint8Array(64 << 10)); // large enough for native, too small to be worth loading it
    expect(bulkHashBackend()).toEqual({ backend: "not loaded yet" });
    xxh64(new Uint8Array(1 << 20));
    expect(bulkHashBackend()).toEqual({ backend: "native" });
  });

  it("gives the golden vectors' fingerprints", () => {
    expect(bulkHashBackend({ load: true }).backend).toBe("native");
    expect(checkFingerprintVectors((value) => fingerprintValue(value, { warn: () => {} }))).toEqual([]);
  });

  it("a view the native binding refuses (a Uint8ClampedArray passed as bytes) is hashed by WASM, with the same value", () => {
    const clamped = new Uint8ClampedArray(2 << 20).fill(9);
    const asBytes = new Uint8Array(clamped.buffer);
    expect(xxh64(clamped as unknown as Uint8Array)).toBe(reference(asBytes, 0n));
  });

  it("matches xxhash-wasm at every size around the thresholds, at odd offsets, with and without a seed", () => {
    const backing = new Uint8Array((3 << 20) + 64);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 2654435761) >>> 24;
    const sizes = [
      0,
      1,
      31,
      32,
      33,
      (16 << 10) - 1,
      16 << 10,
      (16 << 10) + 7,
      (1 << 20) - 1,
      1 << 20,
      (1 << 20) + 1,
      (3 << 20) + 13,
    ];
    for (const size of sizes) {
      for (const offset of [0, 1, 3, 8, 17]) {
        const view = backing.subarray(offset, offset + size);
        for (const seed of [0n, 2n, 0xffffffffffffffffn])
          expect(xxh64(view, seed), `${size} bytes at ${offset}, seed ${seed}`).toBe(reference(view, seed));
      }
    }
  });

  it("hashes bytes given in pieces (xxh64Chunks) as the whole, with the native running hash", () => {
    expect(bulkHashBackend({ load: true }).backend).toBe("native");
    checkChunkedHash(reference);
  });
});
