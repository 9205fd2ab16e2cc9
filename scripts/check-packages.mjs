#!/usr/bin/env node
// Package quality of every published package (run after the build): publint, @arethetypeswrong/cli,
// a README with install and use (its docs links absolute), sideEffects declared, dependencies that match
// the imports, the npm page metadata (repository, homepage, bugs, keywords, license, engines), and what
// the tarball weighs against a budget.
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
  "@ham/executor-bullmq": {
    ioredis:
      "bullmq 6 loads its Redis driver with require('ioredis') and lists it as an optional peer: the executor declares it so that require finds it",
  },
};

/** The repository every package links to (package.json repository/homepage/bugs, README doc links). */
const REPOSITORY = "https://github.com/ham-dataflows/ham";

/**
 * What a package may weigh, measured with `npm pack --dry-run` (bytes). Packages ship dist/ only —
 * ESM + CJS + .d.ts, no source maps, no src/ (CONTRIBUTING.md, "What a package ships"); @ham/core
 * measured 174 KB packed / 669 KB unpacked when the budget was set, and 234 KB / 898 KB after the
 * faithful codec, canonical code identity, file inputs and checked history reads (raised with them),
 * then 326 KB / 1258 KB after the cache split, packed results and run log, speculative lookups, batched
 * result reads, native bulk hashing and source-map code identity (raised again with them).
 */
const SIZE_BUDGETS = {
  "@ham/core": { packed: 360_000, unpacked: 1_400_000 },
  // The store conformance suite (a dev dependency of store authors) grows with every optional contract
  // member it checks: 64 KB / 261 KB once the `chunks` group (ResultStore.setChunks) was added.
  "@ham/conformance": { packed: 80_000, unpacked: 330_000 },
};
const DEFAULT_BUDGET = { packed: 60_000, unpacked: 250_000 };

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
    else if (
      /\.(ts|mts|cts|js|mjs)$/.test(entry) &&
      !/\.(test|test-d|bench)\.ts$/.test(entry) &&
      !entry.endsWith(".d.ts") &&
      entry !== "test-helpers.ts"
    )
      out.push(path);
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
      await run(join(root, "node_modules/.bin/attw"), ["--pack", ".", "--format", "ascii", "--quiet"], {
        cwd: dir,
        timeout: 180_000,
      });
    } catch (error) {
      problems.push(
        `${name}: @arethetypeswrong/cli found problems:\n${String(error.stdout || error.stderr || error.message).trim()}`,
      );
    }
  }

  const readme = join(dir, "README.md");
  if (!existsSync(readme)) problems.push(`${name}: no README.md (show install and a minimal use)`);
  else {
    const text = readFileSync(readme, "utf8");
    const installLine = new RegExp(
      `(npm|pnpm|yarn) (install|add|i)[^\\n]*${name.replace(/[/@-]/g, (c) => `\\${c}`)}(\\s|$)`,
      "m",
    );
    if (!installLine.test(text))
      problems.push(`${name}: README.md does not show how to install it ("npm install ${name}")`);
    if (!/```(ts|js|sh)/.test(text)) problems.push(`${name}: README.md has no code example`);
    // npm shows the README outside the repository: a docs page it names must be a link that works there.
    const linkPattern = new RegExp(
      `\\[[^\\]]*\\]\\(${REPOSITORY.replace(/[.]/g, "\\.")}/blob/main/(docs/[\\w-]+\\.md)\\)`,
      "g",
    );
    for (const [, page] of text.matchAll(linkPattern)) {
      if (!existsSync(join(root, page))) problems.push(`${name}: README.md links ${page}, which does not exist`);
    }
    for (const [page] of text.replace(linkPattern, "").matchAll(/docs\/[\w-]+\.md/g)) {
      problems.push(
        `${name}: README.md mentions ${page} without linking it: write [${page}](${REPOSITORY}/blob/main/${page})`,
      );
    }
  }

  problems.push(...metadataProblems(dir, pkg), ...(await sizeProblems(dir, name)));

  if (typeof pkg.sideEffects !== "boolean" && !Array.isArray(pkg.sideEffects))
    problems.push(
      `${name}: package.json does not declare sideEffects (false when importing it does nothing by itself)`,
    );

  // Dependencies ↔ imports: every bare import is declared; every runtime dependency is imported.
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const used = new Map();
  for (const file of sourceFiles(join(dir, "src"))) {
    for (const specifier of importsOf(readFileSync(file, "utf8"))) {
      const dep = packageName(specifier);
      if (dep && dep !== name) used.set(dep, relative(dir, file));
    }
  }
  for (const [dep, file] of used) {
    if (!declared.has(dep))
      problems.push(`${name}: ${file} imports "${dep}", which is not in dependencies or peerDependencies`);
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const allowed = UNUSED_ALLOWED[name]?.[dep];
    if (!used.has(dep) && allowed) console.log(`! ${name}: dependency "${dep}" is not imported by src/ (${allowed})`);
    else if (!used.has(dep))
      problems.push(
        `${name}: dependency "${dep}" is never imported by src/ — remove it (or move it to devDependencies)`,
      );
  }
  return problems;
}

/** repository (with this folder as directory), homepage, bugs, keywords, license, engines; dist-only files. */
function metadataProblems(dir, pkg) {
  const problems = [];
  const name = pkg.name;
  const folder = relative(root, dir).split("\\").join("/");
  if (pkg.repository?.url !== `git+${REPOSITORY}.git` || pkg.repository?.directory !== folder) {
    problems.push(
      `${name}: package.json needs "repository": { "type": "git", "url": "git+${REPOSITORY}.git", "directory": "${folder}" }`,
    );
  }
  if (typeof pkg.homepage !== "string" || !pkg.homepage.startsWith(REPOSITORY))
    problems.push(`${name}: package.json needs "homepage" (${REPOSITORY}/tree/main/${folder}#readme)`);
  if (pkg.bugs?.url !== `${REPOSITORY}/issues`)
    problems.push(`${name}: package.json needs "bugs": { "url": "${REPOSITORY}/issues" }`);
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length < 3)
    problems.push(`${name}: package.json needs "keywords" (at least 3, for npm search)`);
  if (typeof pkg.license !== "string" || pkg.license === "") problems.push(`${name}: package.json needs "license"`);
  if (typeof pkg.engines?.node !== "string")
    problems.push(`${name}: package.json needs "engines": { "node": ">=20.11" }`);
  if (JSON.stringify(pkg.files) !== JSON.stringify(["dist"]))
    problems.push(
      `${name}: package.json "files" should be ["dist"] (found ${JSON.stringify(pkg.files)}); see CONTRIBUTING.md, "What a package ships"`,
    );
  // src/ is not shipped, so the published exports drop the workspace-only "@ham/source" condition.
  const published = JSON.parse(JSON.stringify(pkg.exports ?? {}), (key, value) =>
    key === "@ham/source" ? undefined : value,
  );
  if (JSON.stringify(pkg.publishConfig?.exports) !== JSON.stringify(published)) {
    problems.push(
      `${name}: publishConfig.exports must be "exports" without the "@ham/source" condition: ${JSON.stringify(published)}`,
    );
  }
  return problems;
}

/** Packed and unpacked size of the tarball npm would make, against SIZE_BUDGETS. */
async function sizeProblems(dir, name) {
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: dir,
    timeout: 120_000,
  });
  const [{ size, unpackedSize, files }] = JSON.parse(stdout);
  const budget = SIZE_BUDGETS[name] ?? DEFAULT_BUDGET;
  const kb = (n) => `${Math.round(n / 1000)} KB`;
  const problems = [];
  if (size > budget.packed || unpackedSize > budget.unpacked) {
    const largest = [...files]
      .sort((a, b) => b.size - a.size)
      .slice(0, 3)
      .map((f) => `${f.path} ${kb(f.size)}`)
      .join(", ");
    problems.push(
      `${name}: the package weighs ${kb(size)} packed / ${kb(unpackedSize)} unpacked, over its budget of ${kb(budget.packed)} / ${kb(budget.unpacked)} (largest: ${largest}); ship less or raise SIZE_BUDGETS in scripts/check-packages.mjs deliberately`,
    );
  }
  const stray = files.map((f) => f.path).filter((path) => path.endsWith(".map") || path.startsWith("src/"));
  if (stray.length > 0)
    problems.push(
      `${name}: the tarball holds ${stray.slice(0, 3).join(", ")}${stray.length > 3 ? ", …" : ""}: source maps and src/ are not shipped`,
    );
  return problems;
}

const results = await Promise.all(
  packages.map(async (entry) => ({ name: entry.pkg.name, problems: await check(entry) })),
);
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
