// Shared vitest settings: tests run against sibling packages' source, never their build output.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export const sharedConfig = defineConfig({
  resolve: {
    alias: [
      { find: /^@ham\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
      // Subpath exports (`@ham/core/executor`): one file each in src/exports/, as package.json maps them.
      { find: /^@ham\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${root}packages/$1/src/exports/$2.ts` },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    typecheck: { enabled: false },
  },
});
