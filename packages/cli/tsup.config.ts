import { defineConfig } from "tsup";
import { sharedTsup } from "../../tsup.shared.js";

// Two builds: the library (ESM + CJS + types) and the `ham` bin (ESM only, with its shebang).
export default defineConfig([
  sharedTsup(),
  sharedTsup({ entry: { cli: "src/cli.ts" }, format: ["esm"], dts: false, clean: false }),
]);
