// `ham init`: writes a starter (dataflow.ts, main.ts, sales.csv, tsconfig.json, npm scripts) into the
// current folder without overwriting anything, then says how to run it.
import fs from "node:fs";
import path from "node:path";
import { DATAFLOW_TS, MAIN_TS, SALES_CSV, SCRIPTS, TSCONFIG, starterPackages } from "./templates.js";
import { errorMessage } from "@ham/core";

interface InitIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly cwd: string;
}

type PackageJson = Record<string, unknown> & {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/** Runs `ham init` in `io.cwd`; resolves to the exit code (1 when a starter file is already there). */
export function runInit(args: readonly string[], io: InitIo, cliVersion: string): number {
  if (args.length > 0) {
    io.stderr.write(`ham: ham init takes no arguments, got "${args.join(" ")}"; run it in the folder to set up\n`);
    return 2;
  }
  const at = (name: string) => path.join(io.cwd, name);
  const starter: [string, string][] = [
    ["dataflow.ts", DATAFLOW_TS],
    ["main.ts", MAIN_TS],
    ["sales.csv", SALES_CSV],
  ];
  const taken = starter.map(([name]) => name).filter((name) => fs.existsSync(at(name)));
  if (taken.length > 0) {
    io.stderr.write(
      `[ham] ham init would overwrite ${taken.join(", ")} in ${io.cwd}; run it in an empty folder (or move those files)\n`,
    );
    return 1;
  }
  let pkg: PackageJson;
  try {
    pkg = fs.existsSync(at("package.json"))
      ? (JSON.parse(fs.readFileSync(at("package.json"), "utf8")) as PackageJson)
      : { name: safeName(path.basename(io.cwd)), version: "1.0.0", private: true };
  } catch (error) {
    io.stderr.write(
      `[ham] package.json in ${io.cwd} is not valid JSON (${errorMessage(error)}); fix it and run ham init again\n`,
    );
    return 1;
  }
  const wrote: string[] = [];
  for (const [name, text] of starter) {
    fs.writeFileSync(at(name), text);
    wrote.push(name);
  }
  if (!fs.existsSync(at("tsconfig.json"))) {
    fs.writeFileSync(at("tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    wrote.push("tsconfig.json");
  }
  const ignore = fs.existsSync(at(".gitignore")) ? fs.readFileSync(at(".gitignore"), "utf8") : "";
  if (!/^\/?\.ham_cache\/?$/m.test(ignore)) {
    fs.writeFileSync(
      at(".gitignore"),
      `${ignore}${ignore === "" || ignore.endsWith("\n") ? "" : "\n"}node_modules/\n.ham_cache/\n`,
    );
    wrote.push(".gitignore");
  }
  const kept: string[] = [];
  pkg.scripts = { ...pkg.scripts };
  for (const [name, command] of Object.entries(SCRIPTS)) {
    const current = pkg.scripts[name];
    // A script the user already has under that name is kept.
    if (current === undefined || current === command) pkg.scripts[name] = command;
    else kept.push(`"${name}" (${current})`);
  }
  const packages = starterPackages(cliVersion, process.versions.node.split(".")[0] ?? "20");
  const missing: string[] = [];
  for (const field of ["dependencies", "devDependencies"] as const) {
    for (const [name, range] of Object.entries(packages[field])) {
      if (pkg.dependencies?.[name] !== undefined || pkg.devDependencies?.[name] !== undefined) continue;
      pkg[field] = { ...pkg[field], [name]: range };
      missing.push(name);
    }
  }
  fs.writeFileSync(at("package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  wrote.push("package.json (scripts start, typecheck)");

  const lines = [`wrote ${wrote.join(", ")}`];
  if (kept.length > 0)
    lines.push(
      `kept your own script${kept.length > 1 ? "s" : ""} ${kept.join(", ")}: the starter runs with npx tsx main.ts`,
    );
  lines.push("", "next:");
  if (missing.length > 0) lines.push(`  npm install      # adds ${missing.join(", ")} (listed in package.json)`);
  lines.push(
    "  npm start        # computes every node and stores the results in .ham_cache/",
    "  npm start        # again: every node comes from the cache",
    "",
  );
  io.stdout.write(lines.join("\n"));
  return 0;
}

/** A folder name npm accepts as a package name. */
function safeName(folder: string): string {
  const name = folder
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[._-]+/, "");
  return name === "" ? "ham-starter" : name;
}
