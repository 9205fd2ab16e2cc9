// The native xxh64 loader: used only when it loads and agrees with the reference; HAM_NATIVE_HASH=0 turns it off.
import xxhash from "xxhash-wasm";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { NATIVE_HASH_ENV, type NativeXxh64, loadNativeXxh64 } from "./native-xxh64.js";

let reference: NativeXxh64;

beforeAll(async () => {
  const api = await xxhash();
  reference = (bytes, seed) => api.h64Raw(bytes, seed);
});

afterEach(() => vi.unstubAllEnvs());

describe("loadNativeXxh64", () => {
  it("loads @node-rs/xxhash and keeps it when it agrees with the reference", () => {
    const load = loadNativeXxh64(reference);
    expect(load.reason).toBeUndefined();
    const bytes = new TextEncoder().encode("ham bulk bytes");
    expect(load.hash?.(bytes, 0n)).toBe(reference(bytes, 0n));
  });

  it("refuses a binary that gives other values (a wrong hash could never reach a fingerprint)", () => {
    const off: NativeXxh64 = (bytes, seed) =>
      bytes.byteLength > 60 ? reference(bytes, seed) ^ 1n : reference(bytes, seed);
    expect(loadNativeXxh64(reference, () => ({ xxh64: off }))).toEqual({
      hash: undefined,
      reason: "@node-rs/xxhash disagrees with the xxhash-wasm reference",
    });
  });

  it("refuses a module without xxh64, and one whose xxh64 throws", () => {
    expect(loadNativeXxh64(reference, () => ({})).reason).toBe("@node-rs/xxhash has no xxh64 function");
    const throws = () => {
      throw new TypeError("not a Uint8Array");
    };
    expect(loadNativeXxh64(reference, () => ({ xxh64: throws })).reason).toBe(
      "@node-rs/xxhash failed its check: not a Uint8Array",
    );
  });

  it(`does not even load the binary with ${NATIVE_HASH_ENV}=0`, () => {
    vi.stubEnv(NATIVE_HASH_ENV, "0");
    let asked = 0;
    const load = loadNativeXxh64(reference, () => (asked++, { xxh64: reference }));
    expect(load).toEqual({ hash: undefined, reason: `${NATIVE_HASH_ENV}=0` });
    expect(asked).toBe(0);
  });

  it("keeps the module's running hash (Xxh64) only when pieces hash as the whole", async () => {
    const mod = (await import("@node-rs/xxhash")) as unknown as { Xxh64: new (seed: bigint) => unknown };
    const load = loadNativeXxh64(reference, () => mod);
    expect(load.stream).toBeDefined();
    const state = load.stream!(7n);
    const bytes = new TextEncoder().encode("ham bulk bytes, in pieces");
    state.update(bytes.subarray(0, 5));
    state.update(bytes.subarray(5));
    expect(state.digest()).toBe(reference(bytes, 7n));
    // A running hash that drops its first piece disagrees on the split probes: not used (WASM streams instead).
    class Forgetful {
      #parts: Uint8Array[] = [];
      constructor(private readonly seed: bigint) {}
      update(piece: Uint8Array) {
        this.#parts.push(piece);
        return this;
      }
      digest() {
        const kept = this.#parts.slice(this.#parts.length > 1 ? 1 : 0);
        return reference(Buffer.concat(kept), this.seed);
      }
    }
    const forgetful = loadNativeXxh64(reference, () => ({ xxh64: reference, Xxh64: Forgetful }));
    expect(forgetful.hash).toBe(reference);
    expect(forgetful.stream).toBeUndefined();
    expect(loadNativeXxh64(reference, () => ({ xxh64: reference })).stream).toBeUndefined();
  });
});
