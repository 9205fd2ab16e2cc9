// Shared tsup settings: every package ships ESM + CJS + .d.ts from src/index.ts.
import type { Options } from "tsup";

export const sharedTsup = (overrides: Options = {}): Options => ({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  // No source maps: the published dist/ is unminified, readable JavaScript, and maps would triple
  // the install size (see CONTRIBUTING.md, "What a package ships").
  sourcemap: false,
  target: "node20",
  splitting: false,
  treeshake: true,
  ...overrides,
});
