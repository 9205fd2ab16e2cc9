// One module's source, parsed once: its top-level declarations (helpers, constants, classes, imports)
// and every function in it with the scope around it, found by the function's source text.
import { parse } from "acorn";
import { type FoldedClass, foldClasses } from "./class-fields.js";
import { withoutKeepName } from "./compiler-helpers.js";
import { enumStatementName } from "./enums.js";
import { type BindingWrites, moduleWrites } from "./module-writes.js";
import {
  FUNCTION,
  type EsNode,
  type FreeName,
  type Scope,
  boundaryScope,
  declaredWithin,
  forEachChild,
  freeNamesOf,
  hoistVars,
  lexicalNames,
  patternNames,
  walkReferences,
} from "./scope.js";
import { ScriptMap } from "./script-map.js";
import { selfContainedUses } from "./self-contained.js";
import { sourceWork } from "./source-reads.js";

/** A binding the module imports: from `spec`, the export `imported` (`"*"` for the whole namespace). */
export interface ImportBinding {
  readonly spec: string;
  readonly imported: string;
  /** The canonical name of the file it comes from, when known without resolving `spec` (a bundle's inlined file). */
  readonly target?: string;
}

/** A module-level declaration a node may depend on. */
export interface ModuleDeclaration {
  readonly name: string;
  readonly kind: "helper" | "constant" | "class" | "import";
  /** The declaration's source text (a function, class or `name = init` declarator). */
  readonly text: string;
  readonly node: EsNode;
  readonly import?: ImportBinding;
}

/** A function found in the module, and the scope it was created in. */
export interface FunctionSite {
  readonly node: EsNode;
  readonly outer: Scope;
  readonly start: number;
}

const PARSE_OPTIONS = {
  ecmaVersion: "latest",
  allowHashBang: true,
  allowAwaitOutsideFunction: true,
  allowReturnOutsideFunction: true,
  allowImportExportEverywhere: true,
} as const;

export class ModuleAnalysis {
  /** Top-level declarations by local name. */
  readonly declarations = new Map<string, ModuleDeclaration>();
  /** Exported name → local name, where they differ (`export { a as b }`). */
  readonly exportAliases = new Map<string, string>();
  /** Exported name → where it is re-exported from (`export { a } from "./x.js"`). */
  readonly reExports = new Map<string, ImportBinding>();
  /** Modules re-exported whole (`export * from "./x.js"`). */
  readonly starExports: string[] = [];
  /** tsc's enum statements (`(function (E) { … })(E || (E = {}))`), by the enum's name. */
  readonly enumStatements = new Map<string, EsNode>();
  /** Modules imported for their side effects only (`import "./register.js"`, a bare `require("./x")`). */
  readonly sideEffectImports: string[] = [];
  readonly moduleScope: Scope;
  /** The module's top-level statements (inside a loader's wrapper, if any). */
  readonly body: readonly EsNode[];
  #writes: Map<string, BindingWrites> | undefined;
  readonly #dynamicImports = new Map<EsNode, DynamicImports>();
  readonly #functions = new Map<string, FunctionSite[]>();
  readonly #free = new Map<string, Map<string, FreeName>>();
  #lineStarts: number[] | undefined;
  #map: ScriptMap | null | undefined;
  /** Classes with the static fields a compiler lowered after them folded back in (class-fields.ts). */
  readonly #classes: Map<string, FoldedClass>;
  readonly #folded = new Set<EsNode>();

  /**
   * `file` is the module's path (for resolving its imports and naming it in labels).
   * Throws when the source does not parse as JavaScript.
   */
  constructor(
    readonly source: string,
    readonly file: string | undefined,
  ) {
    sourceWork.parses++;
    let program: EsNode;
    try {
      program = parse(withoutExportKeywords(source), { ...PARSE_OPTIONS, sourceType: "script" }) as EsNode;
    } catch {
      program = parse(source, { ...PARSE_OPTIONS, sourceType: "module" }) as EsNode;
    }
    const body = unwrapLoaderWrapper(program);
    this.body = body;
    const names = new Set<string>();
    hoistVars({ type: "BlockStatement", body, start: 0, end: 0 } as unknown as EsNode, names);
    lexicalNames(body, names);
    this.moduleScope = { names, parent: undefined, module: true };
    this.#classes = foldClasses(body, (declarator) => this.#renamedClass(declarator));
    for (const folded of this.#classes.values()) for (const stmt of folded.statements) this.#folded.add(stmt);
    for (const stmt of body) this.#declare(stmt);
    const index = (fn: EsNode, outer: Scope, parent: EsNode | undefined): void => {
      const site = { node: fn, outer, start: fn.start };
      this.#index(source.slice(fn.start, fn.end), site);
      // Methods (`{ A() {} }`) print with their key: index that text too.
      if (parent && (parent.type === "Property" || parent.type === "MethodDefinition") && parent.value === fn) {
        this.#index(source.slice(parent.start, parent.end), site);
      }
    };
    for (const stmt of body) walkReferences(stmt, this.moduleScope, () => undefined, index);
  }

  /** Functions whose source text is exactly `text` (usually one). */
  functionsWithText(text: string): readonly FunctionSite[] {
    return this.#functions.get(text) ?? [];
  }

  /** Writes to module-level bindings, by name (computed on first use). */
  writes(): Map<string, BindingWrites> {
    this.#writes ??= moduleWrites(
      this.body.filter((stmt) => enumStatementName(stmt) === undefined && !this.#folded.has(stmt)),
      this.moduleScope,
    );
    return this.#writes;
  }

  /**
   * The statements the module's author wrote: without what compilers and loaders add (esbuild's
   * `__defProp`/`__export` helpers and `module.exports` lines, tsc's `"use strict"`, `__esModule`
   * marker and `exports.x = void 0` preamble, vitest's export bookkeeping, `__name(f, "f")` calls).
   */
  ownStatements(): EsNode[] {
    return this.body
      .filter((stmt) => !isBoilerplate(stmt) && !this.#folded.has(stmt))
      .map((stmt) => this.#classes.get(classNameOf(stmt) ?? "")?.node ?? stmt);
  }

  /** The script's source map (read on first use; undefined when it has none). */
  scriptMap(): ScriptMap | undefined {
    if (this.#map === undefined) this.#map = ScriptMap.of(this.source, this.file) ?? null;
    return this.#map ?? undefined;
  }

  /**
   * For a bundle (a script whose source map names several files): the original file the code at
   * `offset` came from. Undefined for any other script.
   */
  originFileAt(offset: number): string | undefined {
    const map = this.scriptMap();
    if (!map || map.sources.length < 2) return undefined;
    return map.fileAt(offset);
  }

  /** The name a top-level declaration had in its source file (a bundle renames clashing names: `label2`). */
  originalName(name: string): string {
    const declaration = this.declarations.get(name);
    if (!declaration || declaration.import || this.originFileAt(declaration.node.start) === undefined) return name;
    const id = declarationId(declaration.node, name);
    return (id && this.scriptMap()?.identifierAt(id.start)) || name;
  }

  /** The top-level declaration (not an import) whose text contains `offset`: the factory a nested function was made in. */
  declarationAt(offset: number): ModuleDeclaration | undefined {
    for (const declaration of this.declarations.values()) {
      if (!declaration.import && declaration.node.start <= offset && offset < declaration.node.end) return declaration;
    }
    return undefined;
  }

  /** The modules `node` imports at run time: `import("./x.js")`, `require("./x")`, and how many specifiers are not literal. */
  dynamicImports(node: EsNode): DynamicImports {
    let found = this.#dynamicImports.get(node);
    if (!found) {
      found = dynamicImportsIn(node);
      this.#dynamicImports.set(node, found);
    }
    return found;
  }

  /** Character offset of a 0-based line and column (as the inspector reports them). */
  offsetOf(line: number, column: number): number {
    if (!this.#lineStarts) {
      const starts = [0];
      for (let i = this.source.indexOf("\n"); i !== -1; i = this.source.indexOf("\n", i + 1)) starts.push(i + 1);
      this.#lineStarts = starts;
    }
    return (this.#lineStarts[line] ?? 0) + column;
  }

  /** Free names of a declaration or function (memoised). */
  freeNames(node: EsNode): Map<string, FreeName> {
    const key = `${node.start}:${node.end}`;
    let free = this.#free.get(key);
    if (!free) {
      free = FUNCTION.test(node.type) ? freeNamesOf(node, selfContainedUses(node)) : freeNamesIn(node);
      this.#free.set(key, free);
    }
    return free;
  }

  #index(text: string, site: FunctionSite): void {
    const list = this.#functions.get(text);
    if (list) list.push(site);
    else this.#functions.set(text, [site]);
  }

  #declare(stmt: EsNode): void {
    const text = (node: EsNode) => this.source.slice(node.start, node.end);
    switch (stmt.type) {
      case "ImportDeclaration":
        if ((stmt.specifiers as EsNode[]).length === 0) this.sideEffectImports.push(String(stmt.source.value));
        for (const spec of stmt.specifiers as EsNode[]) {
          const imported =
            spec.type === "ImportDefaultSpecifier"
              ? "default"
              : spec.type === "ImportNamespaceSpecifier"
                ? "*"
                : importedName(spec.imported);
          this.#add({
            name: spec.local.name,
            kind: "import",
            text: text(stmt),
            node: stmt,
            import: { spec: String(stmt.source.value), imported },
          });
        }
        return;
      case "ExportNamedDeclaration":
        if (stmt.declaration) return this.#declare(stmt.declaration);
        for (const spec of stmt.specifiers as EsNode[]) {
          const exported = importedName(spec.exported);
          const local = importedName(spec.local);
          if (stmt.source) this.reExports.set(exported, { spec: String(stmt.source.value), imported: local });
          else if (exported !== local) this.exportAliases.set(exported, local);
        }
        return;
      case "ExportAllDeclaration":
        if (stmt.exported)
          this.reExports.set(importedName(stmt.exported), { spec: String(stmt.source.value), imported: "*" });
        else this.starExports.push(String(stmt.source.value));
        return;
      case "ExportDefaultDeclaration": {
        const decl = stmt.declaration as EsNode;
        if ((decl.type === "FunctionDeclaration" || decl.type === "ClassDeclaration") && decl.id) {
          this.#declare(decl);
          this.exportAliases.set("default", decl.id.name);
        } else {
          const kind = FUNCTION.test(decl.type)
            ? "helper"
            : decl.type === "ClassDeclaration" || decl.type === "ClassExpression"
              ? "class"
              : "constant";
          this.#add({ name: "default", kind, text: text(decl), node: decl });
        }
        return;
      }
      case "FunctionDeclaration":
        if (stmt.id) this.#add({ name: stmt.id.name, kind: "helper", text: text(stmt), node: stmt });
        return;
      case "ClassDeclaration":
        if (stmt.id)
          this.#add({
            name: stmt.id.name,
            kind: "class",
            text: text(stmt),
            node: this.#classes.get(stmt.id.name)?.node ?? stmt,
          });
        return;
      case "VariableDeclaration":
        for (const decl of stmt.declarations as EsNode[]) this.#declareVariable(decl, text(decl));
        return;
      case "ExpressionStatement": {
        this.#declareCommonJsExport(stmt.expression as EsNode);
        const filled = enumStatementName(stmt);
        if (filled !== undefined && !this.enumStatements.has(filled)) this.enumStatements.set(filled, stmt);
        const spec = importSpecOf(stmt.expression);
        if (spec !== undefined) this.sideEffectImports.push(spec);
        return;
      }
    }
  }

  #declareVariable(decl: EsNode, text: string): void {
    const spec = importSpecOf(decl.init);
    // vitest binds every import, `import "./x.js"` too: a binding without imported names that nothing reads is one.
    if (
      spec !== undefined &&
      decl.id.type === "Identifier" &&
      isBareViteImport(decl.init) &&
      !this.#usedAfter(decl.id.name as string, decl.end)
    ) {
      this.sideEffectImports.push(spec);
    }
    if (spec !== undefined && decl.id.type === "Identifier") {
      this.#add({ name: decl.id.name, kind: "import", text, node: decl, import: { spec, imported: "*" } });
      return;
    }
    if (spec !== undefined && decl.id.type === "ObjectPattern") {
      for (const prop of decl.id.properties as EsNode[]) {
        if (prop.type === "Property" && !prop.computed && prop.value.type === "Identifier") {
          this.#add({
            name: prop.value.name,
            kind: "import",
            text,
            node: decl,
            import: { spec, imported: importedName(prop.key) },
          });
        }
      }
      return;
    }
    const init = decl.init ? withoutKeepName(decl.init as EsNode) : null;
    const folded =
      decl.id.type === "Identifier" && init?.type === "ClassExpression"
        ? this.#classes.get(decl.id.name as string)
        : undefined;
    if (folded) return this.#add({ name: decl.id.name, kind: "class", text, node: folded.node });
    const kind = init && FUNCTION.test(init.type) ? "helper" : init?.type === "ClassExpression" ? "class" : "constant";
    for (const name of patternNames(decl.id)) this.#add({ name, kind, text, node: decl });
  }

  /** tsc's CommonJS output declares `export const RATE = 2` as `exports.RATE = 2` (and reads it as `exports.RATE`). */
  #declareCommonJsExport(expr: EsNode): void {
    if (expr.type !== "AssignmentExpression" || expr.operator !== "=") return;
    const left = expr.left as EsNode;
    if (
      left.type !== "MemberExpression" ||
      left.computed ||
      left.object.type !== "Identifier" ||
      left.object.name !== "exports"
    )
      return;
    const init = expr.right as EsNode;
    if (init.type === "UnaryExpression" && init.operator === "void") return; // the `exports.a = exports.b = void 0` preamble
    if (init.type === "AssignmentExpression") return;
    const name = left.property.name as string;
    if (init.type === "Identifier" && init.name === name) return; // `exports.f = f`: f is declared already
    const kind = FUNCTION.test(init.type) ? "helper" : init.type === "ClassExpression" ? "class" : "constant";
    this.#add({
      name,
      kind,
      text: this.source.slice(expr.start, expr.end),
      node: {
        type: "VariableDeclarator",
        id: { type: "Identifier", name },
        init,
        start: expr.start,
        end: expr.end,
      } as unknown as EsNode,
    });
  }

  /** True when `name` occurs in the source after `offset` (vitest's import bindings are unique names). */
  #usedAfter(name: string, offset: number): boolean {
    return new RegExp(`\\b${name.replace(/\$/g, "\\$")}\\b`).test(this.source.slice(offset));
  }

  /** `var C = class _C { … }` or `var C = class { … }` where the source map says the source had `class C` there (esbuild's bundles). */
  #renamedClass(declarator: EsNode): boolean {
    const map = this.scriptMap();
    const cls = declarator.init as EsNode;
    return (
      map !== undefined &&
      map.identifierAt((cls.id ?? declarator.id).start) === declarator.id.name &&
      map.originalTextAt(cls.start, 6) === "class "
    );
  }

  #add(declaration: ModuleDeclaration): void {
    // The first declaration wins (a later `var` of the same name re-declares, it does not replace the text).
    if (!this.declarations.has(declaration.name)) this.declarations.set(declaration.name, declaration);
  }
}

function classNameOf(stmt: EsNode): string | undefined {
  const decl = stmt.type === "ExportNamedDeclaration" && stmt.declaration ? stmt.declaration : stmt;
  if (decl.type === "ClassDeclaration") return decl.id?.name as string | undefined;
  const only =
    decl.type === "VariableDeclaration" && (decl.declarations as EsNode[]).length === 1
      ? (decl.declarations as EsNode[])[0]
      : undefined;
  return only?.init?.type === "ClassExpression" && only.id.type === "Identifier" ? (only.id.name as string) : undefined;
}

/** The identifier that declares `name` in a declaration node (a function's or class's id, a declarator's pattern). */
function declarationId(node: EsNode, name: string): EsNode | undefined {
  if (node.id?.type === "Identifier") return node.id.name === name ? node.id : undefined;
  let found: EsNode | undefined;
  const visit = (pattern: EsNode): void => {
    if (found) return;
    if (pattern.type === "Identifier" && pattern.name === name) found = pattern;
    else forEachChild(pattern, (child, key) => key !== "key" && key !== "right" && visit(child));
  };
  if (node.id) visit(node.id);
  return found;
}

/** What a function or declaration imports when it runs. */
export interface DynamicImports {
  /** Literal specifiers, in source order. */
  readonly specs: string[];
  /** Calls whose specifier is computed (`import(name)`). */
  computed: number;
}

const DYNAMIC_IMPORTERS = /^(require|__vite_ssr_dynamic_import__|__vite_ssr_import__|__vi_ssr_import__)$/;

function dynamicImportsIn(root: EsNode): DynamicImports {
  const found: DynamicImports = { specs: [], computed: 0 };
  const visit = (node: EsNode): void => {
    let source: EsNode | undefined;
    if (node.type === "ImportExpression") source = node.source;
    else if (
      node.type === "CallExpression" &&
      node.callee.type === "Identifier" &&
      DYNAMIC_IMPORTERS.test(node.callee.name)
    ) {
      source = (node.arguments as EsNode[])[0];
    }
    if (source) {
      if (source.type === "Literal" && typeof source.value === "string") found.specs.push(source.value);
      else if (source.type === "TemplateLiteral" && (source.expressions as EsNode[]).length === 0)
        found.specs.push(String(source.quasis[0].value.cooked));
      else found.computed++;
    }
    forEachChild(node, visit);
  };
  visit(root);
  return found;
}

function importedName(node: EsNode): string {
  return node.type === "Identifier" ? (node.name as string) : String(node.value);
}

/** Names a declaration or class reads that it does not declare itself. */
function freeNamesIn(node: EsNode): Map<string, FreeName> {
  const boundary = boundaryScope();
  const free = new Map<string, FreeName>();
  const selfContained = selfContainedUses(node);
  walkReferences(node, boundary, (name, scope, member, reference) => {
    if (selfContained.has(reference)) return;
    if (declaredWithin(name, scope, boundary)) return;
    const entry = free.get(name);
    if (!entry) free.set(name, { name, members: member === undefined ? undefined : new Set([member]) });
    else if (member === undefined) entry.members = undefined;
    else entry.members?.add(member);
  });
  return free;
}

/** `await __vite_ssr_import__("/x.js")` with no list of imported names. */
function isBareViteImport(init: EsNode | null | undefined): boolean {
  const call = init?.type === "AwaitExpression" ? init.argument : init;
  return (
    call?.type === "CallExpression" &&
    call.callee.type === "Identifier" &&
    call.callee.name === "__vite_ssr_import__" &&
    (call.arguments as EsNode[]).length === 1
  );
}

/**
 * The specifier of a CommonJS or loader import: `require("x")`, `__toESM(require("x"))`,
 * `__importStar(require("x"))`, vitest's `await __vite_ssr_import__("x", …)`.
 */
function importSpecOf(init: EsNode | null | undefined): string | undefined {
  let expr = init;
  while (expr) {
    if (expr.type === "AwaitExpression") expr = expr.argument;
    else if (expr.type === "CallExpression") {
      const callee = expr.callee as EsNode;
      const first = (expr.arguments as EsNode[])[0];
      if (
        callee.type === "Identifier" &&
        /^(require|__vite_ssr_import__|__vi_ssr_import__|__vite_ssr_dynamic_import__)$/.test(callee.name)
      ) {
        return first?.type === "Literal" && typeof first.value === "string" ? first.value : undefined;
      }
      if (
        callee.type === "Identifier" &&
        /^(__toESM|__importStar|__importDefault|_interopRequireDefault|_interopRequireWildcard|_interop_require_default|_interop_require_wildcard)$/.test(
          callee.name,
        )
      ) {
        expr = first;
      } else return undefined;
    } else return undefined;
  }
  return undefined;
}

/**
 * The statements that are the module's top level. Loaders wrap modules in a function: vitest in
 * `async (__vite_ssr_exports__, …) => {{ … }}`, tsx's CommonJS output in `(() => { … })()`.
 * Their body is the module's top level; the wrapper's parameters count as globals.
 */
function unwrapLoaderWrapper(program: EsNode): EsNode[] {
  let body = program.body as EsNode[];
  for (let depth = 0; depth < 3; depth++) {
    const meaningful = body.filter((stmt) => !isTrivialStatement(stmt));
    const only = meaningful.length === 1 ? meaningful[0] : undefined;
    if (only?.type !== "ExpressionStatement") return body;
    let expr = only.expression as EsNode;
    if (expr.type === "CallExpression" && (expr.arguments as EsNode[]).length === 0) expr = expr.callee;
    if (!FUNCTION.test(expr.type) || expr.body.type !== "BlockStatement") return body;
    body = expr.body.body as EsNode[];
    while (body.length === 1 && body[0]?.type === "BlockStatement") body = body[0].body as EsNode[];
  }
  return body;
}

/**
 * The source with `export` blanked (same length, so positions hold) where a line starts with an
 * exported declaration. acorn's module-mode bookkeeping of exports costs ~3× the rest of a parse on a
 * module of a thousand exported nodes; parsed as a script (import/export still allowed there), the
 * declarations are the same. A match inside a template string only blanks text nobody reads: the
 * texts ham hashes are sliced from the original source.
 */
function withoutExportKeywords(source: string): string {
  return source.replace(/^([ \t]*)export(?=\s+(?:const|let|var|function|class|async)\b)/gm, "$1      ");
}

const BOILERPLATE_CALLS =
  /^(__name|__export|__reExport|__vite_ssr_exportName__|__vite_ssr_exportAll__|__exportStar|__setModuleDefault)$/;

function isBoilerplate(stmt: EsNode): boolean {
  if (isTrivialStatement(stmt)) return true;
  if (stmt.type === "VariableDeclaration") {
    // esbuild's helpers: `var __defProp = Object.defineProperty, …`, `var flow_exports = {}`.
    return (stmt.declarations as EsNode[]).every(
      (d) => d.id.type === "Identifier" && /^__|_exports$/.test(d.id.name as string),
    );
  }
  if (stmt.type !== "ExpressionStatement") return false;
  let expr = stmt.expression as EsNode;
  if (expr.type === "LogicalExpression" && expr.left.type === "Literal" && expr.left.value === 0) return true; // `0 && (module.exports = …)`
  if (expr.type === "CallExpression") {
    const callee = expr.callee as EsNode;
    if (callee.type === "Identifier") return BOILERPLATE_CALLS.test(callee.name as string);
    // `Object.defineProperty(exports, "__esModule", { value: true })`
    return (
      callee.type === "MemberExpression" &&
      (expr.arguments as EsNode[])[0]?.type === "Identifier" &&
      (expr.arguments as EsNode[])[0]?.name === "exports"
    );
  }
  // `module.exports = __toCommonJS(x)`, `exports.a = exports.b = void 0`
  while (expr.type === "AssignmentExpression") {
    const left = expr.left as EsNode;
    const root =
      left.type === "MemberExpression" && left.object.type === "Identifier" ? (left.object.name as string) : undefined;
    if (root !== "module" && root !== "exports") return false;
    if (root === "module") return true;
    expr = expr.right;
  }
  return expr.type === "UnaryExpression" && expr.operator === "void";
}

/** `"use strict"` or `__filename = "…"` before a wrapper. */
function isTrivialStatement(stmt: EsNode): boolean {
  if (stmt.type !== "ExpressionStatement") return stmt.type === "EmptyStatement";
  const expr = stmt.expression as EsNode;
  if (expr.type === "Literal") return true;
  return expr.type === "AssignmentExpression" && expr.left.type === "Identifier" && expr.right.type === "Literal";
}
