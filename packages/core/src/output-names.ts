// Type-level only: which node names execute, visualizeExecution and cache.explain accept, and the
// message TypeScript shows beside them when a name is misspelt.

/**
 * Names `execute` accepts without a type argument: the nodes TypeScript can see in the modules, or
 * any name when it sees none (a module typed `object`).
 */
export type OutputName<N> = [keyof N] extends [never] ? string : Extract<keyof N, string>;

/**
 * Shown beside the known names when an output name is misspelt (TypeScript adds "Did you mean …?").
 * The overload with known names comes last, so TypeScript 7 (which reports only the last overload's
 * error) prints it too.
 */
export type UnknownOutput =
  '‹unknown output name: use one of the names listed before this, or name every output in the type argument, e.g. execute<"F" | "D">(…)›';

/** `string` / `string[]` built at run time (not literal names) is passed through: types cannot check it. */
export type DynamicNames<K extends string> = string extends K ? K : never;
