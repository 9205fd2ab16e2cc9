#!/usr/bin/env node
// Package quality of every published package (run after the build): publint, @arethetypeswrong/cli,
// a README with install and use, sideEffects declared, and dependencies that match the imports.
// Usage: node scripts/check-packages.mjs [--no-attw]   (exits 1 and lists every problem when one fails)
import { execFile } from "node:child_process";
import { builtinModules } from "node:module";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import ts from "typescript";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const withAttw = !process.argv.includes("--no-attw");
const builtins = new Set(builtinModules);

/** Dependencies kept although src/ never imports them, each with the reason (printed, so they stay visible). */
const UNUSED_ALLOWED = {
  "@ham/executor-bullmq": { ioredis: "declared by the executor's author; bullmq brings its own copy — to be removed by that package's owner" },
};

const packages = readdirSync(join(root, "packages"))
  .map((dir) => join(root, "packages", dir))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ pkg }) => !pkg.private);

/** Module names a source file imports (static, dynamic, re-exports, `import type`), as TypeScript reads them. */
function importsOf(text) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return new Set(importedFiles.map((f) => f.fileName).filter((f) => !f.startsWith(".") && !f.startsWith("/")));
}

function packageName(specifier) {
  if (specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return builtins.has(name) ? undefined : name;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts|js|mjs)$/.test(entry) && !/\.(test|test-d|bench)\.ts$/.test(entry) && !entry.endsWith(".d.ts") && entry !== "test-helpers.ts") out.push(path);
  }
  return out;
}

async function check({ dir, pkg }) {
  const problems = [];
  const name = pkg.name;
  if (!existsSync(join(dir, "dist"))) return [`${name}: no dist/ — build first (pnpm build)`];

  const { messages } = await publint({ pkgDir: dir, level: "warning", strict: true, pack: "pnpm" });
  for (const message of messages) problems.push(`${name}: publint ${message.type}: ${formatMessage(message, pkg)}`);

  if (withAttw) {
    try {
      await run(join(root, "node_modules/.bin/attw"), ["--pack", ".", "--format", "ascii", "--quiet"], { cwd: dir, timeout: 180_000 });
    } catch (error) {
      problems.push(`${name}: @arethetypeswrong/cli found problems:\n${String(error.stdout || error.stderr || error.message).trim()}`);
    }
  }

  const readme = join(dir, "README.md");
  if (!existsSync(readme)) problems.push(`${name}: no README.md (show install and a minimal use)`);
  else {
    const text = readFileSync(readme, "utf8");
    const installLine = new RegExp(`(npm|pnpm|yarn) (install|add|i)[^\\n]*${name.replace(/[/@-]/g, (c) => `\\${c}`)}(\\s|$)`, "m");
    if (!installLine.test(text)) problems.push(`${name}: README.md does not show how to install it ("npm install ${name}")`);
    if (!/```(ts|js|sh)/.test(text)) problems.push(`${name}: README.md has no code example`);
  }

  if (typeof pkg.sideEffects !== "boolean" && !Array.isArray(pkg.sideEffects)) problems.push(`${name}: package.json does not declare sideEffects (false when importing it does nothing by itself)`);

  // Dependencies ↔ imports: every bare import is declared; every runtime dependency is imported.
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
  const used = new Map();
  for (const file of sourceFiles(join(dir, "src"))) {
    for (const specifier of importsOf(readFileSync(file, "utf8"))) {
      const dep = packageName(specifier);
      if (dep && dep !== name) used.set(dep, relative(dir, file));
    }
  }
  for (const [dep, file] of used) {
    if (!declared.has(dep)) problems.push(`${name}: ${file} imports "${dep}", which is not in dependencies or peerDependencies`);
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const allowed = UNUSED_ALLOWED[name]?.[dep];
    if (!used.has(dep) && allowed) console.log(`! ${name}: dependency "${dep}" is not imported by src/ (${allowed})`);
    else if (!used.has(dep)) problems.push(`${name}: dependency "${dep}" is never imported by src/ — remove it (or move it to devDependencies)`);
  }
  return problems;
}

const results = await Promise.all(packages.map(async (entry) => ({ name: entry.pkg.name, problems: await check(entry) })));
let failed = 0;
for (const { name, problems } of results) {
  if (problems.length === 0) console.log(`✓ ${name}`);
  else {
    failed++;
    console.log(`✗ ${name}\n  ${problems.join("\n  ")}`);
  }
}
console.log(`package checks: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
