// Test support: the vitest cases comparing speculative lookups with the level-by-level path on one setup.
import { expect, it } from "vitest";
import { DISTURBANCES, type StorePair, runPath } from "../src/testing/prediction.js";

/**
 * One case per disturbance: both paths on fresh stores from `make` give the same values, records,
 * explanations and calls. With nothing changed the chain has `chain` nodes (default 100; fewer for
 * slow stores) and the predicted path must take 2 round trips.
 */
export function predictionCases(
  make: () => StorePair | Promise<StorePair>,
  { chain = 100, timeout = 120_000 } = {},
): void {
  it.each(DISTURBANCES)("%s: predicted and level-by-level runs agree", { timeout }, async (disturbance) => {
    // Nothing changed: a long chain; otherwise 8 nodes (the disturbance is in the middle).
    const length = disturbance === "nothing" ? chain : 8;
    const predicted = await runPath(await make(), true, disturbance, length);
    const levels = await runPath(await make(), false, disturbance, length);
    expect(predicted.values).toEqual(levels.values);
    expect(predicted.records).toEqual(levels.records);
    expect(predicted.explanations).toEqual(levels.explanations);
    expect(predicted.calls).toEqual(levels.calls);
    if (disturbance === "nothing") {
      // A new driver: the history and one batch; the same driver again: one batch.
      expect(predicted.roundTrips).toEqual([2, 1]);
      expect(predicted.calls).toEqual([[], []]);
      expect(levels.roundTrips).toEqual([length, length]);
    } else {
      // The disturbance shows: something recomputes.
      expect(predicted.calls[0]?.length).toBeGreaterThan(0);
    }
  });
}
