// A driver's execution plans, remembered by what they depend on: the outputs and the names of the inputs and overrides given.
import type { ExecutionPlan } from "./plan.js";

/** Plans kept per driver; past this many distinct requests the oldest is forgotten. */
const MAX_PLANS = 64;

/**
 * Plans by request shape. A plan depends only on names — the outputs, which inputs and overrides
 * were given — never on their values, so a repeated `execute` with the same shape reuses it. A
 * request whose planning throws is not remembered: it throws again next time.
 */
export class PlanCache {
  readonly #plans = new Map<string, ExecutionPlan>();

  /** The plan for this shape: remembered, or made by `make` and remembered. */
  plan(
    outputs: readonly string[],
    inputNames: readonly string[],
    overrideNames: readonly string[],
    make: () => ExecutionPlan,
  ): ExecutionPlan {
    const key = shapeKey(outputs, inputNames, overrideNames);
    const known = this.#plans.get(key);
    if (known) return known;
    const made = make();
    if (this.#plans.size >= MAX_PLANS) this.#plans.delete(this.#plans.keys().next().value as string);
    this.#plans.set(key, made);
    return made;
  }

  /** How many plans are remembered (for tests). */
  get size(): number {
    return this.#plans.size;
  }
}

/** One string per request shape: each name with its length in front, so no two lists of names give the same key. */
function shapeKey(outputs: readonly string[], inputNames: readonly string[], overrideNames: readonly string[]): string {
  let key = "";
  for (const list of [outputs, inputNames, overrideNames]) {
    key += `${list.length}|`;
    for (const name of list) key += `${name.length}:${name}`;
  }
  return key;
}
