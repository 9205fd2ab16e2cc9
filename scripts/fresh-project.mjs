#!/usr/bin/env node
// A new user's first minutes, outside the workspace (run after the build): `pnpm pack` @ham/core and
// @ham/cli, `npm init -y` a temporary project, install the tarballs, copy README's code blocks verbatim
// and run them — tsx (CommonJS, then ESM), tsc then node (CommonJS require, then plain Node ESM) —
// each twice, checking that the second run is all cache hits; then `ham init` + `npm start` twice.
// Third-party packages come from the npm registry (--prefer-offline). Exits 1 at the first failure.
// Usage: node scripts/fresh-project.mjs [--keep]   (--keep leaves the temporary folder for a look)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "ham-fresh-"));
const started = Date.now();
const NPM_QUIET = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/** Runs a command, echoing it; returns stdout. A failure prints its output and stops the script. */
function sh(cwd, command, args, env = {}) {
  console.log(`  $ ${[command, ...args].join(" ")}`);
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      env: { ...process.env, ...env, NODE_NO_WARNINGS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 180_000,
    });
  } catch (error) {
    fail(
      `${[command, ...args].join(" ")} failed in ${cwd}:\n${String(error.stdout ?? "")}${String(error.stderr ?? error.message)}`,
    );
  }
}

function fail(message) {
  console.error(`✗ fresh project: ${message}`);
  console.error(`  (the project is in ${work})`);
  process.exit(1);
}

/** The newest run in the project's .ham_cache, through the installed `ham` command. */
function lastRun(cwd) {
  const [run] = JSON.parse(sh(cwd, "npx", ["--no-install", "ham", "cache", "runs", "--json", "--limit", "1"]));
  if (!run) fail(`no run in the history of ${cwd}/.ham_cache`);
  return run;
}

/** Runs `command` twice in a clean cache: the first run computes, the second is all hits. */
function twice(cwd, label, command, args) {
  rmSync(join(cwd, ".ham_cache"), { recursive: true, force: true });
  const first = sh(cwd, command, args);
  if (!first.startsWith("12.50 EUR\n"))
    fail(`${label}: the first run printed ${JSON.stringify(first.slice(0, 200))}, not "12.50 EUR"`);
  const cold = lastRun(cwd);
  if (cold.computed !== cold.nodes) fail(`${label}: the first run computed ${cold.computed} of ${cold.nodes} nodes`);
  const second = sh(cwd, command, args);
  const warm = lastRun(cwd);
  if (warm.hits !== warm.nodes || warm.nodes === 0)
    fail(`${label}: the second run had ${warm.hits} hits of ${warm.nodes} nodes:\n${second}`);
  console.log(`✓ ${label}: 12.50 EUR, run 2 is all hits (${warm.hits}/${warm.nodes})`);
  return second;
}

// 1. Tarballs of what a user installs (the build is done: scripts/test.sh builds first).
const packs = join(work, "packs");
mkdirSync(packs);
for (const name of ["core", "cli"]) sh(join(root, "packages", name), "pnpm", ["pack", "--pack-destination", packs]);
const tarballs = readdirSync(packs).map((file) => join(packs, file));

// 2. README's blocks, verbatim: `// name.ts` ```ts blocks, the tsconfig.json block, the sh lines.
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```(\w+)[^\n]*\n([\s\S]*?)^```$/gm)].map(([, lang, code]) => ({ lang, code }));
const files = blocks
  .filter((b) => b.lang === "ts")
  .flatMap((b) => {
    const name = /^\/\/\s*([\w.-]+\.ts)\b/.exec(b.code)?.[1];
    return name ? [[name, b.code]] : [];
  });
const tsconfig = blocks.find((b) => b.lang === "json" && b.code.includes('"compilerOptions"'))?.code;
const shLines = blocks.filter((b) => b.lang === "sh").flatMap((b) => b.code.split("\n"));
const csvLine = shLines.find((line) => line.startsWith("printf ") && line.includes("sales.csv"));
if (!files.some(([name]) => name === "main.ts") || !files.some(([name]) => name === "dataflow.ts"))
  fail("README.md has no // dataflow.ts and // main.ts blocks");
if (!tsconfig) fail("README.md has no tsconfig.json block");
if (!csvLine) fail("README.md has no printf … > sales.csv line");
const devLine = shLines.find((line) => /^npm install -D /.test(line));
if (!devLine) fail("README.md has no npm install -D line");
const devPackages = devLine.replace(/#.*/, "").trim().split(/\s+/).slice(3);

// 3. A fresh npm project (npm 11 writes "type": "commonjs") with README's setup.
console.log(`› fresh project in ${work}/app`);
const app = join(work, "app");
mkdirSync(app);
sh(app, "npm", ["init", "-y"]);
sh(app, "npm", ["install", ...NPM_QUIET, ...tarballs]);
sh(app, "npm", ["install", "-D", ...NPM_QUIET, ...devPackages]);
for (const [name, code] of files) writeFileSync(join(app, name), code);
writeFileSync(join(app, "tsconfig.json"), tsconfig);
sh(app, "bash", ["-c", csvLine]);
const tsVersion = sh(app, "npx", ["--no-install", "tsc", "--version"]).trim();
const type = () => JSON.parse(readFileSync(join(app, "package.json"), "utf8")).type;
if (type() !== "commonjs")
  fail(`npm init -y wrote "type": ${JSON.stringify(type())}; this check expects npm 11's "commonjs"`);

twice(app, `tsx main.ts, CommonJS project`, "npx", ["--no-install", "tsx", "main.ts"]);
sh(app, "npx", ["--no-install", "tsc"]);
if (!readFileSync(join(app, "main.js"), "utf8").includes('require("@ham/core")'))
  fail("tsc did not compile main.ts to CommonJS require()");
twice(app, `tsc (${tsVersion}) then node main.js, CommonJS require`, "node", ["main.js"]);

sh(app, "npm", ["pkg", "set", "type=module"]);
twice(app, `tsx main.ts, ES module project`, "npx", ["--no-install", "tsx", "main.ts"]);
sh(app, "npx", ["--no-install", "tsc"]);
if (!/^import .* from "@ham\/core";$/m.test(readFileSync(join(app, "main.js"), "utf8")))
  fail("tsc did not compile main.ts to an ES module import");
twice(app, `tsc (${tsVersion}) then node main.js, plain Node ESM`, "node", ["main.js"]);

// 4. The starter: `ham init` in an empty folder, `npm install`, `npm start` twice.
console.log(`› ham init in ${work}/starter`);
const starter = join(work, "starter");
mkdirSync(starter);
sh(starter, "npm", ["init", "-y"]);
sh(starter, "npm", ["install", ...NPM_QUIET, ...tarballs]);
const version = sh(starter, "npx", ["--no-install", "ham", "--version"]).trim();
if (!/^\d+\.\d+\.\d+/.test(version)) fail(`ham --version printed ${JSON.stringify(version)}`);
console.log(sh(starter, "npx", ["--no-install", "ham", "init"]).replace(/^/gm, "    "));
sh(starter, "npm", ["install", ...NPM_QUIET]);
twice(starter, "ham init, then npm start", "npm", ["--silent", "start"]);
sh(starter, "npm", ["--silent", "run", "typecheck"]);
console.log(`✓ ham init's starter type-checks (${tsVersion})`);

console.log(
  `✓ fresh project: README and ham init work from npm init -y (${Math.round((Date.now() - started) / 1000)} s)`,
);
if (!keep) rmSync(work, { recursive: true, force: true });
