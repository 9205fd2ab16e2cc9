// Type-level only: what a modifier adds to (or removes from) a module's node names, so
// `execute(["springSale"])` and `execute(["mean"])` are typed without a type argument.

declare const MAKES: unique symbol;
declare const REPLACES: unique symbol;

/** A wrapped function that also makes the nodes `Nodes` (name → result type); never present at run time. */
export interface MakesNodes<Nodes> {
  readonly [MAKES]?: Nodes;
}

/** A wrapped function whose export name is not a node itself (parameterize); never present at run time. */
export interface ReplacesItself {
  readonly [REPLACES]?: true;
}

/** The nodes a module value makes besides itself (`{}` when none). */
export type MadeNodes<V> = typeof MAKES extends keyof V ? NonNullable<V[typeof MAKES]> : {};

/** True when the module value is not a node under its own name. */
export type IsReplaced<V> = typeof REPLACES extends keyof V ? true : false;
