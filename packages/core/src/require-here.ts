// Requiring a module by name, synchronously, in the ESM build and the CJS one alike: for the optional
// native hashing binary, and for Node built-ins that only some calls need, so importing @ham/core
// does not load them (child_process for Graphviz, inspector for locating scripts: ~4 ms each).
import { createRequire } from "node:module";

/** Requires a module by name from this package (replaced in tests to simulate a missing binary). */
export type RequireFn = (name: string) => unknown;

// In the CJS build esbuild empties `import.meta`, so a missing url means CommonJS (as in
// @ham/fingerprint-dataframe's library loader; vitest defines __filename in ES modules too).
const esmUrl = (import.meta as { url?: string }).url;

let required: ((name: string) => unknown) | undefined;

/** `require(name)` from this package's own location. */
export const requireHere: RequireFn = (name) => {
  required ??= createRequire(esmUrl ?? __filename);
  return required(name);
};
