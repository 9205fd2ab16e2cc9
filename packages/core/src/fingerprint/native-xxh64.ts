// The optional native xxh64 (@node-rs/xxhash): loaded on demand, checked against the WASM reference before use.
//
// Why optional: the native binary ships as one npm package per platform (an optionalDependency of
// @ham/core), so it may be missing, built for another libc, or refused by the host. Any failure to
// load means "use xxhash-wasm", which gives the same 64-bit values. Loading is synchronous
// (createRequire) so it can happen at the first large input, and costs ~5 ms, which only a process
// that hashes large buffers pays. Why xxh64 and not xxh3: the prebuilt xxh3 measured ~1 GB/s here
// (no SIMD in the build), below WASM xxh64, and switching would change every fingerprint.
import { type RequireFn, requireHere } from "../require-here.js";

export type { RequireFn };

/** The one function ham uses from the native module. */
export type NativeXxh64 = (bytes: Uint8Array, seed: bigint) => bigint;

/** A running xxh64 over bytes fed in pieces: the same value as one call over their concatenation. */
export interface Xxh64State {
  update(bytes: Uint8Array): unknown;
  digest(): bigint;
}

/** Starts a running xxh64 with `seed` (the native module's `Xxh64` class, or xxhash-wasm's `create64`). */
export type Xxh64Stream = (seed: bigint) => Xxh64State;

/** Why the native hash is not in use (for diagnostics and tests), or undefined when it is. */
export interface NativeLoad {
  readonly hash: NativeXxh64 | undefined;
  /** The native running hash, when the module has one that agrees with the reference; else undefined. */
  readonly stream?: Xxh64Stream | undefined;
  readonly reason: string | undefined;
}

/** Setting `HAM_NATIVE_HASH=0` keeps bulk hashing on WebAssembly (same fingerprints, slower on large buffers). */
export const NATIVE_HASH_ENV = "HAM_NATIVE_HASH";

/** Probe inputs that cover xxh64's 32-byte stripes and its 8-, 4- and 1-byte tails, at odd offsets. */
function probes(): Uint8Array[] {
  const base = new Uint8Array(1031);
  for (let i = 0; i < base.length; i++) base[i] = (i * 131 + 7) & 255;
  return [base.subarray(0, 0), base.subarray(1, 2), base.subarray(3, 16), base.subarray(5, 68), base.subarray(7, 1031)];
}

/**
 * Loads the native xxh64 unless `HAM_NATIVE_HASH=0`, and keeps it only if it gives the reference's
 * value on every probe (offsets, lengths and a non-zero seed): a wrong binary can never change a fingerprint.
 */
export function loadNativeXxh64(reference: NativeXxh64, requireFn: RequireFn = requireHere): NativeLoad {
  if (process.env[NATIVE_HASH_ENV] === "0") return { hash: undefined, reason: `${NATIVE_HASH_ENV}=0` };
  let hash: NativeXxh64;
  let mod: { xxh64?: unknown; Xxh64?: unknown };
  try {
    mod = requireFn("@node-rs/xxhash") as { xxh64?: unknown; Xxh64?: unknown };
    if (typeof mod.xxh64 !== "function") return { hash: undefined, reason: "@node-rs/xxhash has no xxh64 function" };
    hash = mod.xxh64 as NativeXxh64;
  } catch (error) {
    return { hash: undefined, reason: `@node-rs/xxhash did not load: ${(error as Error).message.split("\n")[0]}` };
  }
  try {
    for (const probe of probes()) {
      for (const seed of [0n, 0x9e3779b97f4a7c15n]) {
        if (hash(probe, seed) !== reference(probe, seed)) {
          return { hash: undefined, reason: "@node-rs/xxhash disagrees with the xxhash-wasm reference" };
        }
      }
    }
  } catch (error) {
    return { hash: undefined, reason: `@node-rs/xxhash failed its check: ${(error as Error).message}` };
  }
  return { hash, stream: nativeStream(mod, reference), reason: undefined };
}

/**
 * The module's `Xxh64` class as a running hash, kept only if every probe fed in two pieces (cut at
 * each of several places) gives the reference's value; undefined otherwise (WASM streams instead).
 */
function nativeStream(mod: { Xxh64?: unknown }, reference: NativeXxh64): Xxh64Stream | undefined {
  const Xxh64 = mod.Xxh64;
  if (typeof Xxh64 !== "function") return undefined;
  const stream: Xxh64Stream = (seed) => new (Xxh64 as new (seed: bigint) => Xxh64State)(seed);
  try {
    for (const probe of probes()) {
      for (const cut of [0, 1, 31, 33, probe.byteLength >> 1, probe.byteLength]) {
        if (cut > probe.byteLength) continue;
        for (const seed of [0n, 0x9e3779b97f4a7c15n]) {
          const state = stream(seed);
          state.update(probe.subarray(0, cut));
          state.update(probe.subarray(cut));
          if (state.digest() !== reference(probe, seed)) return undefined;
        }
      }
    }
  } catch {
    return undefined;
  }
  return stream;
}
