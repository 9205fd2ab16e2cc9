// `ham ui`: opens the configured cache like the other commands and serves @ham/ui's page over it
// until interrupted (Ctrl-C). @ham/ui is an optional install, like the BullMQ worker.
import { parseArgs } from "node:util";
import { errorMessage } from "@ham/core";
import { parseSize } from "@ham/core/lifecycle";
import { type OpenedCache, openCache } from "./config.js";
import { type CliIo, gcOptionsOf, wholeNumber } from "./options.js";
import { errorLine } from "./format.js";

export const UI_USAGE = `Usage: ham ui [options]   a local web page over the cache: runs, DAGs, explain, diffs, gc (needs @ham/ui)

Options:
  --port N                      port to listen on (default 4477; 0 picks a free one)
  --host ADDRESS                address to listen on (default 127.0.0.1; anything else exposes the cache to the network)
  --allow-gc                    let the page run gc (without it, the page only shows what gc would remove)
  --preview-bytes SIZE          largest stored result the node view previews (default 64KiB)
  --config FILE, --cache-dir DIR   which cache, as for ham cache
  gc rules the cache view applies: --keep-runs N, --max-bytes SIZE, --older-than AGE, --grace AGE
`;

type UiModule = typeof import("@ham/ui");

/** Runs `ham ui`; resolves with the exit code once `stop` fires (SIGINT/SIGTERM by default). */
export async function runUi(argv: readonly string[], io: CliIo, stop: AbortSignal = signalOnExit()): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "allow-gc": { type: "boolean" },
        "preview-bytes": { type: "string" },
        config: { type: "string" },
        "cache-dir": { type: "string" },
        "keep-runs": { type: "string" },
        "max-bytes": { type: "string" },
        "older-than": { type: "string" },
        grace: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    io.stderr.write(`ham: ${errorMessage(error)}\nRun "ham ui --help" for usage.\n`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(UI_USAGE);
    return 0;
  }
  let ui: UiModule;
  try {
    // A variable specifier keeps bundlers from requiring the optional package.
    const specifier = "@ham/ui";
    ui = (await import(specifier)) as UiModule;
  } catch (error) {
    io.stderr.write(`[ham] ham ui needs @ham/ui: npm install @ham/ui (${errorMessage(error)})\n`);
    return 1;
  }
  let cache: OpenedCache | undefined;
  try {
    const port = values.port === undefined ? undefined : wholeNumber(values.port as string, "--port");
    const previewBytes =
      values["preview-bytes"] === undefined
        ? undefined
        : parseSize(values["preview-bytes"] as string, "--preview-bytes");
    const gc = gcOptionsOf(values);
    cache = await openCache({
      cwd: io.cwd,
      config: values.config as string | undefined,
      cacheDir: values["cache-dir"] as string | undefined,
      mustExist: true,
    });
    const server = await ui.startUi({
      stores: cache.stores,
      source: cache.source,
      ...(port !== undefined ? { port } : {}),
      ...(values.host !== undefined ? { host: values.host as string } : {}),
      ...(previewBytes !== undefined ? { previewBytes } : {}),
      allowGc: values["allow-gc"] === true,
      gc,
    });
    io.stdout.write(
      `ham ui: ${server.url}  (cache: ${cache.source}${values["allow-gc"] ? ", gc allowed" : ""}; Ctrl-C stops)\n`,
    );
    if (!ui.isLoopback(server.host))
      io.stderr.write(
        `[ham] warning: ham ui listens on ${server.host}: anyone who can reach this machine can read the cache\n`,
      );
    await new Promise<void>((resolve) =>
      stop.aborted ? resolve() : stop.addEventListener("abort", () => resolve(), { once: true }),
    );
    await server.close();
    return 0;
  } catch (error) {
    io.stderr.write(`${errorLine(error)}\n`);
    return 1;
  } finally {
    await cache?.close();
  }
}

function signalOnExit(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => controller.abort());
  return controller.signal;
}
