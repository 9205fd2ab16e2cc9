// Bulk hashing where the native binary does not load: xxhash-wasm takes over with the same fingerprints.
import { beforeAll, describe, expect, it } from "vitest";
import { checkFingerprintVectors } from "../../../conformance/src/vectors/index.js";
import { bulkHashBackend, hashingReady, xxh64 } from "./bytes.js";
import { checkChunkedHash } from "./test-helpers.js";
import { fingerprintValue } from "./index.js";

beforeAll(() => hashingReady());

describe("bulk hashing falls back to WebAssembly", () => {
  it("when @node-rs/xxhash cannot be loaded, and the golden vectors still pass", () => {
    let asked = 0;
    const missing = (name: string): never => {
      asked++;
      throw new Error(`Cannot find module '${name}-linux-x64-gnu'\nRequire stack: …`);
    };
    expect(bulkHashBackend({ load: true, requireFn: missing })).toEqual({
      backend: "wasm",
      reason: "@node-rs/xxhash did not load: Cannot find module '@node-rs/xxhash-linux-x64-gnu'",
    });
    expect(asked).toBe(1);
    expect(checkFingerprintVectors((value) => fingerprintValue(value, { warn: () => {} }))).toEqual([]);
    // Large inputs keep working on WASM, and the load is not retried.
    expect(typeof xxh64(new Uint8Array(2 << 20))).toBe("bigint");
    expect(bulkHashBackend({ load: true, requireFn: missing }).backend).toBe("wasm");
    expect(asked).toBe(1);
    // Bytes in pieces stream through WASM with the same value as the whole.
    checkChunkedHash((bytes, seed) => xxh64(bytes, seed));
  });
});
