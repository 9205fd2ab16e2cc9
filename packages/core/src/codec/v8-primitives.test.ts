// deserializeFaithfully reads a lone primitive straight from v8's format (no Deserializer per small
// result, issue 19). It must give exactly what v8's own deserializer gives, and leave everything
// else, malformed bytes included, to v8. serializeFaithfully writes one the same way (no Serializer):
// bytes v8 itself reads back as the same value.
import v8 from "node:v8";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deserializeFaithfully, serializeFaithfully } from "./v8-codec.js";
import { writePrimitive } from "./v8-primitives.js";

const RUNS = Number(process.env.HAM_PROPERTY_RUNS ?? 5_000);

/** Same value as v8.deserialize gives, by Object.is (so -0 and NaN count). */
function expectSameAsV8(bytes: Uint8Array): void {
  const ours = deserializeFaithfully(bytes);
  const theirs = v8.deserialize(bytes);
  expect(Object.is(ours, theirs), `${String(ours)} vs ${String(theirs)}`).toBe(true);
  expect(typeof ours).toBe(typeof theirs);
}

const primitives = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MIN_VALUE),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
);

describe("lone primitives read without v8's deserializer", () => {
  it("give exactly what v8.deserialize gives, for every number, boolean, null, undefined and string", () => {
    fc.assert(
      fc.property(primitives, (value) => {
        expectSameAsV8(v8.serialize(value));
        const faithful = serializeFaithfully(value, []);
        expect(Object.is(deserializeFaithfully(faithful), value)).toBe(true);
      }),
      { numRuns: RUNS, seed: 19_019 },
    );
  });

  it("the edges of each encoding: int32 bounds, long varints, empty and 200-character Latin-1 strings", () => {
    const values = [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 31 - 1, -(2 ** 31), "", "é".repeat(200), "\u00ff"];
    for (const value of values) expectSameAsV8(v8.serialize(value));
  });

  it("anything else, and bytes left over or cut short, go to v8 (which decodes or refuses them)", () => {
    for (const value of [[1], { a: 1 }, 10n, new Date(0), "€ two-byte", new Uint8Array([1, 2])]) {
      expect(deserializeFaithfully(v8.serialize(value))).toEqual(value);
    }
    const one = Buffer.from(v8.serialize(1));
    // A trailing byte after a complete value: v8 reads the value and ignores the rest; so must we.
    const trailing = Buffer.concat([one, Buffer.of(0x00)]);
    expect(deserializeFaithfully(trailing)).toBe(v8.deserialize(trailing));
    const cutString = Buffer.from(v8.serialize("abcdef")).subarray(0, 6);
    expect(() => deserializeFaithfully(cutString)).toThrow();
    const cutDouble = Buffer.from(v8.serialize(1.5)).subarray(0, 7);
    expect(() => deserializeFaithfully(cutDouble)).toThrow();
    const endlessVarint = Buffer.of(0xff, 0x0f, 0x49, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
    // Longer than an int32's five bytes: left to v8, whatever it makes of it.
    expectSameAsV8(endlessVarint);
  });

  it("are written without v8's serializer as bytes v8.deserialize reads back as the same value, after the room asked for", () => {
    const room = Uint8Array.of(7, 7, 7);
    fc.assert(
      fc.property(primitives, (value) => {
        const bytes = serializeFaithfully(value, [room]);
        expect([...bytes.subarray(0, 3)]).toEqual([7, 7, 7]);
        const payload = bytes.subarray(3);
        expect(Object.is(v8.deserialize(payload), value), String(value)).toBe(true);
        expect(Object.is(deserializeFaithfully(payload), value)).toBe(true);
        // Where v8's own bytes cannot differ (no Smi-or-double choice), they are v8's bytes.
        if (typeof value !== "number" && writePrimitive(value, []) !== undefined)
          expect(Buffer.from(payload).equals(Buffer.from(v8.serialize(value)))).toBe(true);
      }),
      { numRuns: RUNS, seed: 19_020 },
    );
  });

  it("the writer takes lone numbers, booleans, null, undefined and short ASCII strings, and leaves the rest to v8", () => {
    for (const value of [
      0,
      -0,
      1.5,
      Number.NaN,
      -(2 ** 31),
      2 ** 31,
      true,
      false,
      null,
      undefined,
      "",
      "a".repeat(256),
    ])
      expect(writePrimitive(value, []), String(value)).toBeInstanceOf(Buffer);
    for (const value of ["a".repeat(257), "é", "€", 10n, {}, [], Symbol.iterator, () => 1])
      expect(writePrimitive(value, []), String(value)).toBeUndefined();
    // int32 as v8 writes a small integer, the edges of the zigzag varint included.
    for (const value of [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 31 - 1, -(2 ** 31)])
      expect(
        Buffer.from(writePrimitive(value, []) as Buffer).equals(Buffer.from(v8.serialize(value))),
        String(value),
      ).toBe(true);
  });
});
