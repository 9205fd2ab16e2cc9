// Issue 16's checkable rule, as properties over generated values of every observable shape: the real
// ResultCodec gives each value back observably identical or refuses it naming a path, and values that
// differ observably never share a fingerprint. Fixed seed; HAM_SOAK=1 (pnpm test:soak) runs longer.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isUniqueFingerprint } from "../caching/unique.js";
import { fingerprintValue, hashingReady } from "../fingerprint/index.js";
import { firstDifference } from "../testing/observable.js";
import { binaryIn, observableValues } from "../testing/test-helpers.js";
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
        if (firstDifference(a, b) !== undefined) expect(fb, `${firstDifference(a, b)}`).not.toBe(fa);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
