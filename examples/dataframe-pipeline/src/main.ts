// Runs the dataframe pipeline on a generated table (default 1e6 rows) with a throwaway cache folder.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPipeline } from "./pipeline.js";

const rows = Number(process.argv[2] ?? 1_000_000);
const path = mkdtempSync(join(tmpdir(), "ham-dataframe-"));
try {
  await runPipeline({ path, rows });
} finally {
  rmSync(path, { recursive: true, force: true });
}
