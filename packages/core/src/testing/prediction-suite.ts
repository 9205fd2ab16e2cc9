// Test support: the vitest cases comparing speculative lookups with the level-by-level path on one setup.
import { expect, it } from "vitest";
import { DISTURBANCES, type StorePair, runPath } from "./prediction.js";

/** One case per disturbance: both paths on fresh stores from `make` give the same values, records, explanations and calls. */
export function predictionCases(make: () => StorePair | Promise<StorePair>, timeout = 60_000): void {
  it.each(DISTURBANCES)("%s: predicted and level-by-level runs agree", { timeout }, async (disturbance) => {
    const predicted = await runPath(await make(), true, disturbance);
    const levels = await runPath(await make(), false, disturbance);
    expect(predicted.values).toEqual(levels.values);
    expect(predicted.records).toEqual(levels.records);
    expect(predicted.explanations).toEqual(levels.explanations);
    expect(predicted.calls).toEqual(levels.calls);
    if (disturbance === "nothing") {
      // A new driver: the history and one batch; the same driver again: one batch.
      expect(predicted.roundTrips).toEqual([2, 1]);
      expect(predicted.calls).toEqual([[], []]);
      expect(levels.roundTrips[0]).toBeGreaterThanOrEqual(8);
    } else {
      // The disturbance shows: something recomputes.
      expect(predicted.calls[0]?.length).toBeGreaterThan(0);
    }
  });
}
