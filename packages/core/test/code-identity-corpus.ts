// The code-identity corpus: TypeScript dataflow modules built with every toolchain ham users run
// (esbuild as tsx runs it, ESM and CommonJS; tsc to ES2022 and ES2020, ESM and CommonJS; an esbuild
// bundle; swc), and the code version of each node under each build. Used by the corpus test and by
// scripts/code-identity-corpus.ts, which writes the agreement table into docs/code-identity.md.
import { mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transformSync as swcTransform } from "@swc/core";
import { buildSync, transformSync as esbuildTransform } from "esbuild";
import ts from "typescript";
import { Builder } from "../src/driver/builder.js";
import { buildGraph } from "../src/graph/graph.js";
import { computeCodeIdentities } from "../src/identity/code-identity.js";
import { withoutKeepName } from "../src/identity/compiler-helpers.js";
import { ModuleAnalysis } from "../src/identity/module-analysis.js";
import { type EsNode, forEachChild } from "../src/identity/scope.js";
import { MemoryFingerprintRepository, MemoryResultStore } from "../src/stores/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");

/** One module of the corpus: its TypeScript files (relative path → text) and which one holds the nodes. */
export interface CorpusModule {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly entry: string;
  /** The nodes are functions written as properties of object literals (`withModules({ A: () => 1 })`), not exports. */
  readonly inline?: boolean;
}

type Outputs = Record<string, string>;
type Build = (files: Readonly<Record<string, string>>, entry: string, dir: string) => Outputs | Promise<Outputs>;

const jsPath = (file: string) => file.replace(/\.tsx?$/, ".js");
const perFile =
  (compile: (text: string, file: string) => string): Build =>
  (files) =>
    Object.fromEntries(Object.entries(files).map(([file, text]) => [jsPath(file), compile(text, file)]));

const esbuildFile = (format: "esm" | "cjs"): Build =>
  perFile(
    (text, file) =>
      esbuildTransform(text, {
        loader: "ts",
        format,
        target: "node20",
        keepNames: true,
        minifyWhitespace: true,
        sourcemap: "inline",
        sourcefile: file,
      }).code,
  );
const tscFile = (target: ts.ScriptTarget, module: ts.ModuleKind): Build =>
  perFile(
    (text, file) =>
      ts.transpileModule(text, {
        fileName: file,
        compilerOptions: {
          target,
          module,
          esModuleInterop: true,
          useDefineForClassFields: target >= ts.ScriptTarget.ES2022,
        },
      }).outputText,
  );
const swcFile = (target: "es2022" | "es2020", type: "es6" | "commonjs"): Build =>
  perFile(
    (text, file) =>
      swcTransform(text, {
        filename: file,
        jsc: { parser: { syntax: "typescript" }, target },
        module: { type },
        sourceMaps: false,
      }).code,
  );
const esbuildBundle: Build = (files, entry, dir) => {
  const src = path.join(dir, "src");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    writeFileSync(path.join(src, file), text);
  }
  const out = buildSync({
    entryPoints: [path.join(src, entry)],
    bundle: true,
    format: "esm",
    write: false,
    outfile: path.join(dir, jsPath(entry)),
    packages: "external",
    sourcemap: "inline",
    logLevel: "silent",
  });
  return { [jsPath(entry)]: out.outputFiles[0]?.text ?? "" };
};

/** Vite as vitest loads it (vitest's own dependency): the transforms vitest runs a TypeScript file through. */
interface Vite {
  transformWithOxc(code: string, file: string, options: object): Promise<{ code: string; map: unknown }>;
  moduleRunnerTransform(code: string, map: unknown, url: string, original: string): Promise<{ code: string } | null>;
}
let vite: Promise<Vite> | undefined;
const loadVite = (): Promise<Vite> => {
  const vitest = path.dirname(realpathSync(createRequire(import.meta.url).resolve("vitest/package.json")));
  vite ??= import(pathToFileURL(path.join(vitest, "../vite/dist/node/index.js")).href) as Promise<Vite>;
  return vite;
};
// vitest's module evaluator runs each transformed module inside this function (vitest/dist/module-evaluator.js).
const VITEST_WRAPPER =
  "'use strict';async (__vite_ssr_exports__,__vite_ssr_import_meta__,__vite_ssr_import__,__vite_ssr_dynamic_import__,__vite_ssr_exportAll__,__vite_ssr_exportName__,__filename,__dirname,module,exports,require)=>{{";
const vitestFiles: Build = async (files) => {
  const { transformWithOxc, moduleRunnerTransform } = await loadVite();
  const out: Outputs = {};
  for (const [file, text] of Object.entries(files)) {
    const ts = await transformWithOxc(text, file, { lang: "ts", sourcemap: true });
    const ssr = await moduleRunnerTransform(ts.code, ts.map, file, text);
    out[jsPath(file)] = `${VITEST_WRAPPER}${ssr?.code ?? ""}\n}}`;
  }
  return out;
};

/** The toolchains, by the name the table shows. */
export const TOOLCHAINS: Readonly<Record<string, Build>> = {
  "tsx (esbuild, ESM)": esbuildFile("esm"),
  "tsx (esbuild, CommonJS)": esbuildFile("cjs"),
  "tsc ES2022 ESM": tscFile(ts.ScriptTarget.ES2022, ts.ModuleKind.ESNext),
  "tsc ES2020 ESM": tscFile(ts.ScriptTarget.ES2020, ts.ModuleKind.ESNext),
  "tsc ES2022 CommonJS": tscFile(ts.ScriptTarget.ES2022, ts.ModuleKind.CommonJS),
  "tsc ES2020 CommonJS": tscFile(ts.ScriptTarget.ES2020, ts.ModuleKind.CommonJS),
  "esbuild bundle": esbuildBundle,
  "swc ES2022 ESM": swcFile("es2022", "es6"),
  "swc ES2020 CommonJS": swcFile("es2020", "commonjs"),
  "vitest (vite 8: oxc, module runner)": vitestFiles,
};

/** The corpus: the generated syntax set, modules with imports, the toolchain test's dataflow, and the examples' dataflows. */
export function corpusModules(): CorpusModule[] {
  const read = (dir: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (sub: string) => {
      for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
        const rel = path.posix.join(sub, entry.name);
        if (entry.isDirectory()) walk(rel);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
          out[rel] = readFileSync(path.join(dir, rel), "utf8");
      }
    };
    walk("");
    return out;
  };
  const corpus = read(path.join(here, "fixtures/corpus"));
  const flow = read(path.join(here, "fixtures/toolchain-flow/src"));
  const modules: CorpusModule[] = [
    { name: "corpus/syntax.ts", files: corpus, entry: "syntax.ts" },
    { name: "corpus/imports.ts", files: corpus, entry: "imports.ts" },
    { name: "corpus/forms.ts", files: corpus, entry: "forms.ts" },
    { name: "toolchain-flow/flow.ts", files: flow, entry: "flow.ts" },
  ];
  for (const example of readdirSync(path.join(repo, "examples"))) {
    const src = path.join(repo, "examples", example, "src");
    let files: Record<string, string>;
    try {
      files = read(src);
    } catch {
      continue;
    }
    for (const entry of Object.keys(files).filter((f) => /(^|\/)(dataflow|primitives)\.ts$/.test(f))) {
      modules.push({ name: `examples/${example}/src/${entry}`, files, entry });
    }
  }
  // The dataflow modules of the docs: ```ts blocks that start with a `// name.ts` line (other blocks import them).
  for (const page of [...readdirSync(path.join(repo, "docs")).map((f) => `docs/${f}`), "README.md"].filter((f) =>
    f.endsWith(".md"),
  )) {
    const files: Record<string, string> = {};
    for (const [, code] of readFileSync(path.join(repo, page), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      const name = /^\/\/\s*([\w.-]+\.ts)\b/.exec(code as string)?.[1];
      if (name) files[name] = code as string;
    }
    for (const entry of Object.keys(files).filter((f) => nodeNames(files[f] as string).length > 0))
      modules.push({ name: `${page}: ${entry}`, files, entry });
    // Runnable blocks that write a dataflow inline (`const dataflow = { A: () => 1 }`, `withModules({ … })`).
    const text = readFileSync(path.join(repo, page), "utf8");
    for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      const code = match[1] as string;
      if (/^\/\/\s*[\w.-]+\.ts\b/.test(code) || !INLINE_NODE.test(code)) continue;
      const line = text.slice(0, match.index).split("\n").length;
      modules.push({ name: `${page}:${line}`, files: { ...files, "block.ts": code }, entry: "block.ts", inline: true });
    }
  }
  return modules;
}

/** `name: (…) =>` or `name: async (…) =>` at the start of a line or after `{`: a function written as an object property. */
const INLINE_NODE = /(?:^\s*|\{ )[A-Za-z$][\w$]*: (?:async )?(?:\([^()]*\)|[A-Za-z$][\w$]*)(?::[^=\n]*)? =>/m;

/** Functions written as properties of object literals in a compiled module, in source order, by key (`A`, then `A_2`, …). */
function inlineFunctions(analysis: ModuleAnalysis): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: EsNode): void => {
    if (
      node.type === "Property" &&
      !node.computed &&
      node.kind === "init" &&
      !node.method &&
      node.key.type === "Identifier"
    ) {
      const value = withoutKeepName(node.value as EsNode);
      if (/^(ArrowFunctionExpression|FunctionExpression)$/.test(value.type)) {
        let name = node.key.name as string;
        for (let n = 2; out.has(name); n++) name = `${node.key.name as string}_${n}`;
        out.set(name, analysis.source.slice(value.start, value.end));
      }
    }
    forEachChild(node, visit);
  };
  for (const stmt of analysis.body) visit(stmt);
  return out;
}

/** The names a TypeScript module exports as functions (its nodes). */
export function nodeNames(source: string): string[] {
  const names = [...source.matchAll(/^export (?:async )?(?:const|function) ([A-Za-z$][\w$]*)/gm)].map(
    (m) => m[1] as string,
  );
  return names.filter((name) => !name.startsWith("_"));
}

let builds = 0;

/** Code versions of the entry's nodes when built with `toolchain` (absent: the node is not a function there). */
export async function versionsUnder(
  module: CorpusModule,
  toolchain: string,
  files = module.files,
  parts?: Record<string, unknown>,
): Promise<Record<string, string>> {
  const dir = path.join(tmpdir(), `ham-corpus-${process.pid}`, `b${++builds}`);
  try {
    let outputs: Record<string, string>;
    try {
      outputs = await (TOOLCHAINS[toolchain] as Build)(files, module.entry, dir);
    } catch {
      return {}; // the toolchain cannot build this module (top-level await to CommonJS, say): not counted
    }
    for (const [file, text] of Object.entries(outputs)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const file = path.join(dir, jsPath(module.entry));
    const analysis = new ModuleAnalysis(outputs[jsPath(module.entry)] as string, file);
    const functions: Record<string, Function> = {};
    const texts = module.inline
      ? inlineFunctions(analysis)
      : new Map(nodeNames(files[module.entry] as string).map((name) => [name, functionText(analysis, name)]));
    for (const [name, text] of texts) {
      // A function whose text is the compiled text, found by that text in the file (never called).
      if (text !== undefined) functions[name] = (0, eval)(`(${text})`) as Function;
    }
    const dr = await new Builder()
      .withModules(functions)
      .withModuleSource(functions, file)
      .withCache({
        fingerprintStore: new MemoryFingerprintRepository(),
        resultStore: new MemoryResultStore(),
        logger: {},
      })
      .build();
    if (parts) {
      const identities = computeCodeIdentities(buildGraph([functions], { allowOverride: false, config: {} }), {
        modules: [functions],
        sources: new Map([[functions, file]]),
      });
      for (const [name, identity] of identities) parts[name] = { ...identity.parts, text: String(functions[name]) };
    }
    return { ...dr.cache.codeVersions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function functionText(analysis: ModuleAnalysis, name: string): string | undefined {
  const declaration = analysis.declarations.get(name);
  if (!declaration || declaration.kind !== "helper") return undefined;
  let node = declaration.node as EsNode;
  if (node.type === "VariableDeclarator") node = withoutKeepName(node.init as EsNode);
  return analysis.source.slice(node.start, node.end);
}

/** A behaviour-changing edit of node `name` in `source`: its first number, string or arithmetic operator changed, else a property it reads. */
export function mutate(source: string, name: string, inline = false): string | undefined {
  let start: number;
  let end: number;
  if (inline) {
    // The n-th function property of that key (`A_2`: the second `A:`), to the end of its line.
    const [, key, nth] = /^(.*?)(?:_(\d+))?$/.exec(name) as RegExpExecArray;
    const found = [
      ...source.matchAll(
        new RegExp(
          `(?:^\\s*|\\{ )${(key as string).replace(/\$/g, "\\$")}: (?:async )?(?:\\([^()]*\\)|[A-Za-z$][\\w$]*)(?::[^=\\n]*)? =>`,
          "gm",
        ),
      ),
    ][Number(nth ?? 1) - 1];
    if (!found) return undefined;
    start = found.index;
    end = source.indexOf("\n", start + found[0].length);
    if (end === -1) end = source.length;
  } else {
    start = source.search(new RegExp(`^export (?:async )?(?:const|function) ${name.replace(/\$/g, "\\$")}\\b`, "m"));
    if (start === -1) return undefined;
    const next = source.slice(start + 1).search(/^export /m);
    end = next === -1 ? source.length : start + 1 + next;
  }
  // Comments blanked (same length), so an edit never lands in one.
  const body = source.slice(start, end).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (c) => " ".repeat(c.length));
  const edits: [RegExp, (m: string) => string][] = [
    [/(?<![\w$.]|void )\d[\d_]*(\.\d+)?(?![\w$])/, (m) => String(Number(m.replace(/_/g, "")) + 1)],
    [/"[^"\n]*"|'[^'\n]*'|`[a-z]/, (m) => `${m.slice(0, -1)}x${m.slice(-1)}`],
    // A template's text between its holes.
    [/(?<=`[^`]*\})[^`$]+(?=[`$])/, (m) => `x${m}`],
    [
      / \* | \+ | - | > | < /,
      (m) => ({ " * ": " / ", " + ": " - ", " - ": " + ", " > ": " >= ", " < ": " <= " })[m] ?? m,
    ],
    // Else a property it reads: another property.
    [/(?<=[\w$)\]]\??)\.[A-Za-z_$][\w$]*/, (m) => `${m}X`],
  ];
  for (const [pattern, edit] of edits) {
    // Skip the declaration line's own text (names, types): edit inside the function's body.
    const arrow = body.search(/=>|\{/);
    const found = pattern.exec(body.slice(arrow));
    if (!found) continue;
    const index = start + arrow + found.index;
    return source.slice(0, index) + edit(found[0]) + source.slice(index + found[0].length);
  }
  return undefined;
}

export interface CorpusRow {
  readonly module: string;
  /** Toolchains that could build the module. */
  readonly toolchains: string[];
  readonly nodes: number;
  /** Nodes whose version is the same under every toolchain. */
  readonly agreeing: number;
  /** Nodes that disagree, with the toolchains where they differ from the first. */
  readonly disagreeing: Record<string, string[]>;
  /** Nodes edited, and those whose edited version equals an unedited one under some toolchain (must be none). */
  readonly mutated: number;
  readonly unchangedByEdit: string[];
}

/** Builds a module with every toolchain and compares its nodes' versions; edits each node once and checks the versions move. */
export async function measure(module: CorpusModule, options: { mutations?: boolean } = {}): Promise<CorpusRow> {
  const toolchains = Object.keys(TOOLCHAINS);
  const versions: Record<string, Record<string, string>> = {};
  for (const toolchain of toolchains) versions[toolchain] = await versionsUnder(module, toolchain);
  const built = toolchains.filter((t) => Object.keys(versions[t] ?? {}).length > 0);
  const declared = module.inline
    ? Object.keys(versions[built[0] as string] ?? {})
    : nodeNames(module.files[module.entry] as string);
  const names = declared.filter((name) => built.every((t) => versions[t]?.[name] !== undefined));
  const disagreeing: Record<string, string[]> = {};
  for (const name of names) {
    const first = versions[built[0] as string]?.[name];
    const differ = built.filter((t) => versions[t]?.[name] !== first);
    if (differ.length > 0) disagreeing[name] = differ;
  }
  const unchangedByEdit: string[] = [];
  let mutated = 0;
  if (options.mutations !== false) {
    for (const name of names) {
      const edited = mutate(module.files[module.entry] as string, name, module.inline);
      if (edited === undefined) continue;
      mutated++;
      const before = new Set(built.map((t) => versions[t]?.[name]));
      for (const toolchain of built) {
        const after = (await versionsUnder(module, toolchain, { ...module.files, [module.entry]: edited }))[name];
        if (after !== undefined && before.has(after)) {
          unchangedByEdit.push(`${name} (${toolchain})`);
          break;
        }
      }
    }
  }
  return {
    module: module.name,
    toolchains: built,
    nodes: names.length,
    agreeing: names.length - Object.keys(disagreeing).length,
    disagreeing,
    mutated,
    unchangedByEdit,
  };
}
