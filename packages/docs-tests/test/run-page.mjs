// Child process of the docs runner: imports a page's block files in order and reports which one failed.
import { pathToFileURL } from "node:url";

// The fresh-vs-warm cross-check (fresh-vs-warm.test.ts): wraps every cached driver's execute.
const crosscheck = process.env.HAM_CROSSCHECK ? await import("./crosscheck-hook.ts") : undefined;

for (const [index, file] of process.argv.slice(2).entries()) {
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    process.stderr.write(
      `\nBLOCK-FAILED ${index}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    if (error instanceof Error && error.cause) process.stderr.write(`cause: ${String(error.cause)}\n`);
    process.exit(1);
  }
}
await crosscheck?.finish();
