// Shared tsup settings: every package ships ESM + CJS + .d.ts from src/index.ts.
import type { Options } from "tsup";

export const sharedTsup = (overrides: Options = {}): Options => ({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  splitting: false,
  treeshake: true,
  ...overrides,
});
