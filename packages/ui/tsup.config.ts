import { defineConfig } from "tsup";
import { sharedTsup } from "../../tsup.shared.js";

// shims: the CommonJS build finds the page files through import.meta.url too.
export default defineConfig(sharedTsup({ shims: true }));
