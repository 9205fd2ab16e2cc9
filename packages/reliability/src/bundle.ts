// Bundles worker.ts (and the ham sources it imports) into one plain-JS file, so each child process
// starts in ~0.1 s instead of compiling TypeScript on the fly: the crash tests start hundreds.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
// Inside the package, so the externals (native or large: level, pg, the AWS SDK) resolve from its node_modules.
const outDir = path.join(here, "..", "node_modules", ".cache", "ham-reliability");

let bundled: Promise<string> | undefined;

/** Path of the bundled worker (built once per test process). */
export function workerBundle(): Promise<string> {
  bundled ??= (async () => {
    fs.mkdirSync(outDir, { recursive: true });
    const dir = path.join(outDir, `worker-${process.pid}`);
    await build({
      entryPoints: [path.join(here, "worker.ts")],
      outdir: dir,
      outExtension: { ".js": ".mjs" },
      // Each store package in its own chunk, loaded only by workers that use it (level and pg
      // cost ~150 ms of start-up to load).
      splitting: true,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      conditions: ["@ham/source"],
      external: ["level", "classic-level", "pg", "@aws-sdk/*"],
      // Bundled CommonJS dependencies call require(): give the ES module one.
      banner: {
        js: "import { createRequire as __hamRequire } from 'node:module'; const require = __hamRequire(import.meta.url);",
      },
      // Smaller source parses faster: start-up is most of what a kill costs.
      minify: true,
      keepNames: true,
      logLevel: "error",
    });
    return path.join(dir, "worker.mjs");
  })();
  return bundled;
}
