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
});
