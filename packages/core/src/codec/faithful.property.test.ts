// Issue 16's checkable rule, as properties over generated values of every observable shape: the real
// ResultCodec gives each value back observably identical or refuses it naming a path, and values that
// differ observably never share a fingerprint. Fixed seed; HAM_SOAK=1 (pnpm test:soak) runs longer.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isUniqueFingerprint } from "../caching/unique.js";
import { fingerprintValue, hashingReady } from "../fingerprint/index.js";
import { firstDifference } from "../testing/observable.js";
import { type Mutation, binaryIn, mutate, observableValues } from "../testing/test-helpers.js";
import { CodecError, ResultCodec } from "./index.js";

const SOAK = process.env.HAM_SOAK === "1";
const RUNS = Number(process.env.HAM_PROPERTY_RUNS ?? (SOAK ? 50_000 : 2_000));
const SEED = Number(process.env.HAM_PROPERTY_SEED ?? 16_016);
const codec = new ResultCodec();
const quiet = { warn: () => undefined };

beforeAll(() => hashingReady());

/** decode(encode(value)), or the CodecError refusing it. */
function roundTrip(value: unknown): { back: unknown } | { refused: CodecError } {
  let bytes: Uint8Array;
  try {
    bytes = codec.encode(value);
  } catch (error) {
    if (error instanceof CodecError) return { refused: error };
    throw error;
  }
  return { back: codec.decode(bytes) };
}

describe("the result codec keeps what JavaScript can observe, or refuses", () => {
  it(`decode(encode(v)) is observably v, or v is refused naming the path (${RUNS} values, seed ${SEED})`, () => {
    let kept = 0;
    let refused = 0;
    fc.assert(
      fc.property(observableValues, (value) => {
        const outcome = roundTrip(value);
        if ("refused" in outcome) {
          expect(outcome.refused.message).toMatch(/ at \$[^:]*: /);
          refused++;
          return;
        }
        expect(firstDifference(value, outcome.back)).toBeUndefined();
        // Binary data from the cache owns exactly its bytes: nothing else of the stored bytes shows.
        for (const item of binaryIn(outcome.back)) {
          if (item instanceof ArrayBuffer) continue;
          expect([item.byteOffset, item.buffer.byteLength]).toEqual([0, item.byteLength]);
        }
        kept++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Both branches are exercised: most values are kept, some refused.
    expect(kept).toBeGreaterThan(RUNS / 2);
    expect(refused).toBeGreaterThan(RUNS / 50);
  });
});

describe("values that differ observably get different fingerprints", () => {
  it(`independently generated pairs (${RUNS} pairs, seed ${SEED})`, () => {
    fc.assert(
      fc.property(observableValues, observableValues, (a, b) => {
        const [fa, fb] = [fingerprintValue(a, quiet), fingerprintValue(b, quiet)];
        if (isUniqueFingerprint(fa) || isUniqueFingerprint(fb)) return;
        const difference = firstDifference(a, b);
        if (difference !== undefined) expect(fb, difference).not.toBe(fa);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`a value and a copy with one observable change (${3 * RUNS} tries, seed ${SEED})`, () => {
    let checked = 0;
    fc.assert(
      fc.property(observableValues, fc.nat(), fc.nat(), (value, which, how) => {
        const outcome = roundTrip(value);
        if ("refused" in outcome) return;
        let mutation: Mutation | undefined;
        for (let step = 0; step < 9 && mutation === undefined; step++)
          mutation = mutate(outcome.back, which, how + step);
        if (mutation === undefined) return;
        const difference = firstDifference(value, outcome.back);
        if (difference === undefined) return;
        const [fa, fb] = [fingerprintValue(value, quiet), fingerprintValue(outcome.back, quiet)];
        if (isUniqueFingerprint(fa) || isUniqueFingerprint(fb)) return;
        checked++;
        expect(fb, `${mutation.change} on ${mutation.kind}: ${difference}`).not.toBe(fa);
      }),
      { seed: SEED, numRuns: 3 * RUNS },
    );
    // Most tries are primitives, refused values or unfingerprintable ones; hundreds remain.
    expect(checked).toBeGreaterThan(RUNS / 10);
  });

  const covered: [string, () => unknown, () => unknown][] = [
    [
      "a Map with an extra own property",
      () => Object.assign(new Map([[1, 2]]), { unit: "kg" }),
      () => new Map([[1, 2]]),
    ],
    ["a Date with an extra own property", () => Object.assign(new Date(0), { tz: "UTC" }), () => new Date(0)],
    ["RegExps with different lastIndex", () => Object.assign(/a/g, { lastIndex: 2 }), () => /a/g],
    ["a frozen object and an extensible one", () => Object.freeze({ a: 1 }), () => ({ a: 1 })],
    [
      "a Float64Array view at an offset and an owning copy",
      () => new Float64Array(4).subarray(1, 3),
      () => new Float64Array(2),
    ],
    [
      "a boxed Number with an extra own property",
      () => Object.assign(new Number(1), { unit: "kg" }),
      () => new Number(1),
    ],
    [
      "small arrays with different non-enumerable extra properties",
      () => Object.defineProperty([1], "unit", { value: "kg" }),
      () => Object.defineProperty([1], "unit", { value: "lb" }),
    ],
    [
      "an ArrayBuffer with an extra own property",
      () => Object.assign(new ArrayBuffer(2), { unit: "kg" }),
      () => new ArrayBuffer(2),
    ],
  ];
  it.each(covered)("%s get different fingerprints", (_, a, b) => {
    expect(firstDifference(a(), b())).toBeDefined();
    expect(fingerprintValue(a(), quiet)).not.toBe(fingerprintValue(b(), quiet));
  });
});
