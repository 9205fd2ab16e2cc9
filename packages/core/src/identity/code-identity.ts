// Code identity of nodes: a node's own text plus the module-level helpers, constants, classes and
// imports it uses (followed transitively), and a guard for closures whose captured values no text shows.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "acorn";
import { hashString } from "../fingerprint/bytes.js";
import type { NodeInfo } from "../contracts.js"; // what code versions read of a node
import { normalizeSource } from "../graph/parse.js";
import { type FunctionSite, type ImportBinding, ModuleAnalysis, type ModuleDeclaration } from "./module-analysis.js";
import { resolveImport } from "./resolve-import.js";
import { FUNCTION, type EsNode, type FreeName, freeNamesOf, resolveName } from "./scope.js";
import { selfContainedUses } from "./self-contained.js";
import { ScriptLocator } from "./script-locator.js";
import { type CanonicalContext, canonicalForm } from "./canonical.js";
import { isCompilerHelper } from "./compiler-helpers.js";
import { enumFunction, enumLiterals, enumMembers } from "./enums.js";
import { RUNTIME_GLOBALS } from "./builtin-globals.js";
import { isVolatileDefault } from "./volatile-default.js";
import { type NameSource, type RuntimeReads, mergeReads, runtimeReadsOf } from "./runtime-reads.js";
import { cannotChangeInputs } from "./input-writes.js";
import { readText, sourceWork } from "./source-reads.js";

/** A node's code version and the parts it was made of (for `explain`). */
export interface CodeIdentity {
  readonly version: string;
  /** Label → hash: `own code`, `helper \`normalize\` in dataflow.ts`, `package \`lodash\``, … (empty when only the node's text counts). */
  readonly parts: Readonly<Record<string, string>>;
  /**
   * Why no code version can cover what the node reads (a module binding written inside a function,
   * an `import()` of a computed name): the node then recomputes on every run. Undefined when none.
   */
  readonly volatile?: string;
  /** Environment variables the node's own code reads by a literal name (`process.env.RATE`): their values go into its key. */
  readonly env?: readonly string[];
  /** Files and folders it reads by a literal path through node:fs (`readFileSync("rates.json")`): their content goes into its key. */
  readonly files?: readonly string[];
}

export interface CodeIdentityOptions {
  /** The modules given to withModules, in order (NodeInfo.moduleIndex indexes them). */
  readonly modules: readonly object[];
  /** Files given with withModuleSource, by module. */
  readonly sources?: ReadonlyMap<object, string>;
  /** Receives the closure warnings (`warn`) and notes on sources that could not be read (`debug`). */
  readonly warn?: (message: string) => void;
  readonly debug?: (message: string) => void;
}

/** The label of a node's own text among its code parts. */
export const OWN_CODE = "own code";

/** Code identities of every node of a graph. Opens the inspector only if some node needs its module's source. */
export function computeCodeIdentities(
  graph: ReadonlyMap<string, NodeInfo>,
  options: CodeIdentityOptions,
): Map<string, CodeIdentity> {
  const run = new IdentityRun(options);
  try {
    const out = new Map<string, CodeIdentity>();
    for (const node of graph.values()) {
      out.set(node.name, run.identityOf(node));
      warnVolatileDefaults(node, graph, options.warn);
    }
    return out;
  } finally {
    run.close();
  }
}

/**
 * The text-only code version (what a node gets when nothing outside it can be followed). A version
 * pinned with `cache({ version })` is combined with the name of the function (the node name, or the
 * function a modifier made the node from) so two functions pinned to the same string never share
 * results by accident, while the nodes `parameterize` makes from one function still do.
 */
export function textCodeVersion(node: NodeInfo): string {
  const pinned = node.cache?.version;
  if (pinned !== undefined)
    return `${CODE_VERSION_FORMAT}${hashString(`pinned\u0000${node.origin?.from ?? node.name}\u0000${pinned}`)}`;
  const plain = node.source === functionFacts(node.fn).text;
  let version = plain ? textVersions.get(node.fn) : undefined;
  if (version === undefined) {
    version = `${CODE_VERSION_FORMAT}${hashString(canonicalSourceOf(node, undefined))}`;
    if (plain) textVersions.set(node.fn, version);
  }
  return version;
}

// A function's text never changes: its text-only version is kept for later builds.
const textVersions = new WeakMap<object, string>();

/**
 * The version format, first in every code version: versions of another format never equal one of
 * these, so old cache entries are misses, never wrong hits. `c2.`: canonical forms; `c3.`: class
 * fields read back as the source's, bundles read through their source maps, local function names.
 */
export const CODE_VERSION_FORMAT = "c3.";

/**
 * The canonical form of a node's function (see canonical.ts), with the module around it when known,
 * plus, for nodes a modifier made, the modifier's suffix (node.source is the function's text, a
 * comment marker and that suffix).
 */
function canonicalSourceOf(node: NodeInfo, found: Found | undefined): string {
  const facts = functionFacts(node.fn);
  if (!node.source.startsWith(facts.text)) return normalizeSource(node.source);
  // Parsed alone, `function f() {}` is an expression; in its module, a declaration: the same function.
  const site =
    found?.site.node.type === "FunctionDeclaration"
      ? ({ ...found.site.node, type: "FunctionExpression" } as EsNode)
      : found?.site.node;
  const own = found && site ? canonicalInModule(site, found.site.node, found.analysis) : facts.canonical;
  const rest = node.source.slice(facts.text.length);
  return rest.length === 0 ? own : `${own} ${normalizeSource(rest)}`.trimEnd();
}

// Analyses of scripts seen through the inspector, by script id: a script's text never changes, so
// they are kept for the life of the process (bounded).
const scriptAnalyses = new Map<string, ModuleAnalysis | null>();
const MAX_CACHED_SCRIPTS = 256;
// Analyses of files read from disk (withModuleSource, imported project files), by path, with the text
// they were made from: a later build reuses one only while the file's text is unchanged.
const diskAnalyses = new Map<string, { readonly text: string; readonly analysis: ModuleAnalysis | null }>();
// The scripts a module's functions were found in, for later builds over the same module object.
const moduleScripts = new WeakMap<object, ModuleAnalysis[]>();
// The loaded scripts (read through the inspector) of the files a module's nodes import, by path, for
// later builds over the same module object: those builds find the module's functions in moduleScripts
// and so open no inspector, yet must follow an imported file into the same script (a TypeScript file
// has no other analysis), else their versions differ from the first build's. The same module object
// is linked to the same loaded imports, so these scripts are what its nodes still run; an edited file
// takes effect only through a fresh load, a new module object, whose first build asks the inspector.
const moduleImports = new WeakMap<object, Map<string, ModuleAnalysis>>();
const declarationHashes = new WeakMap<ModuleDeclaration, string>();
const TS_FILE = /\.(ts|tsx|mts|cts)$/;

/** What a node's code version cannot cover; `writer` (file and name) is excused when the node itself reaches that function. */
interface Unseen {
  /** A write to module state (warned about) rather than something that makes the node recompute. */
  readonly write: boolean;
  readonly writer: string | undefined;
  readonly message: string;
}

interface Found {
  readonly analysis: ModuleAnalysis;
  readonly site: FunctionSite;
}

class IdentityRun {
  readonly #options: CodeIdentityOptions;
  #locator: ScriptLocator | string | undefined;
  readonly #files = new Map<string, ModuleAnalysis | null>();
  readonly #noted = new Set<string>();
  /** The module of the node being versioned: the scripts of the files it imports are kept under it. */
  #module: object | undefined;
  /** The helper functions and classes #follow reached for the node being versioned (their runtime reads count as its own). */
  #helpers: { readonly analysis: ModuleAnalysis; readonly declaration: ModuleDeclaration }[] = [];

  constructor(options: CodeIdentityOptions) {
    this.#options = options;
  }

  identityOf(node: NodeInfo): CodeIdentity {
    const facts = functionFacts(node.fn);
    this.#helpers = [];
    // Pinned: its author vouches for its code and what it reads (no module is read), but an
    // environment variable it names is data, not code: still part of its key.
    if (node.cache?.version !== undefined)
      return this.#withRuntimeReads(node, facts, undefined, { version: textCodeVersion(node), parts: {} }, true);
    const { identity, found } = this.#identityOf(node, facts);
    return this.#withRuntimeReads(node, facts, found, identity);
  }

  /**
   * `identity` with what the node's own code reads from the runtime (runtime-reads.ts): environment
   * variables and files named literally go into its key; the clock, random numbers, the network,
   * the command line and files named at run time make it recompute on every run, with one warning.
   */
  #withRuntimeReads(
    node: NodeInfo,
    facts: FunctionFacts,
    found: Found | undefined,
    identity: CodeIdentity,
    pinned = false,
  ): CodeIdentity {
    const ast = facts.ast;
    const free = facts.free;
    if (!ast || !free) return identity;
    const source = (name: string): NameSource => {
      // Without the module, the names this function does not declare are the runtime's (see #identityOf).
      if (found === undefined) return "global";
      const where = resolveName(name, found.site.outer);
      if (where === "global") return "global";
      return where === "module" ? found.analysis.declarations.get(name)?.import : undefined;
    };
    const listed = node.cache?.files !== undefined;
    const reads = mergeReads([runtimeReadsOf(ast, free.keys(), source, listed), ...this.#helperReads(listed)]);
    if (reads.unseen.length + reads.env.length + reads.files.length === 0) return identity;
    let volatile = identity.volatile;
    if (reads.unseen.length > 0 && !pinned) {
      const what = reads.unseen.join(", ");
      this.#options.warn?.(
        `node "${node.name}" reads what neither its inputs nor its code version show: ${what}; ham recomputes "${node.name}" on every run (a cached result could be stale). Pass the value in as an input or config value (a file as file(path)), or pin cache({ version }) to reuse its results anyway`,
      );
      volatile = [volatile, `it reads ${what}`].filter((reason) => reason !== undefined).join("; ");
    }
    return {
      ...identity,
      ...(volatile !== undefined ? { volatile } : {}),
      ...(reads.env.length > 0 ? { env: reads.env } : {}),
      ...(reads.files.length > 0 ? { files: reads.files } : {}),
    };
  }

  /** The runtime reads of the helper functions the node's code version followed, each named after its helper. */
  #helperReads(listed: boolean): RuntimeReads[] {
    const out: RuntimeReads[] = [];
    for (const { analysis, declaration } of this.#helpers) {
      const source = (name: string): NameSource =>
        analysis.moduleScope.names.has(name) ? analysis.declarations.get(name)?.import : "global";
      const via = ` through ${declaration.kind} \`${analysis.originalName(declaration.name)}\``;
      for (const fn of functionsOf(declaration.node)) {
        const reads = runtimeReadsOf(fn, analysis.freeNames(fn).keys(), source, listed);
        if (reads.unseen.length + reads.env.length + reads.files.length === 0) continue;
        out.push({ ...reads, unseen: reads.unseen.map((what) => `${what}${via}`) });
      }
    }
    return out;
  }

  #identityOf(node: NodeInfo, facts: FunctionFacts): { identity: CodeIdentity; found?: Found } {
    const { text } = facts;
    this.#module = this.#options.modules[node.moduleIndex];
    // A module read already (withModuleSource, or an earlier node or build): one parse serves all its functions.
    const known = this.#find(node, text, false);
    if (known) facts.adopt(known.site.node);
    const free = facts.free;
    const needsModule =
      free === undefined
        ? false
        : [...free.keys()].some((name) => !RUNTIME_GLOBALS.has(name)) ||
          free.get("exports")?.members !== undefined ||
          DYNAMIC_IMPORT.test(text);
    if (!needsModule)
      return { identity: { version: textCodeVersion(node), parts: {} }, ...(known ? { found: known } : {}) };
    const found = known ?? this.#find(node, text, true);
    if (!found) return { identity: { version: textCodeVersion(node), parts: {} } };
    const parts: Record<string, string> = {};
    const unseen: Unseen[] = [];
    const closure: string[] = [];
    const { analysis, site } = found;
    // Files are named relative to the node's own source file (in a bundle, the file it came from).
    const root = analysis.originFileAt(site.start) ?? analysis.file;
    const seen = new Set<string>();
    for (const [name, use] of free as Map<string, FreeName>) {
      const where = resolveName(name, site.outer);
      if (where === "module" && !isCompilerHelper(name) && !inlinedEnum(analysis, name, use.members))
        this.#follow(analysis, name, use.members, parts, root, seen, unseen);
      else if (where === "global" && name === "exports")
        this.#followExportsReads(analysis, use.members, parts, root, seen, unseen);
      else if (where === "closure") closure.push(name);
    }
    // `import "./register.js"` may install what any node of the module reads (helpers on globalThis, a registry).
    for (const spec of analysis.sideEffectImports)
      this.#followImport(analysis, { spec, imported: "*" }, undefined, parts, root, seen, unseen, "side-effect import");
    this.#followDynamicImports(analysis, site.node, parts, root, seen, unseen, "its own code");
    if (closure.length > 0) {
      const names = closure.map((n) => `"${n}"`).join(", ");
      this.#options.warn?.(
        `node "${node.name}" uses ${names} from an enclosing function, not from module level, so its code version cannot cover ${closure.length > 1 ? "their values" : "that value"}; ham adds the ${node.origin ? `name of the function it was made from ("${node.origin.from}")` : "node's name"} to its cache key so nodes made by one factory never share results. Pin cache({ version }) and change it when ${names} change${closure.length > 1 ? "" : "s"}`,
      );
      // Keyed by the function the node came from: nodes `parameterize` makes from one function share
      // its captured values, so they may still share results; `make(2)` and `make(3)` may not.
      const madeBy = node.origin?.from ?? node.name;
      parts[`closure over ${closure.map((n) => `\`${n}\``).join(", ")}`] = hashString(`function\u0000${madeBy}`);
      // The factory the function was made in (in this module or another file), and what it uses.
      const factory = analysis.declarationAt(site.start);
      if (factory) this.#follow(analysis, factory.name, undefined, parts, root, seen, unseen);
      // `export const double = make(2)`: the declaration that made the node shows the factory's arguments.
      const declaration = analysis.declarations.get(madeBy);
      if (declaration && !(declaration.node.start <= site.start && site.start < declaration.node.end)) {
        this.#follow(analysis, madeBy, undefined, parts, root, seen, unseen);
      }
    }
    const entries = Object.entries(parts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const reasons = unseen.filter((u) => u.writer === undefined || !seen.has(u.writer));
    const written = [...new Set(reasons.filter((u) => u.write).map((u) => u.message))];
    if (written.length > 0) {
      this.#options.warn?.(
        `node "${node.name}" reads module state that functions change at run time, which its code version cannot show: ${written.join("; ")}. A run after such a change may hit a result computed before it. Make the value an input or a config value, or pin cache({ version }) and change it with the value`,
      );
    }
    const unseeable = [...new Set(reasons.filter((u) => !u.write).map((u) => u.message))];
    const volatile = unseeable.length === 0 ? undefined : unseeable.join("; ");
    if (volatile !== undefined) {
      this.#options.warn?.(
        `node "${node.name}" depends on what no code version can show: ${volatile}; ham recomputes "${node.name}" on every run. Import a literal path, or pin cache({ version }) and change it when the imported code changes`,
      );
    }
    const ownInModule = ownVersionInModule(node, found);
    if (entries.length === 0)
      return { identity: { version: ownInModule, parts: {}, ...(volatile !== undefined ? { volatile } : {}) }, found };
    // Labels name files with their extension (`util.ts` under tsx, `util.js` built): the hash does not.
    const hashed = entries.map(([label, hash]) => `${label.replace(SCRIPT_EXTENSION, "")}=${hash}`);
    const version = `${CODE_VERSION_FORMAT}${hashString([ownInModule, ...hashed].join("\u0000"))}`;
    return {
      identity: {
        version,
        parts: { [OWN_CODE]: ownInModule, ...parts },
        ...(volatile !== undefined ? { volatile } : {}),
      },
      found,
    };
  }

  close(): void {
    if (this.#locator instanceof ScriptLocator) this.#locator.close();
  }

  /**
   * The function of `node` in its module's source: from withModuleSource's file, a script read for
   * the module before, else (when `locate`) through the inspector.
   */
  #find(node: NodeInfo, text: string, locate: boolean): Found | undefined {
    const module = this.#options.modules[node.moduleIndex];
    const given = module === undefined ? undefined : this.#options.sources?.get(module);
    if (given !== undefined) {
      const analysis = this.#diskAnalysis(given);
      const site = analysis ? pickSite(analysis.functionsWithText(text), undefined) : undefined;
      if (analysis && site) return { analysis, site };
      if (locate)
        this.#note(
          `given:${given}`,
          `the file given with withModuleSource for module ${node.moduleIndex + 1} (${given}) ${analysis ? `does not contain the function of node "${node.name}" as it runs (was it compiled or transformed?)` : "cannot be read or parsed as JavaScript"}; looking the function up through the inspector instead`,
        );
    }
    // Scripts already read for this module (in this build or an earlier one): no inspector needed.
    const known = module === undefined ? [] : (moduleScripts.get(module) ?? []);
    for (const analysis of known) {
      const site = pickSite(analysis.functionsWithText(text), undefined);
      if (site) return { analysis, site };
    }
    if (!locate) return undefined;
    const locator = this.#openLocator();
    if (typeof locator === "string") {
      this.#note(
        "inspector",
        `cannot read module sources through node:inspector (${locator}); nodes that use module-level helpers or constants are versioned by their own text only — give the module's file with builder.withModuleSource(module, url)`,
      );
      return undefined;
    }
    const location = locator.locate(node.fn);
    const analysis = location ? this.#scriptAnalysis(location.scriptId) : undefined;
    if (!location || !analysis) {
      this.#note(
        `node:${node.name}`,
        `the source of node "${node.name}" could not be found; it is versioned by its own text only (helpers and constants it uses are not followed)`,
      );
      return undefined;
    }
    if (module !== undefined && !known.includes(analysis)) moduleScripts.set(module, [...known, analysis]);
    const site = pickSite(analysis.functionsWithText(text), analysis.offsetOf(location.line, location.column));
    if (!site) {
      this.#note(
        `node:${node.name}`,
        `the function of node "${node.name}" was not found in its script ${locator.url(location.scriptId)}; it is versioned by its own text only`,
      );
      return undefined;
    }
    return { analysis, site };
  }

  /** Adds the part for module-level `name` of `analysis` and, transitively, what it uses. */
  #follow(
    analysis: ModuleAnalysis,
    name: string,
    members: ReadonlySet<string> | undefined,
    parts: Record<string, string>,
    root: string | undefined,
    seen: Set<string>,
    unseen: Unseen[],
  ): void {
    const key = `${analysis.file ?? ""}\u0000${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const declaration = analysis.declarations.get(name);
    if (!declaration) return; // a loader wrapper's parameter or a var hoisted out of a block: nothing to version
    if (declaration.import) {
      this.#followImport(analysis, declaration.import, members, parts, root, seen, unseen);
      return;
    }
    if (declaration.kind === "helper" || declaration.kind === "class") this.#helpers.push({ analysis, declaration });
    const origin = analysis.originFileAt(declaration.node.start);
    const where = display(origin ?? analysis.file, root);
    const named = analysis.originalName(name);
    parts[`${declaration.kind} \`${named}\` in ${where}`] = declarationHash(declaration, analysis);
    const writes = analysis.writes().get(name);
    if (writes && writes.statements.length > 0) {
      // Top-level statements run once, at import: their text decides the binding's value as much as its declaration.
      const text = writes.statements.map((stmt) => canonicalForm(stmt, contextOf(analysis, origin))).join("\u0000");
      parts[`top-level statements writing \`${named}\` in ${where}`] = hashString(text);
      for (const stmt of writes.statements) this.#followUses(analysis, stmt, parts, root, seen, unseen);
    }
    // A write by a function this node itself reaches is its own doing (a memo, a call counter); any
    // other function may change the value between runs (`setRate(5)`), which no text shows.
    for (const { writer, where: at } of writes?.inFunctions ?? []) {
      unseen.push({
        write: true,
        writer: writer === undefined ? undefined : `${analysis.file ?? ""}\u0000${writer}`,
        message: `\`${name}\` in ${where} is written by ${at}`,
      });
    }
    this.#followUses(analysis, declaration.node, parts, root, seen, unseen);
    this.#followDynamicImports(
      analysis,
      declaration.node,
      parts,
      root,
      seen,
      unseen,
      `${declaration.kind} \`${name}\``,
    );
  }

  /** Follows the module-level names a declaration or statement reads. */
  #followUses(
    analysis: ModuleAnalysis,
    node: EsNode,
    parts: Record<string, string>,
    root: string | undefined,
    seen: Set<string>,
    unseen: Unseen[],
  ): void {
    for (const [used, use] of analysis.freeNames(node)) {
      if (analysis.moduleScope.names.has(used) && !isCompilerHelper(used) && !inlinedEnum(analysis, used, use.members))
        this.#follow(analysis, used, use.members, parts, root, seen, unseen);
      else if (used === "exports") this.#followExportsReads(analysis, use.members, parts, root, seen, unseen);
    }
  }

  /** tsc's CommonJS reads an exported constant as `exports.RATE`: that is the module's `RATE`. */
  #followExportsReads(
    analysis: ModuleAnalysis,
    members: ReadonlySet<string> | undefined,
    parts: Record<string, string>,
    root: string | undefined,
    seen: Set<string>,
    unseen: Unseen[],
  ): void {
    for (const member of members ?? [])
      if (analysis.declarations.has(member)) this.#follow(analysis, member, undefined, parts, root, seen, unseen);
  }

  /** `await import("./util.js")` is followed like a static import; a computed specifier cannot be. */
  #followDynamicImports(
    analysis: ModuleAnalysis,
    node: EsNode,
    parts: Record<string, string>,
    root: string | undefined,
    seen: Set<string>,
    unseen: Unseen[],
    what: string,
  ): void {
    const found = analysis.dynamicImports(node);
    for (const spec of found.specs)
      this.#followImport(analysis, { spec, imported: "*" }, undefined, parts, root, seen, unseen, "dynamic import");
    if (found.computed > 0)
      unseen.push({
        write: false,
        writer: undefined,
        message: `${what} in ${display(analysis.file, root)} imports a module whose name is computed at run time`,
      });
  }

  #followImport(
    importer: ModuleAnalysis,
    binding: ImportBinding,
    members: ReadonlySet<string> | undefined,
    parts: Record<string, string>,
    root: string | undefined,
    seen: Set<string>,
    unseen: Unseen[],
    wholeLabel?: string,
  ): void {
    const resolved = resolveImport(binding.spec, importer.file);
    switch (resolved.kind) {
      case "builtin":
        return;
      case "package":
        parts[`package \`${resolved.name}\``] = resolved.version;
        return;
      case "unresolved":
        parts[`import "${binding.spec}" (not found)`] = "unresolved";
        return;
    }
    const target = this.#fileAnalysis(resolved.path);
    if (!target) {
      // Not analysable (a TypeScript file nobody loaded, say): its whole text stands in.
      parts[`file ${display(resolved.path, root)}`] = hashString(readText(resolved.path) ?? "unreadable");
      return;
    }
    const names = binding.imported === "*" ? (members ? [...members] : undefined) : [binding.imported];
    if (!names) {
      parts[`${wholeLabel === undefined ? "module" : `${wholeLabel}: module`} ${display(target.file, root)}`] =
        moduleHash(target);
      return;
    }
    for (const exported of names) this.#followExport(target, exported, parts, root, seen, unseen);
  }

  #followExport(
    target: ModuleAnalysis,
    exported: string,
    parts: Record<string, string>,
    root: string | undefined,
    seen: Set<string>,
    unseen: Unseen[],
  ): void {
    const local = target.exportAliases.get(exported) ?? exported;
    if (target.declarations.has(local)) return this.#follow(target, local, undefined, parts, root, seen, unseen);
    const reExport = target.reExports.get(exported);
    if (reExport) return this.#followImport(target, reExport, undefined, parts, root, seen, unseen);
    if (target.starExports.length > 0) {
      for (const spec of target.starExports)
        this.#followImport(target, { spec, imported: exported }, undefined, parts, root, seen, unseen);
      return;
    }
    parts[`module ${display(target.file, root)}`] = moduleHash(target);
  }

  /** A project file's analysis: the script as loaded (through the inspector) when it is, else the file on disk. */
  #fileAnalysis(file: string): ModuleAnalysis | undefined {
    const loaded = this.#module === undefined ? undefined : moduleImports.get(this.#module);
    const kept = loaded?.get(file);
    if (kept) return kept;
    if (this.#locator instanceof ScriptLocator) {
      const scriptId = this.#locator.scriptOf(pathToFileURL(file).href) ?? this.#locator.scriptOf(file);
      const analysis = scriptId === undefined ? undefined : this.#scriptAnalysis(scriptId);
      if (analysis) {
        if (this.#module !== undefined) {
          if (loaded) loaded.set(file, analysis);
          else moduleImports.set(this.#module, new Map([[file, analysis]]));
        }
        return analysis;
      }
    }
    return TS_FILE.test(file) ? undefined : this.#diskAnalysis(file);
  }

  #diskAnalysis(location: string): ModuleAnalysis | undefined {
    const file = location.startsWith("file:") ? fileURLToPath(location) : path.resolve(location);
    if (this.#files.has(file)) return this.#files.get(file) ?? undefined;
    const text = readText(file);
    // The same file with the same text as in an earlier build (a new driver over the same module): its analysis is kept.
    const known = diskAnalyses.get(file);
    let analysis: ModuleAnalysis | null = null;
    if (known && known.text === text) analysis = known.analysis;
    else if (text !== undefined) {
      try {
        analysis = new ModuleAnalysis(text, file);
      } catch {
        analysis = null;
      }
      if (diskAnalyses.size >= MAX_CACHED_SCRIPTS) diskAnalyses.delete(diskAnalyses.keys().next().value as string);
      diskAnalyses.set(file, { text, analysis });
    }
    this.#files.set(file, analysis);
    return analysis ?? undefined;
  }

  #scriptAnalysis(scriptId: string): ModuleAnalysis | undefined {
    if (scriptAnalyses.has(scriptId)) return scriptAnalyses.get(scriptId) ?? undefined;
    const locator = this.#locator as ScriptLocator;
    const source = locator.source(scriptId);
    sourceWork.reads++;
    let analysis: ModuleAnalysis | null = null;
    if (source !== undefined) {
      const url = locator.url(scriptId).replace(/[?#].*$/, "");
      let file: string | undefined;
      try {
        // vitest names a module imported with a query string `file:///…/x.mjs%3Fv=2`: drop the query either way.
        file = url.startsWith("file:")
          ? fileURLToPath(url).replace(/[?#].*$/, "")
          : url.startsWith("/")
            ? url
            : undefined;
      } catch {
        file = undefined;
      }
      try {
        analysis = new ModuleAnalysis(source, file);
      } catch {
        analysis = null;
      }
    }
    if (scriptAnalyses.size >= MAX_CACHED_SCRIPTS) scriptAnalyses.delete(scriptAnalyses.keys().next().value as string);
    scriptAnalyses.set(scriptId, analysis);
    return analysis ?? undefined;
  }

  #openLocator(): ScriptLocator | string {
    if (this.#locator === undefined) {
      this.#locator = ScriptLocator.open();
      if (this.#locator instanceof ScriptLocator) {
        this.#options.debug?.(
          `[ham] code identity: read module sources through node:inspector (debugger enabled for ${this.#locator.enableMs.toFixed(1)} ms)`,
        );
      }
    }
    return this.#locator;
  }

  #note(key: string, message: string): void {
    if (this.#noted.has(key)) return;
    this.#noted.add(key);
    this.#options.debug?.(`[ham] ${message}`);
  }
}

/** A function that may load a module when it runs (`import(…)`, `require(…)`): read its module to see which. */
const DYNAMIC_IMPORT = /\bimport\s*\(|\brequire\s*\(|__vite_ssr_dynamic_import__/;

/**
 * One warning per parameter whose default is computed on every call (`today = new Date()`): the node
 * recomputes on each run where the parameter is not given (see SmartCache), unless its version is pinned.
 */
function warnVolatileDefaults(
  node: NodeInfo,
  graph: ReadonlyMap<string, NodeInfo>,
  warn: ((message: string) => void) | undefined,
): void {
  for (const param of volatileDefaultParams(node)) {
    if (param.dep !== undefined && graph.has(param.dep)) continue;
    const text = param.defaultValue?.literal === false ? param.defaultValue.text : "";
    warn?.(
      `node "${node.name}": parameter "${param.name}" defaults to \`${text}\`, which is evaluated on every call, so ham recomputes "${node.name}" on every run that does not give "${param.name}". Give "${param.name}" as an input or config value, or pin cache({ version }) if the default cannot change the result`,
    );
  }
}

/** The parameters of a node whose default gives a new value on each call (none when the node's version is pinned). */
export function volatileDefaultParams(node: NodeInfo): NodeInfo["params"] {
  let found = volatileParams.get(node);
  if (!found) {
    found =
      node.cache?.version !== undefined
        ? []
        : node.params.filter(
            (p) => p.dep !== undefined && p.defaultValue?.literal === false && isVolatileDefault(p.defaultValue.text),
          );
    volatileParams.set(node, found);
  }
  return found;
}

const volatileParams = new WeakMap<NodeInfo, NodeInfo["params"]>();

const leavesInputsMemo = new WeakMap<object, boolean>();

/**
 * Whether the code of `node` (of `module`, one of withModules' modules) provably changes none of
 * its inputs (input-writes.ts), so they need not be fingerprinted again after it runs. Asked when
 * first needed, not at build: most nodes never are. Only a plain node: a modifier's runs more than
 * its function. A name counts as the global only when it is one of the runtime's and no module
 * script read for `module` declares it.
 */
export function leavesInputs(node: NodeInfo, module: object | undefined): boolean {
  if (node.origin !== undefined) return false;
  let known = leavesInputsMemo.get(node.fn);
  if (known === undefined) {
    const ast = functionFacts(node.fn).ast;
    const scripts = module === undefined ? [] : (moduleScripts.get(module) ?? []);
    const isGlobal = (name: string) =>
      RUNTIME_GLOBALS.has(name) && !scripts.some((analysis) => analysis.moduleScope.names.has(name));
    known = ast !== null && cannotChangeInputs(ast, isGlobal);
    leavesInputsMemo.set(node.fn, known);
  }
  return known;
}

/**
 * The functions a helper or class declaration runs: the function itself; a class's methods,
 * accessors and field initialisers (an initialiser that is not a function counts as one whose body
 * it is, as it runs on each `new`).
 */
function functionsOf(node: EsNode): EsNode[] {
  if (FUNCTION.test(node.type)) return [node];
  if (node.type === "VariableDeclarator") return node.init ? functionsOf(node.init as EsNode) : [];
  if (node.type !== "ClassDeclaration" && node.type !== "ClassExpression") return [];
  const out: EsNode[] = [];
  for (const member of (node.body as EsNode).body as EsNode[]) {
    const value = member.value as EsNode | null | undefined;
    if (!value) continue;
    if (FUNCTION.test(value.type)) out.push(value);
    else if (member.type === "PropertyDefinition")
      out.push({
        type: "ArrowFunctionExpression",
        params: [],
        body: value,
        expression: true,
        start: value.start,
        end: value.end,
      } as EsNode);
  }
  return out;
}

/**
 * What a function's text gives: its free names and its canonical form, from one AST — the
 * function's node in its module when the module was read already (no parse of its own), else a
 * parse of the text alone, on first use.
 */
class FunctionFacts {
  readonly text: string;
  #expr: EsNode | null | undefined;
  #free: Map<string, FreeName> | undefined;
  #canonical: string | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** Names the function reads but does not declare; undefined when it could not be parsed. */
  get free(): Map<string, FreeName> | undefined {
    const expr = this.#ast();
    if (expr && !this.#free) this.#free = freeNamesOf(expr, selfContainedUses(expr));
    return this.#free;
  }

  /** The function's canonical form without its module (canonical.ts); its token text when it does not parse. */
  get canonical(): string {
    if (this.#canonical === undefined) {
      const expr = this.#ast();
      this.#canonical = expr ? canonicalForm(expr) : normalizeSource(this.text);
    }
    return this.#canonical;
  }

  /** The function's syntax tree; null when it does not parse alone (a class). */
  get ast(): EsNode | null {
    return this.#ast();
  }

  /** Takes the function's node from its module (the same text, so the same tree) instead of parsing the text. */
  adopt(site: EsNode): void {
    // Alone, `function f() {}` is an expression (its name is its own); in its module, a declaration.
    if (this.#expr === undefined)
      this.#expr = site.type === "FunctionDeclaration" ? ({ ...site, type: "FunctionExpression" } as EsNode) : site;
  }

  #ast(): EsNode | null {
    if (this.#expr === undefined) this.#expr = parseFunction(this.text);
    return this.#expr;
  }
}

// A function's text never changes, so its facts are kept for as long as the function lives: later
// builds over the same module (new drivers in one process) skip the parse.
const factsByFunction = new WeakMap<object, FunctionFacts>();

function functionFacts(fn: (...args: never[]) => unknown): FunctionFacts {
  let facts = factsByFunction.get(fn);
  if (!facts) factsByFunction.set(fn, (facts = new FunctionFacts(Function.prototype.toString.call(fn))));
  return facts;
}

/** A function's text parsed alone (`(…)`, or as a method `({…})`): the function's node, or null (a class, or it does not parse). */
function parseFunction(text: string): EsNode | null {
  sourceWork.parses++;
  for (const prefix of ["(", "({", "({async "]) {
    let program: EsNode;
    try {
      program = parse(`${prefix}${text}${prefix === "(" ? ")" : "})"}`, {
        ecmaVersion: "latest",
        sourceType: "module",
      }) as EsNode;
    } catch {
      continue;
    }
    let expr = (program.body as EsNode[])[0]?.expression as EsNode | undefined;
    if (expr?.type === "ObjectExpression") expr = (expr.properties as EsNode[])[0]?.value;
    if (expr && /^(ArrowFunctionExpression|FunctionExpression)$/.test(expr.type)) return expr;
    if (expr?.type === "ClassExpression") return null;
  }
  return null;
}

/**
 * One of several functions with the same text: the one at `offset` when known; else any, provided they all
 * see the same names from the same places (module level vs an enclosing function).
 */
function pickSite(sites: readonly FunctionSite[], offset: number | undefined): FunctionSite | undefined {
  if (sites.length <= 1) return sites[0];
  if (offset !== undefined) {
    return sites.reduce((best, site) => (Math.abs(site.start - offset) < Math.abs(best.start - offset) ? site : best));
  }
  const first = sites[0] as FunctionSite;
  const free = freeNamesOf(first.node, selfContainedUses(first.node));
  const signature = (site: FunctionSite) => [...free.keys()].map((name) => resolveName(name, site.outer)).join(",");
  const expected = signature(first);
  return sites.every((site) => signature(site) === expected) ? first : undefined;
}

function declarationHash(declaration: ModuleDeclaration, analysis: ModuleAnalysis): string {
  let hash = declarationHashes.get(declaration);
  if (hash === undefined) {
    // An enum is its members, however the compiler spelled the code that fills it.
    const filler = enumFillerOf(analysis, declaration.name);
    const context = contextOf(analysis, analysis.originFileAt(declaration.node.start));
    const form = filler
      ? `enum:${canonicalForm(enumMembers(filler), context)}`
      : canonicalForm(declaration.node, context);
    hash = hashString(`${declaration.kind}\u0000${form}`);
    declarationHashes.set(declaration, hash);
  }
  return hash;
}

const siteForms = new WeakMap<EsNode, string>();
const siteVersions = new WeakMap<EsNode, string>();

/** The version of a node's own code read in its module (kept per function site for later builds). */
function ownVersionInModule(node: NodeInfo, found: Found): string {
  const plain = node.source === functionFacts(node.fn).text; // no modifier suffix: the site alone decides
  let version = plain ? siteVersions.get(found.site.node) : undefined;
  if (version === undefined) {
    version = `${CODE_VERSION_FORMAT}${hashString(canonicalSourceOf(node, found))}`;
    if (plain) siteVersions.set(found.site.node, version);
  }
  return version;
}

/** A function's canonical form in its module (kept: a script's text, and so its analysis, never changes). */
function canonicalInModule(printed: EsNode, site: EsNode, analysis: ModuleAnalysis): string {
  let form = siteForms.get(site);
  if (form === undefined) {
    form = canonicalForm(printed, contextOf(analysis, analysis.originFileAt(site.start)));
    siteForms.set(site, form);
  }
  return form;
}

const SCRIPT_EXTENSION = /\.(?:[mc]?[jt]sx?)\b/g;
const contexts = new WeakMap<ModuleAnalysis, Map<string, CanonicalContext>>();

/**
 * How canonical forms read a module's names: its imports by target (relative, no extension), its
 * top-level names. In a bundle, `origin` is the source file the code came from: a declaration that
 * came from another file reads as an import of it, by its source name.
 */
function contextOf(analysis: ModuleAnalysis, origin = analysis.originFileAt(0)): CanonicalContext {
  let byOrigin = contexts.get(analysis);
  if (!byOrigin) contexts.set(analysis, (byOrigin = new Map()));
  let context = byOrigin.get(origin ?? "");
  if (!context) {
    const targets = new Map<string, string>();
    context = {
      importOf: (name) => {
        const declaration = analysis.declarations.get(name);
        if (!declaration || declaration.import || origin === undefined) return declaration?.import;
        const from = analysis.originFileAt(declaration.node.start);
        if (from === undefined || from === origin) return undefined;
        return {
          spec: from,
          imported: analysis.originalName(name),
          target: `./${relativeFile(origin, from).replace(SCRIPT_EXTENSION, "")}`,
        };
      },
      isModuleName: (name) => analysis.moduleScope.names.has(name) || analysis.declarations.has(name),
      enumMember: (name, member) => enumLiteralsOf(analysis, name)?.get(member),
      target: (spec) => {
        let target = targets.get(spec);
        if (target === undefined) {
          target = canonicalTarget(spec, analysis.file);
          targets.set(spec, target);
        }
        return target;
      },
      ...(origin === undefined ? {} : { sourceName: (name: string) => analysis.originalName(name) }),
    };
    byOrigin.set(origin ?? "", context);
  }
  return context;
}

const enumTables = new WeakMap<ModuleAnalysis, Map<string, Map<string, EsNode> | undefined>>();

/** The literal members of the module's enum `name` (undefined when `name` is not an enum of the module). */
function enumLiteralsOf(analysis: ModuleAnalysis, name: string): Map<string, EsNode> | undefined {
  let tables = enumTables.get(analysis);
  if (!tables) enumTables.set(analysis, (tables = new Map()));
  if (tables.has(name)) return tables.get(name);
  const filler = enumFillerOf(analysis, name);
  const table = filler ? enumLiterals(filler) : undefined;
  tables.set(name, table);
  return table;
}

function enumFillerOf(analysis: ModuleAnalysis, name: string): EsNode | undefined {
  const declaration = analysis.declarations.get(name);
  if (!declaration || declaration.import) return undefined;
  const init = declaration.node.type === "VariableDeclarator" ? (declaration.node.init as EsNode | null) : undefined;
  return (
    enumFunction(init) ?? (init === null ? enumFunction(analysis.enumStatements.get(name)?.expression) : undefined)
  );
}

/** True when every use of `name` reads an enum member whose literal value the canonical form holds (nothing to follow). */
function inlinedEnum(analysis: ModuleAnalysis, name: string, members: ReadonlySet<string> | undefined): boolean {
  const table = members === undefined ? undefined : enumLiteralsOf(analysis, name);
  return table !== undefined && [...(members as ReadonlySet<string>)].every((member) => table.has(member));
}

/** `./lib/util` for "./lib/util.js" from tsc's output, "./lib/util.ts" under tsx, "/@fs/…/lib/util.ts" under vitest. */
function canonicalTarget(spec: string, importer: string | undefined): string {
  const resolved = resolveImport(spec, importer);
  if (resolved.kind === "package") return `package:${resolved.name}`;
  if (resolved.kind === "builtin") return `node:${spec.replace(/^node:/, "")}`;
  if (resolved.kind === "unresolved" || importer === undefined) return JSON.stringify(spec);
  return `./${relativeFile(importer, resolved.path).replace(SCRIPT_EXTENSION, "")}`;
}

/** `file` relative to the folder of `from`, with `/` separators. */
function relativeFile(from: string, file: string): string {
  return path.relative(path.dirname(from), file).split(path.sep).join("/");
}

/** A whole module's canonical form, its loader and compiler boilerplate left out (see ModuleAnalysis.ownStatements). */
function moduleHash(analysis: ModuleAnalysis): string {
  const context = contextOf(analysis);
  return hashString(
    analysis
      .ownStatements()
      .map((stmt) => canonicalForm(stmt, context))
      .join("\u0000"),
  );
}

/** A file named relative to the node's own module, so labels (and hashes) do not depend on where the project lives. */
const displayed = new Map<string, string>();

function display(file: string | undefined, root: string | undefined): string {
  if (!file) return "(unnamed script)";
  const key = `${file}\u0000${root ?? ""}`;
  let shown = displayed.get(key);
  if (shown === undefined) {
    shown = displayUncached(file, root);
    if (displayed.size > 10_000) displayed.clear();
    displayed.set(key, shown);
  }
  return shown;
}

function displayUncached(file: string, root: string | undefined): string {
  if (!root) return path.basename(file);
  const relative = path.relative(path.dirname(root), file).split(path.sep).join("/");
  return relative === "" ? path.basename(file) : relative;
}
