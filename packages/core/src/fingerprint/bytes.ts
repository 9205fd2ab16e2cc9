/// <reference path="../murmurhash3js-revisited.d.ts" />
// Low-level hashing: murmur3 x86 128-bit for structured encodings, xxh64 (WASM) for bulk bytes.
// Why two hashes: murmurhash3js-revisited (the project's named hash for structured values) reaches
// ~0.3–0.6 GB/s, plenty for the small encodings of structured values; xxhash-wasm reaches ~6.5 GB/s
// (TOOLCHAIN.md), so bulk payloads (typed arrays, Buffers, table columns) do not cap fingerprinting
// far below memory bandwidth.
import murmur from "murmurhash3js-revisited";
import xxhash from "xxhash-wasm";
import { FingerprintError } from "../errors.js";

type XXHashAPI = Awaited<ReturnType<typeof xxhash>>;

// We only pass Uint8Arrays; the library's per-call input validation costs ~40% of its throughput.
murmur.inputValidation = false;

let api: XXHashAPI | undefined;
let loading: Promise<void> | undefined;

/** Resolves once bulk hashing is ready. The builder awaits it; call it before `hashBytes` elsewhere. */
export function hashingReady(): Promise<void> {
  if (api) return Promise.resolve();
  loading ??= xxhash().then((loaded) => {
    api = loaded;
  });
  return loading;
}

/** True once `hashingReady()` has resolved. */
export function isHashingReady(): boolean {
  return api !== undefined;
}

const CHUNK = 1 << 20;

/** xxh64 of `bytes` as a bigint (streamed in 1 MiB chunks above 1 MiB, which is faster here). */
export function xxh64(bytes: Uint8Array, seed = 0n): bigint {
  if (!api) {
    throw new FingerprintError(
      "bulk hashing is not initialised: await hashingReady() from @ham/core before fingerprinting outside a driver",
    );
  }
  if (bytes.byteLength <= CHUNK) return api.h64Raw(bytes, seed);
  const hasher = api.create64(seed);
  for (let offset = 0; offset < bytes.byteLength; offset += CHUNK) {
    hasher.update(bytes.subarray(offset, Math.min(offset + CHUNK, bytes.byteLength)));
  }
  return hasher.digest();
}

const scratch64 = Buffer.alloc(8);

/** Bulk hash of raw bytes: xxh64 as 11 url-safe base64 characters. */
export function hashBytes(bytes: Uint8Array): string {
  scratch64.writeBigUInt64BE(xxh64(bytes));
  return scratch64.toString("base64url");
}

/** murmur3 x86 128-bit of `bytes` (with `seed`, default 0) as 22 url-safe base64 characters (no padding). */
export function murmur128(bytes: Uint8Array, seed = 0): string {
  return Buffer.from(murmur.x86.hash128(bytes, seed), "hex").toString("base64url");
}

/** murmur3 x86 128-bit of a string's UTF-8 bytes, as 22 url-safe base64 characters. */
export function hashString(text: string): string {
  return murmur128(Buffer.from(text, "utf8"));
}
