// The `ham` command: argument parsing, dispatch to the cache commands, output and exit codes
// (0 ok, 1 error with a one-line message, 2 usage).
import { parseArgs } from "node:util";
import { ConfigurationError, type RunRecord, errorMessage } from "@ham/core";
import {
  type GcOptions,
  type GcReport,
  clearCache,
  collectGarbage,
  explainRun,
  formatBytes,
  plural,
  readRun,
  readRuns,
  summarizeCache,
  summarizeRun,
} from "@ham/core/lifecycle";
import { type OpenedCache, openCache } from "./config.js";
import { ago, dateTime, elapsed, errorLine, keyValues, percent, table } from "./format.js";
import packageJson from "../package.json" with { type: "json" };
import { runInit } from "./init/init.js";
import { type CliIo, gcOptionsOf, wholeNumber } from "./options.js";
import { progressOn } from "./progress.js";
import { runUi } from "./ui.js";

export const USAGE = `Usage: ham cache <command> [options]
       ham init                      write a starter (dataflow.ts, main.ts, tsconfig.json, npm scripts) here
       ham worker [worker options]   run BullMQ node jobs (needs @ham/executor-bullmq; ham worker --help)
       ham ui [ui options]           a local web page over the cache (needs @ham/ui; ham ui --help)
       ham --version

Commands:
  stats                         records, results, bytes and the hit rate of recent runs
  runs                          run history with hits and misses per run
  explain [run] <node>          why a node hit or ran in a run (default: the latest; or an id prefix)
  gc                            remove old runs, records and results
  clear                         remove everything in the cache

Options:
  --config FILE                 cache options from FILE (default: ham.config.{js,mjs,ts} if present)
  --cache-dir DIR               a file cache folder (default: .ham_cache)
  --json                        machine-readable output
  stats:  --recent N            runs the hit rate covers (default 10)
  runs:   --limit N             newest N runs (default 20)
  gc:     (with none of --keep-runs, --max-bytes, --older-than: only results no record uses go)
          --keep-runs N         keep the newest N runs and what they use
          --max-bytes SIZE      remove least-recently-used results down to SIZE (e.g. 5GB, 500MiB)
          --older-than AGE      remove what was not used for AGE (e.g. 30d, 12h)
          --grace AGE           never remove what was used within AGE (default 10m)
          --dry-run             report what would be removed, remove nothing
  clear:  --dry-run
`;

const OPTIONS = {
  config: { type: "string" },
  "cache-dir": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  recent: { type: "string" },
  limit: { type: "string" },
  "keep-runs": { type: "string" },
  "max-bytes": { type: "string" },
  "older-than": { type: "string" },
  grace: { type: "string" },
  "dry-run": { type: "boolean" },
} as const;

const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  stats: ["recent"],
  runs: ["limit"],
  explain: [],
  gc: ["keep-runs", "max-bytes", "older-than", "grace", "dry-run"],
  clear: ["dry-run"],
};
const COMMON = ["config", "cache-dir", "json", "help", "version"];
/** The gc options that remove runs and records (without them gc only removes unreferenced results). */
const GC_LIMITS = ["keep-runs", "max-bytes", "older-than"] as const;

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "string" ? string : boolean };

/** Runs `ham <argv>`; resolves to the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() },
): Promise<number> {
  if (argv[0] === "worker") return runWorker(argv.slice(1), io);
  if (argv[0] === "init") return runInit(argv.slice(1), io, packageJson.version);
  if (argv[0] === "ui") return runUi(argv.slice(1), io);
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    }) as { values: Values; positionals: string[] });
  } catch (error) {
    return usage(io, errorMessage(error));
  }
  if (values.version) {
    io.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0 || positionals[0] === "help") {
    io.stdout.write(USAGE);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }
  const [group, command, ...args] = positionals;
  if (group !== "cache") return usage(io, `unknown command "${group}"; the commands are under "ham cache"`);
  if (command === undefined) return usage(io, `ham cache needs a command: stats, runs, explain, gc or clear`);
  const allowed = Object.hasOwn(COMMAND_OPTIONS, command) ? COMMAND_OPTIONS[command] : undefined;
  if (!allowed) return usage(io, `unknown command "ham cache ${command}"; use stats, runs, explain, gc or clear`);
  const misplaced = Object.keys(values).filter((k) => !COMMON.includes(k) && !allowed.includes(k));
  if (misplaced.length > 0)
    return usage(io, `ham cache ${command} does not take ${misplaced.map((k) => `--${k}`).join(", ")}`);
  if (
    command === "explain"
      ? args.length < 1 || args.length > 2 || (args.length === 1 && isLatest(args[0]))
      : args.length > 0
  ) {
    return usage(
      io,
      command === "explain"
        ? "ham cache explain needs a node: ham cache explain [run] <node> (the run defaults to the latest)"
        : `ham cache ${command} takes no arguments, got "${args.join(" ")}"`,
    );
  }

  let gcOptions: GcOptions = {};
  let count: number | undefined;
  try {
    if (command === "gc") gcOptions = gcOptionsOf(values);
    if (command === "stats" && values.recent !== undefined) count = wholeNumber(values.recent, "--recent");
    if (command === "runs" && values.limit !== undefined) count = wholeNumber(values.limit, "--limit");
  } catch (error) {
    return usage(io, error instanceof Error ? error.message.replace(/^\[ham\] /, "") : String(error));
  }

  let cache: OpenedCache | undefined;
  const progress = progressOn(io.stderr);
  try {
    cache = await openCache({ cwd: io.cwd, config: values.config, cacheDir: values["cache-dir"], mustExist: true });
    const json = values.json === true;
    const out = (text: string): void => void io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    switch (command) {
      case "stats": {
        const summary = await summarizeCache(cache.stores, { recentRuns: count ?? 10, onProgress: progress.update });
        progress.done();
        out(json ? JSON.stringify(summary, null, 2) : formatStats(cache.source, summary));
        break;
      }
      case "runs": {
        const runs = await readRuns(cache.stores.fingerprintStore, { limit: count ?? 20 });
        const summaries = runs.map(summarizeRun);
        out(json ? JSON.stringify(summaries, null, 2) : formatRuns(cache.source, summaries));
        break;
      }
      case "explain": {
        const [runArg, node] = (args.length === 1 ? ["latest", args[0]] : args) as [string, string];
        const runId = await resolveRun(cache, runArg);
        const explanation = await explainRun(cache.stores.fingerprintStore, runId, node);
        const { toString: _toString, ...fields } = explanation;
        out(json ? JSON.stringify(fields, null, 2) : formatExplanation(fields));
        break;
      }
      case "gc": {
        const found = await collectGarbage(cache.stores, { ...gcOptions, onProgress: progress.update });
        progress.done();
        const limited = GC_LIMITS.some((option) => values[option] !== undefined);
        const hint =
          "no --keep-runs, --max-bytes or --older-than given: gc keeps every run and record and removes only results no record points at; add one, e.g. --keep-runs 10 or --older-than 30d";
        const report = limited ? found : { ...found, notes: [...found.notes, hint] };
        out(json ? JSON.stringify(report, null, 2) : formatReport(report));
        break;
      }
      case "clear": {
        const report = await clearCache(cache.stores, {
          dryRun: values["dry-run"] === true,
          onProgress: progress.update,
        });
        progress.done();
        out(json ? JSON.stringify(report, null, 2) : formatReport(report));
        break;
      }
    }
    return 0;
  } catch (error) {
    progress.done();
    io.stderr.write(`${errorLine(error)}\n`);
    return 1;
  } finally {
    await cache?.close();
  }
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`ham: ${message}\nRun "ham --help" for usage.\n`);
  return 2;
}

function isLatest(text: string | undefined): boolean {
  return text === "latest" || text === "last";
}

/** "latest"/"last", an exact run id, or a prefix that matches one run. */
async function resolveRun(cache: OpenedCache, text: string): Promise<string> {
  const repo = cache.stores.fingerprintStore;
  if (!repo.listRuns) throw new ConfigurationError(`${repo.name} keeps no run history, so there is nothing to explain`);
  if (isLatest(text)) {
    const [newest] = await readRuns(repo, { limit: 1 });
    if (!newest)
      throw new ConfigurationError(`the run history of ${cache.source} is empty; run a cached dataflow first`);
    return newest.runId;
  }
  if (await readRun(repo, text)) return text;
  const matches: RunRecord[] = (await readRuns(repo)).filter((r) => r.runId.startsWith(text));
  if (matches.length === 1) return (matches[0] as RunRecord).runId;
  if (matches.length === 0)
    throw new ConfigurationError(`no run "${text}" in the history of ${cache.source}; list runs with: ham cache runs`);
  throw new ConfigurationError(
    `run "${text}" is ambiguous (${matches.length} runs start with it); give more of the id`,
  );
}

function formatStats(source: string, s: Awaited<ReturnType<typeof summarizeCache>>): string {
  const unknown = "(store cannot list)";
  return keyValues([
    ["cache", source],
    [
      "records",
      s.entries === undefined
        ? unknown
        : `${s.entries}${s.newestEntryAt !== undefined ? ` (newest ${ago(s.newestEntryAt)}, oldest ${ago(s.oldestEntryAt ?? s.newestEntryAt)})` : ""}`,
    ],
    [
      "results",
      s.results === undefined
        ? unknown
        : `${s.results}${s.lastAccessAt !== undefined ? ` (last used ${ago(s.lastAccessAt)})` : ""}`,
    ],
    ["bytes", s.bytes === undefined ? unknown : formatBytes(s.bytes)],
    [
      "runs",
      s.runs === undefined
        ? "(no history)"
        : `${s.runs}${s.lastRunAt !== undefined ? ` (last ${ago(s.lastRunAt)})` : ""}`,
    ],
    [
      "hit rate",
      s.hitRate === undefined
        ? "- (no runs yet)"
        : `${percent(s.hitRate)} over the last ${plural(s.recentRuns, "run")} (${plural(s.recentHits, "hit")}, ${plural(s.recentMisses, "miss")})`,
    ],
  ]);
}

function formatRuns(source: string, runs: readonly ReturnType<typeof summarizeRun>[]): string {
  if (runs.length === 0) return `no runs in the history of ${source}`;
  return table(
    ["RUN", "STARTED", "DURATION", "OUTPUTS", "NODES", "HITS", "MISSES", "HIT RATE"],
    runs.map((r) => [
      r.runId,
      dateTime(r.startedAt),
      elapsed(r.durationMs),
      truncate(r.outputs.join(","), 24),
      String(r.nodes),
      String(r.hits),
      String(r.computed + r.recomputed + r.failed),
      percent(r.hitRate),
    ]),
  );
}

function formatExplanation(e: {
  node: string;
  runId: string | undefined;
  outcome: string;
  reason: string;
  changedInputs: readonly string[];
  codeVersionChanged: boolean;
  previousRunId: string | undefined;
}): string {
  const pairs: [string, string][] = [
    ["node", e.node],
    ["run", e.runId ?? "-"],
    ["outcome", e.outcome],
    ["reason", e.reason],
  ];
  if (e.previousRunId !== undefined) pairs.push(["compared with", `run ${e.previousRunId}`]);
  if (e.changedInputs.length > 0) pairs.push(["changed inputs", e.changedInputs.join(", ")]);
  if (e.codeVersionChanged) pairs.push(["code version", "changed"]);
  return keyValues(pairs);
}

function formatReport(r: GcReport): string {
  const count = (n: number | undefined, word: string) => (n === undefined ? `? ${word}s` : plural(n, word));
  const lines = [
    keyValues([
      [
        r.dryRun ? "would remove" : "removed",
        `${plural(r.runsRemoved, "run")}, ${plural(r.entriesRemoved, "record")}, ${plural(r.resultsRemoved, "result")} (${formatBytes(r.bytesFreed)})`,
      ],
      [
        "kept",
        `${plural(r.runsKept, "run")}, ${count(r.entriesKept, "record")}, ${count(r.resultsKept, "result")}${r.bytesKept === undefined ? "" : ` (${formatBytes(r.bytesKept)})`}`,
      ],
    ]),
  ];
  for (const note of r.notes) lines.push(`note: ${note}`);
  if (r.dryRun) lines.push("dry run: nothing was removed");
  return lines.join("\n");
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** `ham worker …`: hands over to @ham/executor-bullmq's worker, which is an optional install. */
async function runWorker(args: readonly string[], io: CliIo): Promise<number> {
  let workerModule: { runWorkerCli(args: readonly string[]): Promise<void> };
  try {
    // A variable specifier keeps bundlers and type checks from requiring the optional package.
    const specifier = "@ham/executor-bullmq";
    workerModule = (await import(specifier)) as typeof workerModule;
  } catch (error) {
    io.stderr.write(
      `[ham] ham worker needs @ham/executor-bullmq: npm install @ham/executor-bullmq (${errorMessage(error)})\n`,
    );
    return 1;
  }
  try {
    await workerModule.runWorkerCli(args);
    return 0;
  } catch (error) {
    io.stderr.write(`${errorMessage(error)}\n`);
    return 1;
  }
}
