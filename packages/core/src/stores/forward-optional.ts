// forwardOptional: how a store decorator (signing, read-only, a benchmark's latency) takes over the
// optional members of the store it wraps, written once instead of an `if (inner.x) this.x = …` per member.

/** The names of T's optional methods (`open?`, `getMany?`, …). */
export type OptionalMethods<T> = {
  [K in keyof T]-?: {} extends Pick<T, K>
    ? NonNullable<T[K]> extends (...args: never[]) => unknown
      ? K
      : never
    : never;
}[keyof T];

/**
 * What a decorator does with one optional member of the store it wraps:
 * - `"forward"`: the decorator has it exactly when the inner store has it, and calls straight through;
 * - `"omit"`: not taken over (the decorator defines its own, or deliberately leaves it out);
 * - a function: given the inner store's method (bound to it), returns the decorator's version; used
 *   only when the inner store has the member.
 */
export type Forwarding<F> = "forward" | "omit" | ((inner: F) => F);

/**
 * Sets on `target` (a decorator, from its constructor) each optional member of `inner` as `plan` says.
 * `plan` must name every optional method of the contract `T`, so a member added to the contract is a
 * type error in every decorator until someone decides how that decorator treats it: a decorator that
 * forwarded new members by default could let a write bypass signing or read-only.
 */
export function forwardOptional<T extends object>(
  target: T,
  inner: T,
  plan: { readonly [K in OptionalMethods<T>]-?: Forwarding<NonNullable<T[K]>> },
): void {
  const members = target as Record<string, unknown>;
  const source = inner as Record<string, unknown>;
  for (const [name, how] of Object.entries(plan) as [string, Forwarding<(...args: unknown[]) => unknown>][]) {
    if (how === "omit" || typeof source[name] !== "function") continue;
    // Looked up at call time, as a hand-written `(…) => inner.x(…)` would.
    const call = (...args: unknown[]): unknown => (source[name] as (...args: unknown[]) => unknown).apply(inner, args);
    members[name] = how === "forward" ? call : how(call);
  }
}
