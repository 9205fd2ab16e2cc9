// Our murmur3 x86 128-bit port must give exactly what murmurhash3js-revisited gives.
import murmur from "murmurhash3js-revisited";
import { describe, expect, it } from "vitest";
import { murmur128 } from "./bytes.js";
import { murmur3x86128Base64Url } from "./murmur3.js";

function reference(bytes: Uint8Array): string {
  return Buffer.from(murmur.x86.hash128(bytes), "hex").toString("base64url");
}

function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 255;
  }
  return bytes;
}

describe("murmur3 x86 128-bit", () => {
  it("matches murmurhash3js-revisited for every length from 0 to 300 bytes", () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = pseudoRandomBytes(length, length + 1);
      expect(murmur128(bytes), `length ${length}`).toBe(reference(bytes));
    }
  });

  it("matches the library on a 1 MiB input and on all-0xff bytes (sign handling)", () => {
    const big = pseudoRandomBytes(1 << 20, 7);
    expect(murmur128(big)).toBe(reference(big));
    const ones = new Uint8Array(37).fill(0xff);
    expect(murmur128(ones)).toBe(reference(ones));
  });

  it("hashes a sub-range like a copy of that range", () => {
    const bytes = pseudoRandomBytes(100, 3);
    expect(murmur3x86128Base64Url(bytes, 13, 77)).toBe(reference(bytes.slice(13, 77)));
  });

  it("gives 22 url-safe base64 characters", () => {
    expect(murmur128(new Uint8Array(0))).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
