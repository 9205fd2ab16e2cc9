/// <reference path="../murmurhash3js-revisited.d.ts" />
// Low-level hashing: murmur3 x86 128-bit for structured encodings, xxh64 (native or WASM) for bulk bytes.
// Why two hashes: murmurhash3js-revisited (the project's named hash for structured values) reaches
// ~0.3–0.6 GB/s, plenty for the small encodings of structured values; xxh64 runs near memory
// bandwidth, so bulk payloads (typed arrays, Buffers, table columns) do not cap fingerprinting.
// xxh64 comes from xxhash-wasm (always loaded) and, for large inputs, from the native
// @node-rs/xxhash where its binary loads (native-xxh64.ts): the same values, measured faster above
// ~16 KiB (a native call costs more than a WASM one below that).
import murmur from "murmurhash3js-revisited";
import xxhash from "xxhash-wasm";
import { FingerprintError } from "../errors.js";
import { type NativeLoad, type RequireFn, type Xxh64State, loadNativeXxh64 } from "./native-xxh64.js";

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
/** The first input this large loads the native hash (~5 ms once; smaller work never pays for it). */
const NATIVE_LOAD_BYTES = 1 << 20;
/** Once loaded, inputs this large go native (below, a WASM call is cheaper than a native one). */
const NATIVE_MIN_BYTES = 16 << 10;

let native: NativeLoad | undefined;

/** The WASM hash, or the "await hashingReady()" error before it has loaded. */
function wasmApi(): XXHashAPI {
  if (!api) {
    throw new FingerprintError(
      "bulk hashing is not initialised: await hashingReady() from @ham/core before fingerprinting outside a driver",
    );
  }
  return api;
}

/** xxh64 with xxhash-wasm: streamed in 1 MiB chunks above 1 MiB (faster than one copy into WASM memory). */
function wasmXxh64(bytes: Uint8Array, seed: bigint): bigint {
  const wasm = wasmApi();
  return bytes.byteLength <= CHUNK ? wasm.h64Raw(bytes, seed) : streamed(wasm.create64(seed), [bytes], CHUNK);
}

/** Loads (once) and returns the native xxh64, checked against WASM; undefined where it is unavailable. */
function nativeXxh64(requireFn?: RequireFn): NativeLoad {
  if (native) return native;
  wasmApi(); // throws the "await hashingReady()" error before anything is decided
  native = loadNativeXxh64(wasmXxh64, requireFn);
  return native;
}

/**
 * The native hashes for an input of `n` bytes: none below NATIVE_MIN_BYTES (a WASM call is cheaper)
 * or before WASM is ready; loaded at the first input of NATIVE_LOAD_BYTES or more.
 */
function nativeFor(n: number): NativeLoad | undefined {
  if (n < NATIVE_MIN_BYTES || !api) return undefined;
  return native ?? (n >= NATIVE_LOAD_BYTES ? nativeXxh64() : undefined);
}

/** xxh64 of `bytes` as a bigint: native for large inputs where @node-rs/xxhash loads, WASM otherwise (same value). */
export function xxh64(bytes: Uint8Array, seed = 0n): bigint {
  const hash = nativeFor(bytes.byteLength)?.hash;
  if (hash) {
    try {
      return hash(bytes, seed);
    } catch {
      // The binding takes Uint8Arrays only; any other view a caller passes goes to WASM below.
    }
  }
  return wasmXxh64(bytes, seed);
}

/**
 * xxh64 of the concatenation of `chunks` (the same value as `xxh64` of one buffer holding them all),
 * without concatenating them: the native running hash where it loaded and agreed with WASM on
 * split probes, WASM's otherwise (fed in 1 MiB pieces, as `wasmXxh64` does).
 */
export function xxh64Chunks(chunks: readonly Uint8Array[], seed = 0n): bigint {
  if (chunks.length === 1) return xxh64(chunks[0] as Uint8Array, seed);
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const stream = nativeFor(total)?.stream;
  if (stream) return streamed(stream(seed), chunks, total);
  return streamed(wasmApi().create64(seed), chunks, CHUNK);
}

/** Feeds `chunks` to a running hash in pieces of at most `piece` bytes. */
function streamed(state: Xxh64State, chunks: readonly Uint8Array[], piece: number): bigint {
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.byteLength; offset += piece) {
      state.update(chunk.subarray(offset, Math.min(offset + piece, chunk.byteLength)));
    }
  }
  return state.digest();
}

/**
 * Which implementation hashes large inputs: "native", "wasm" (with the reason native is not used),
 * or "not loaded yet" (native is tried at the first input of 1 MiB or more). `load: true` tries now;
 * `requireFn` replaces the module loader (tests simulate a missing binary with it).
 */
export function bulkHashBackend(options: { load?: boolean; requireFn?: RequireFn } = {}): {
  backend: "native" | "wasm" | "not loaded yet";
  reason?: string;
} {
  const state = options.load ? nativeXxh64(options.requireFn) : native;
  if (!state) return { backend: "not loaded yet" };
  return state.hash ? { backend: "native" } : { backend: "wasm", reason: state.reason! };
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

/** Encodings up to this many bytes are hashed whole by murmur3; longer ones in blocks of this size (spec v3). */
const ENCODING_BLOCK = 64 * 1024;
/** First byte of a long encoding's digest: no encoding starts with it, so a digest never equals a short encoding. */
const DIGEST_TAG = 0x4c; // L

/**
 * The hash of a structured value's encoding (docs/fingerprint-spec.md, "Output"): murmur3 x86
 * 128-bit with `seed`, over the encoding itself up to ENCODING_BLOCK bytes, and above that over a
 * digest of it: "L", u64 length, then the xxh64 (same seed) of each ENCODING_BLOCK-byte block.
 * Why: murmurhash3js-revisited hashes ~0.3 GB/s, xxh64 several GB/s, and a large array of records
 * encodes to megabytes; small encodings (the common case) keep a single murmur3 call.
 */
export function hashEncoding(bytes: Uint8Array, seed: number): string {
  const n = bytes.byteLength;
  if (n <= ENCODING_BLOCK) return murmur128(bytes, seed);
  const blocks = Math.ceil(n / ENCODING_BLOCK);
  const digest = new Uint8Array(9 + 8 * blocks);
  const view = new DataView(digest.buffer);
  digest[0] = DIGEST_TAG;
  view.setBigUint64(1, BigInt(n), true);
  const blockSeed = BigInt(seed);
  for (let i = 0; i < blocks; i++) {
    const block = bytes.subarray(i * ENCODING_BLOCK, Math.min(n, (i + 1) * ENCODING_BLOCK));
    view.setBigUint64(9 + 8 * i, xxh64(block, blockSeed), true);
  }
  return murmur128(digest, seed);
}

/** murmur3 x86 128-bit of a string's UTF-8 bytes, as 22 url-safe base64 characters. */
export function hashString(text: string): string {
  return murmur128(Buffer.from(text, "utf8"));
}
