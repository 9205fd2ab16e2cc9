import { defineConfig } from "tsup";
import { sharedTsup } from "../../tsup.shared.js";

/** The root export and one entry per subpath (package.json "exports"), each in src/exports/. */
const SUBPATHS = [
  "executor",
  "lifecycle",
  "visualize",
  "fingerprint",
  "codec",
  "stores",
  "modifiers",
  "testing",
] as const;

export default defineConfig(
  sharedTsup({
    entry: { index: "src/index.ts", ...Object.fromEntries(SUBPATHS.map((name) => [name, `src/exports/${name}.ts`])) },
    // Shared chunks, so the entries share one copy of each class (`instanceof StoreError` holds across them).
    splitting: true,
  }),
);
