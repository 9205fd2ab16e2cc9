import { cpSync } from "node:fs";
import { defineConfig } from "tsup";
import { sharedTsup } from "../../tsup.shared.js";

// shims: the CommonJS build finds the page files through import.meta.url too. The page (HTML, JS,
// CSS) ships inside dist/, the only folder a package publishes (CONTRIBUTING.md, "What a package ships").
export default defineConfig(
  sharedTsup({
    shims: true,
    onSuccess: async () => {
      cpSync("page", "dist/page", { recursive: true });
    },
  }),
);
