// The envelope names the fingerprint it was written for: bytes read back under another key are
// corrupt (a file copied to the wrong name), detectable without a signing key.
import { beforeAll, describe, expect, it } from "vitest";
import { hashingReady } from "../fingerprint/bytes.js";
import { CorruptResultError, RESULT_FORMAT_VERSION, ResultCodec } from "./index.js";

beforeAll(async () => {
  await hashingReady();
});

const codec = new ResultCodec();
const FP = "k7Qx2_aBcDeFgHiJkLmNoP";
const OTHER = "z9Zz9_aBcDeFgHiJkLmNoP";

function corrupt(bytes: Uint8Array, fingerprint?: string): CorruptResultError {
  try {
    codec.decode(bytes, fingerprint);
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptResultError);
    return error as CorruptResultError;
  }
  throw new Error("decode accepted bytes it should have refused");
}

describe("the result envelope names its fingerprint", () => {
  it("is format version 2 and carries the key after the codec name; the payload stays 8-byte aligned", () => {
    expect(RESULT_FORMAT_VERSION).toBe(2);
    const bytes = Buffer.from(codec.encode({ a: 1 }, undefined, FP));
    expect(bytes[3]).toBe(2);
    expect(bytes.subarray(5, 7).toString()).toBe("v8");
    expect(bytes.readUInt16BE(7)).toBe(FP.length);
    expect(bytes.subarray(9, 9 + FP.length).toString("latin1")).toBe(FP);
    const payloadStart = 9 + FP.length + ((8 - ((9 + FP.length + 16) % 8)) % 8) + 16;
    expect(payloadStart % 8).toBe(0);
    expect(codec.decode(bytes, FP)).toEqual({ a: 1 });
  });

  it("bytes written for one fingerprint and read under another are corrupt, naming both", () => {
    const bytes = codec.encode("right value", undefined, FP);
    expect(corrupt(bytes, OTHER).message).toMatch(
      new RegExp(`under "${OTHER}" was written for "${FP}": its bytes belong to another entry`),
    );
  });

  it("bytes that name no fingerprint are corrupt when read under one", () => {
    expect(corrupt(codec.encode("x"), FP).message).toMatch(/names no fingerprint/);
    // Without an expected key (transport, tools), both decode.
    expect(codec.decode(codec.encode("x"))).toBe("x");
    expect(codec.decode(codec.encode("x", undefined, FP))).toBe("x");
  });

  it("a damaged key byte fails the checksum even when no key is expected", () => {
    const bytes = Buffer.from(codec.encode([1, 2, 3], undefined, FP));
    for (let at = 9; at < 9 + FP.length; at++) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x01;
      corrupt(damaged);
      corrupt(damaged, FP);
    }
  });

  it("every flipped byte and every truncation of a named envelope is detected", () => {
    const bytes = Buffer.from(codec.encode({ s: "hello", n: [1, 2] }, undefined, FP));
    for (let at = 0; at < bytes.length; at++) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x01;
      corrupt(damaged, FP);
    }
    for (let length = 0; length < bytes.length; length++) corrupt(bytes.subarray(0, length), FP);
  });

  it("a version 1 envelope (before keys were named) is corrupt: recomputed once, never trusted", () => {
    // Version 1: "HAM" | 1 | name length | name | padding | checksum | length | payload.
    const v1 = Buffer.from(codec.encode(7));
    v1[3] = 1;
    expect(corrupt(v1, FP).message).toMatch(/envelope format version 1, this ham reads version 2/);
  });

  it("a fingerprint that cannot be written in the envelope is a CodecError, not a broken envelope", () => {
    expect(() => codec.encode(1, "N", "ü€")).toThrow(/cannot name fingerprint/);
  });
});
