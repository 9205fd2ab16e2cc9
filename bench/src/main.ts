// CLI of `pnpm bench` / `pnpm bench:hamilton`: runs the benchmarks, compares with Hamilton, writes results.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { compare, goals } from "./compare.js";
import { benchmarksMarkdown, comparisonText, goalsText } from "./docs.js";
import { type HamiltonResults, readBaseline, readHamilton, runHamilton } from "./hamilton.js";
import { REPO_ROOT } from "./paths.js";
import { summarize } from "./profile.js";
import { type BenchResults, SECTIONS, type Section, runBench } from "./run-bench.js";

/** Where a partial run (--only) writes its figures: one file per run, so two partial runs at once do not overwrite each other. */
const partialFile = join(tmpdir(), `ham-bench-partial-${process.pid}.json`);

const USAGE = `usage: pnpm bench [--reps 5] [--sizes 10,100,1000,10000] [--rows 1000,100000,1000000]
                  [--only graphs,data,seed,import,fingerprint,stores,dataframes,latency,executors,memory] [--profile [N]]
                  [--hamilton | --hamilton-json file] [--no-docs] [--from-results]
  --hamilton       also run Apache Hamilton's baseline (anchors/hamilton-py/run.sh) in this session
  --hamilton-json  compare with a saved bench_hamilton.py JSON instead of running it
  --profile        write .cpuprofile files of warm N-node runs (default 1000) to bench/results/
  --from-results   run nothing: rebuild the comparison and docs/benchmarks.md from bench/results/*.json
  --update-results with --only: put the sections that ran into bench/results/ham.json and rebuild the docs`;

function list(text: string, name: string): number[] {
  const values = text
    .split(",")
    .filter(Boolean)
    .map((x) => Number(x));
  if (values.some((v) => !Number.isInteger(v) || v < 3))
    throw new Error(`--${name} needs whole numbers ≥ 3, got ${text}`);
  return values;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2).filter((a) => a !== "--");
  // `--profile` may be followed by a node count.
  const profileAt = argv.indexOf("--profile");
  let profileNodes = 0;
  if (profileAt >= 0) {
    const next = argv[profileAt + 1];
    profileNodes = next !== undefined && /^\d+$/.test(next) ? Number(next) : 1000;
    argv.splice(profileAt, next !== undefined && /^\d+$/.test(next) ? 2 : 1);
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      reps: { type: "string", default: "5" },
      sizes: { type: "string", default: "10,100,1000,10000" },
      rows: { type: "string", default: "1000,100000,1000000" },
      only: { type: "string" },
      hamilton: { type: "boolean", default: false },
      "hamilton-json": { type: "string" },
      "no-docs": { type: "boolean", default: false },
      "from-results": { type: "boolean", default: false },
      "update-results": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps needs a whole number ≥ 1, got ${values.reps}`);
  const sections = (values.only?.split(",") ?? [...SECTIONS]) as Section[];
  for (const s of sections)
    if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section "${s}"; use ${SECTIONS.join(",")}`);
  const sizes = list(values.sizes, "sizes");
  const rows = list(values.rows, "rows");
  const outDir = join(REPO_ROOT, "bench", "results");
  mkdirSync(outDir, { recursive: true });

  const hamiltonFile = join(outDir, "hamilton.json");
  let ham: BenchResults;
  let hamilton: HamiltonResults | undefined;
  let hamiltonSource = "run `pnpm bench:hamilton` to compare in the same session";
  let command = values.hamilton ? "pnpm bench:hamilton" : "pnpm bench";
  if (values["from-results"]) {
    ({ ham, hamilton, hamiltonSource } = fromResults(outDir, hamiltonFile));
    command = `${hamilton ? "pnpm bench:hamilton" : "pnpm bench"}; tables rebuilt from bench/results with --from-results`;
  } else {
    ham = await runBench({
      reps,
      sizes,
      rows,
      sections,
      storeNodes: 100,
      fingerprintBytes: 64 * 1024 * 1024,
      fingerprintCount: 100_000,
      importEntry: "dist",
      profileNodes,
      outDir,
      log: (line) => console.log(line),
    });
    // A partial run (--only) must not replace the full results the docs are built from.
    const hamFile = values.only === undefined ? join(outDir, "ham.json") : partialFile;
    writeFileSync(hamFile, `${JSON.stringify(ham, null, 2)}\n`);
    if (values.only !== undefined && values["update-results"]) {
      // Later figures for some sections (e.g. stores once services are up) merged into the last full run.
      const previous = JSON.parse(readFileSync(join(outDir, "ham.json"), "utf8")) as BenchResults;
      // Earlier re-measurements stay listed unless this run measured all of their sections again.
      const updates = [
        ...(previous.meta.updated ?? "")
          .split("; ")
          .filter(
            (u) => u !== "" && !(u.split(" at ")[0] ?? "").split(",").every((s) => sections.includes(s as Section)),
          ),
        `${sections.join(",")} at ${ham.meta.date}`,
      ];
      const merged = {
        ...previous,
        meta: { ...previous.meta, updated: updates.join("; ") },
      } as BenchResults;
      for (const section of sections) (merged as unknown as Record<string, unknown>)[section] = ham[section];
      writeFileSync(join(outDir, "ham.json"), `${JSON.stringify(merged, null, 2)}\n`);
      ({ ham, hamilton, hamiltonSource } = fromResults(outDir, hamiltonFile));
      const updated = updates.map((u) => u.split(" at ")[0]).join(",");
      command = `${hamilton ? "pnpm bench:hamilton" : "pnpm bench"}; ${updated.replaceAll(",", ", ")} updated by pnpm bench --only ${updated} --update-results`;
    }

    if (values.hamilton) {
      const hamiltonSizes = sizes.filter((n) => n <= 1000); // Hamilton's recursive executor is not run at 10000
      hamilton = runHamilton(reps, hamiltonFile, hamiltonSizes, sections.includes("data") ? rows : []);
      hamiltonSource = "run by `pnpm bench:hamilton` in the same session, right after ham";
    } else if (values["update-results"]) {
      // hamilton was read with the merged results above
    } else if (values["hamilton-json"]) {
      hamilton = readHamilton(values["hamilton-json"]);
      hamiltonSource = `read from ${values["hamilton-json"]} (not this session)`;
    } else if (existsSync(hamiltonFile)) {
      hamilton = readHamilton(hamiltonFile);
      hamiltonSource = `saved ${relative(REPO_ROOT, hamiltonFile)} from ${statSync(hamiltonFile).mtime.toISOString()}, not this session`;
    }
  }

  const full = values.only === undefined || values["update-results"];
  const baseline = readBaseline();
  const comparison = compare(ham, hamilton, baseline);
  const goalRows = goals(ham, hamilton, comparison, baseline);
  if (full) {
    writeFileSync(
      join(outDir, "comparison.json"),
      `${JSON.stringify({ command, hamiltonSource, comparison, goals: goalRows }, null, 2)}\n`,
    );
  }
  console.log(
    `\n=== ham vs Hamilton (${hamiltonSource}) and vs Hamilton's results_baseline.txt; ratio = ham / Hamilton, lower is better ===`,
  );
  for (const line of comparisonText(comparison)) console.log(line);
  console.log("\n=== Goals ===");
  for (const line of goalsText(goalRows)) console.log(line);

  if (full && !values["no-docs"]) {
    const docs = join(REPO_ROOT, "docs", "benchmarks.md");
    writeFileSync(docs, benchmarksMarkdown({ ham, hamilton, hamiltonSource, comparison, goals: goalRows, command }));
    console.log(`\nwrote ${relative(REPO_ROOT, docs)}`);
  }
  if (values.only === undefined) {
    console.log(
      `results in ${relative(REPO_ROOT, outDir)}/ (ham.json${values.hamilton ? ", hamilton.json" : ""}, comparison.json)`,
    );
  } else {
    console.log(
      `partial results (--only) in ${partialFile}; ` +
        (values["update-results"] ? "merged into bench/results/ham.json" : "bench/results/ is left as it was"),
    );
  }
}

/** The last run's saved results, with profile summaries recomputed from their .cpuprofile files. */
function fromResults(
  outDir: string,
  hamiltonFile: string,
): { ham: BenchResults; hamilton: HamiltonResults | undefined; hamiltonSource: string } {
  const ham = JSON.parse(readFileSync(join(outDir, "ham.json"), "utf8")) as BenchResults;
  for (const profile of ham.profiles) {
    const file = join(REPO_ROOT, profile.file);
    profile.mode ??= "warm"; // results written before profiles had modes
    if (existsSync(file))
      Object.assign(profile, summarize(JSON.parse(readFileSync(file, "utf8")) as Parameters<typeof summarize>[0]));
  }
  const saved = join(outDir, "comparison.json");
  const source = existsSync(saved)
    ? (JSON.parse(readFileSync(saved, "utf8")) as { hamiltonSource?: string }).hamiltonSource
    : undefined;
  const hamilton = existsSync(hamiltonFile) ? readHamilton(hamiltonFile) : undefined;
  return { ham, hamilton, hamiltonSource: hamilton ? (source ?? "saved hamilton.json") : "not run" };
}

main().then(
  // A store that timed out may still hold sockets open; the results are written, so leave.
  () => process.exit(),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
