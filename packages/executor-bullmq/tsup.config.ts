import { defineConfig } from "tsup";
import { sharedTsup } from "../../tsup.shared.js";

export default defineConfig([
  sharedTsup(),
  sharedTsup({ entry: ["src/bin.ts"], format: ["esm"], dts: false, clean: false }),
]);
