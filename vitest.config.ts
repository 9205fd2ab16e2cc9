// Root vitest entry: runs every workspace project's tests in one process pool.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "bench"],
  },
});
