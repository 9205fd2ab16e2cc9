import { defineConfig } from "tsup";
import { sharedTsup } from "../../tsup.shared.js";

// The worker file is plain JavaScript so threads can load it from src/ (tests) and dist/ alike.
export default defineConfig(sharedTsup({ shims: true, onSuccess: "cp src/thread-worker.mjs dist/thread-worker.mjs" }));
