// The canonical form of JavaScript code: one string for the same source whichever compiler emitted
// it (tsx/esbuild, tsc, swc, vitest), and a different string for any change that can change behaviour.
// It is printed from the AST, so quotes, parentheses, semicolons, trailing commas and number spellings
// do not count; local names are numbered by scope (esbuild's `rate` → `rate2` renames do not count);
// and what compilers add (`__name(f, "f")`, `(0, util_1.f)(…)`, `exports.X`, vitest's import bindings) is
// read as what it stands for. docs/code-identity.md lists each normalisation and why it is safe.
import { sourceClassBody } from "./class-fields.js";
import type { ImportBinding } from "./module-analysis.js";
import { FUNCTION, type EsNode, type Scope, blockScope, functionScope, isReference } from "./scope.js";

/** What the canonical form needs to know about the module around the code (absent: code alone). */
export interface CanonicalContext {
  /** The import a module-level name is bound to (ESM `normalize`, CommonJS `util_1`, vitest `__vite_ssr_import_0__`). */
  importOf(name: string): ImportBinding | undefined;
  /** A canonical name for an import's target: the file relative to the module without extension, or the package. */
  target(spec: string): string;
  /** True for the module's own top-level names (tsc's CommonJS reads an exported `RATE` as `exports.RATE`). */
  isModuleName(name: string): boolean;
  /** The literal value of member `member` of the module's enum `name` (esbuild writes `Unit.Kg` as `"kg"`). */
  enumMember(name: string, member: string): EsNode | undefined;
  /** The name a module-level name had in its source file (a bundle renames clashing names: `label2`). */
  sourceName?(name: string): string;
}

/** Numbered local names in scope while printing. */
interface Names {
  readonly ids: Map<string, string>;
  readonly parent: Names | undefined;
}

const SKIP = new Set(["type", "start", "end", "loc", "range", "raw", "extra", "shorthand", "sourceType"]);
const LOGICAL_ASSIGN: Record<string, string> = { "??=": "??", "||=": "||", "&&=": "&&" };
const DYNAMIC_IMPORTERS = /^(require|__vite_ssr_dynamic_import__)$/;

/** The canonical form of a function, declaration or statement. */
export function canonicalForm(node: EsNode, context?: CanonicalContext): string {
  return new Printer(context).print(node);
}

class Printer {
  readonly #out: string[] = [];
  readonly #context: CanonicalContext | undefined;
  #counter = 0;
  #names: Names | undefined;
  #keepNames = false;
  /** Names esbuild's `__name(f, "g")` statements give local functions, by the name in the text. */
  readonly #restoredNames = new Map<string, string>();

  constructor(context: CanonicalContext | undefined) {
    this.#context = context;
  }

  print(root: EsNode): string {
    // A direct `eval` or a `with` reads locals by name: then names are kept as written.
    this.#keepNames = readsNamesDynamically(root);
    this.#node(root, undefined, undefined);
    return this.#out.join("");
  }

  #enter(scope: Scope): void {
    const ids = new Map<string, string>();
    for (const name of scope.names)
      ids.set(name, name === "arguments" || this.#keepNames ? `local:${name}` : `$${this.#counter++}`);
    this.#names = { ids, parent: this.#names };
  }

  #leave(): void {
    this.#names = this.#names?.parent;
  }

  /** `const f = () => …` (and `f = …`, `(f = …) =>`) names the function `f` (what `.name` shows): a local's name counts there. */
  #inferName(node: EsNode, out: string[]): void {
    const target = (node.type === "VariableDeclarator" ? node.id : node.left) as EsNode;
    const value = (node.type === "VariableDeclarator" ? node.init : node.right) as EsNode | null;
    if (
      (node.operator ?? "=") === "=" &&
      target.type === "Identifier" &&
      value &&
      this.#local(target.name as string) !== undefined
    ) {
      const inferred = this.#inferredName(value, target.name as string);
      if (inferred !== undefined) out.push(`inferred:${JSON.stringify(inferred)}`);
    }
  }

  #local(name: string): string | undefined {
    for (let names = this.#names; names; names = names.parent) {
      const id = names.ids.get(name);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  #node(node: EsNode, parent: EsNode | undefined, key: string | undefined): void {
    const out = this.#out;
    if (
      parent &&
      key === "key" &&
      !parent.computed &&
      /^(Property|MethodDefinition|PropertyDefinition)$/.test(parent.type)
    ) {
      // `{ a: 1 }`, `{ "a": 1 }` and `{ 1: x }`, `{ "1": x }` name the same key.
      if (node.type === "Identifier" || node.type === "Literal") {
        out.push(`key:${JSON.stringify(String(node.type === "Identifier" ? node.name : node.value))}`);
        return;
      }
    }
    switch (node.type) {
      case "Identifier":
        out.push(this.#identifier(node, parent, key));
        return;
      case "Literal":
        out.push(literal(node));
        return;
      case "TemplateLiteral":
      case "BinaryExpression": {
        if (parent?.type === "TaggedTemplateExpression") break; // a tag sees the raw strings
        const parts = node.type === "BinaryExpression" && node.operator !== "+" ? undefined : this.#concatenation(node);
        if (parts) return this.#concat(parts);
        break;
      }
      case "CallExpression":
        if (this.#specialCall(node)) return;
        break;
      case "ImportExpression":
        if (node.source.type === "Literal" && typeof node.source.value === "string") {
          out.push(`import(${this.#target(node.source.value)})`);
          return;
        }
        break;
      case "MemberExpression": {
        const member = this.#importMember(node);
        if (member !== undefined) {
          out.push(member);
          return;
        }
        break;
      }
      case "SequenceExpression":
        // `(0, util_1.f)` only drops `this`: the same call as `f()` of an import.
        if (isZeroSequence(node) && this.#importMember(node.expressions[1]) !== undefined) {
          this.#node(node.expressions[1], node, "expressions");
          return;
        }
        break;
      case "AssignmentExpression": {
        // `a ??= b` is `a ?? (a = b)` for a plain name (what tsc emits for ES2020).
        const logical = LOGICAL_ASSIGN[node.operator as string];
        if (logical !== undefined && node.left.type === "Identifier") {
          const assign = {
            type: "AssignmentExpression",
            operator: "=",
            left: node.left,
            right: node.right,
          } as unknown as EsNode;
          this.#node(
            { type: "LogicalExpression", operator: logical, left: node.left, right: assign } as unknown as EsNode,
            parent,
            key,
          );
          return;
        }
        this.#inferName(node, out);
        break;
      }
      case "ChainExpression":
        // Only marks where an optional chain ends; the `optional` flags inside say what it does.
        this.#node(node.expression, node, "expression");
        return;
      case "ParenthesizedExpression":
        this.#node(node.expression, parent, key);
        return;
      case "BlockStatement":
      case "StaticBlock":
      case "Program": {
        // `void 0;` and other statements without effects (esbuild drops them) do not count, nor
        // esbuild's keepNames statements `__name(f, "f")`: the names they give are printed with the declarations.
        const body = (node.body as EsNode[]).filter((stmt) => !isInert(stmt) && !this.#keepNameStatement(stmt));
        if (body.length !== (node.body as EsNode[]).length) return this.#generic({ ...node, body } as EsNode);
        break;
      }
      case "VariableDeclarator":
      case "AssignmentPattern":
        this.#inferName(node, out);
        break;
      case "ClassBody": {
        // Fields where the source had them (class-fields.ts), then in a fixed order.
        const source = parent ? sourceClassBody(parent) : undefined;
        const members = source ?? (node.body as EsNode[]);
        const body = classMembers(members) ?? source;
        if (body) return this.#generic({ ...node, body } as EsNode);
        break;
      }
    }
    this.#generic(node);
  }

  #generic(node: EsNode): void {
    const out = this.#out;
    const scope = scopeOf(node);
    if (scope) this.#enter(scope);
    out.push(node.type, "(");
    for (const field of Object.keys(node).sort()) {
      if (SKIP.has(field)) continue;
      const value = node[field];
      if (value === undefined) continue;
      out.push(field, ":");
      if (Array.isArray(value)) {
        out.push("[");
        for (const item of value) {
          if (item && typeof item === "object") this.#node(item as EsNode, node, field);
          else out.push(String(item));
          out.push(",");
        }
        out.push("]");
      } else if (value !== null && typeof value === "object" && typeof value.type === "string") {
        this.#node(value as EsNode, node, field);
      } else {
        out.push(JSON.stringify(value) ?? String(value));
      }
      out.push(";");
    }
    out.push(")");
    if (scope) this.#leave();
  }

  #identifier(node: EsNode, parent: EsNode | undefined, key: string | undefined): string {
    const name = node.name as string;
    if (parent && isLabel(parent, key)) return `label:${name}`;
    // A function or class expression's own name is what `.name` shows: kept as written.
    if (parent && key === "id" && (parent.type === "FunctionExpression" || parent.type === "ClassExpression"))
      return `name:${name}`;
    const binding = parent !== undefined && key === "id" && /^(Function|Class)Declaration$/.test(parent.type);
    if (parent && !binding && !isReference(node, parent, key)) return name;
    const local = this.#local(name);
    // A local function's or class's name is what its `.name` shows (as esbuild's `__name` restores it).
    if (local !== undefined) return binding ? `${local}=name:${this.#restoredNames.get(name) ?? name}` : local;
    if (name === "undefined") return 'UnaryExpression(argument:0;operator:"void";prefix:true;)';
    const imported = this.#context?.importOf(name);
    if (imported && imported.imported !== "*")
      return `@${imported.target ?? this.#target(imported.spec)}#${imported.imported}`;
    return this.#context?.sourceName?.(name) ?? name;
  }

  /** `ns.f` of an import namespace (ESM `* as ns`, CommonJS `util_1`, vitest's binding), or tsc's `exports.RATE`. */
  #importMember(node: EsNode): string | undefined {
    if (node.type !== "MemberExpression" || node.object.type !== "Identifier") return undefined;
    const property = node.computed
      ? node.property.type === "Literal"
        ? node.property.value
        : undefined
      : node.property.name;
    if (typeof property !== "string" || this.#local(node.object.name as string) !== undefined) return undefined;
    const imported = this.#context?.importOf(node.object.name as string);
    if (imported?.imported === "*") return `@${imported.target ?? this.#target(imported.spec)}#${property}`;
    if (
      node.object.name === "exports" &&
      !this.#context?.isModuleName("exports") &&
      this.#context?.isModuleName(property)
    )
      return property;
    const value = this.#context?.enumMember(node.object.name as string, property);
    return value ? literal(value) : undefined;
  }

  /** `__name(f, "f")` (esbuild's keepNames) is `f`; `require("./x")` and vitest's dynamic import are `import("./x")`. */
  #specialCall(node: EsNode): boolean {
    const callee = node.callee as EsNode;
    const args = node.arguments as EsNode[];
    if (callee.type !== "Identifier" || this.#local(callee.name as string) !== undefined) return false;
    if (callee.name === "__name" && args.length === 2 && args[1]?.type === "Literal") {
      this.#node(args[0] as EsNode, node, "arguments");
      return true;
    }
    const first = args[0];
    if (DYNAMIC_IMPORTERS.test(callee.name as string) && first?.type === "Literal" && typeof first.value === "string") {
      this.#out.push(`import(${this.#target(first.value)})`);
      return true;
    }
    return false;
  }

  /** `__name(f, "g")` as a statement (esbuild's keepNames for a function declaration): remembers that `f` is named "g". */
  #keepNameStatement(stmt: EsNode): boolean {
    const call = stmt.type === "ExpressionStatement" ? (stmt.expression as EsNode) : undefined;
    const [fn, name] = (call?.arguments ?? []) as EsNode[];
    if (
      call?.type !== "CallExpression" ||
      call.callee.type !== "Identifier" ||
      call.callee.name !== "__name" ||
      this.#local("__name") !== undefined
    )
      return false;
    if (
      (call.arguments as EsNode[]).length !== 2 ||
      fn?.type !== "Identifier" ||
      name?.type !== "Literal" ||
      typeof name.value !== "string"
    )
      return false;
    this.#restoredNames.set(fn.name as string, name.value);
    return true;
  }

  /** The name a binding gives an anonymous function or class it is initialised with (esbuild's `__name(…, "f")` says it). */
  #inferredName(value: EsNode, name: string): string | undefined {
    if (
      value.type === "CallExpression" &&
      value.callee.type === "Identifier" &&
      value.callee.name === "__name" &&
      this.#local("__name") === undefined
    ) {
      const literal = (value.arguments as EsNode[])[1];
      return literal?.type === "Literal" && typeof literal.value === "string" ? literal.value : undefined;
    }
    return /^(ArrowFunctionExpression|FunctionExpression|ClassExpression)$/.test(value.type) && !value.id
      ? name
      : undefined;
  }

  #target(spec: string): string {
    return this.#context ? this.#context.target(spec) : JSON.stringify(spec);
  }

  /**
   * `a + "x" + "y"` as operands with adjacent string constants merged (`a + "xy"`), which esbuild
   * does; a lone string or template comes back as one part. Undefined when `node` is neither.
   */
  #concatenation(node: EsNode): (Template | EsNode)[] | undefined {
    const operands: EsNode[] = [];
    let left = node;
    while (left.type === "BinaryExpression" && left.operator === "+") {
      operands.unshift(left.right);
      left = left.left;
    }
    operands.unshift(left);
    const parts: (Template | EsNode)[] = [];
    for (const operand of operands) {
      const template = templateOf(operand);
      const last = parts.at(-1);
      if (template && last && isTemplate(last)) parts[parts.length - 1] = joinTemplates(last, template);
      else parts.push(template ?? operand);
    }
    if (parts.length === operands.length && operands.length > 1 && !parts.some(isTemplate)) return undefined;
    return parts;
  }

  #concat(parts: (Template | EsNode)[]): void {
    const out = this.#out;
    const printPart = (part: Template | EsNode): void => {
      if (!isTemplate(part)) return this.#node(part, undefined, undefined);
      out.push("T(");
      part.quasis.forEach((text, index) => {
        out.push(JSON.stringify(text));
        const expression = part.expressions[index];
        if (expression) {
          out.push("${");
          this.#node(expression, undefined, undefined);
          out.push("}");
        }
      });
      out.push(")");
    };
    for (let i = 1; i < parts.length; i++) out.push("+(");
    printPart(parts[0] as Template | EsNode);
    for (let i = 1; i < parts.length; i++) {
      out.push(",");
      printPart(parts[i] as Template | EsNode);
      out.push(")");
    }
  }
}

/** A string with holes: `quasis` around `expressions` (one more quasi than expressions). */
interface Template {
  readonly template: true;
  readonly quasis: string[];
  readonly expressions: EsNode[];
}

function isTemplate(part: Template | EsNode): part is Template {
  return (part as Template).template === true;
}

function templateOf(node: EsNode): Template | undefined {
  if (node.type === "Literal" && typeof node.value === "string")
    return { template: true, quasis: [node.value], expressions: [] };
  if (node.type !== "TemplateLiteral") return undefined;
  const quasis = (node.quasis as EsNode[]).map((q) => q.value.cooked as string | null);
  if (quasis.some((q) => q === null)) return undefined; // an invalid escape (only in tagged templates)
  return { template: true, quasis: quasis as string[], expressions: node.expressions as EsNode[] };
}

function joinTemplates(a: Template, b: Template): Template {
  const quasis = [...a.quasis.slice(0, -1), `${a.quasis.at(-1) ?? ""}${b.quasis[0] ?? ""}`, ...b.quasis.slice(1)];
  return { template: true, quasis, expressions: [...a.expressions, ...b.expressions] };
}

/** A literal by its value: `0.1`, `.1` and `1e-1` are one number; quotes and escapes do not count. */
function literal(node: EsNode): string {
  if (node.regex) return `/${node.regex.pattern as string}/${node.regex.flags as string}`;
  if (node.bigint !== undefined) return `${BigInt(node.bigint as string).toString()}n`;
  const value = node.value as unknown;
  if (typeof value === "string") return `T(${JSON.stringify(value)})`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  return String(value);
}

/** `void 0;`, `0;`: an expression statement that does nothing (directives like "use strict" aside). */
function isInert(stmt: EsNode): boolean {
  if (stmt.type === "EmptyStatement") return true;
  if (stmt.type !== "ExpressionStatement" || stmt.directive !== undefined) return false;
  const expr = stmt.expression as EsNode;
  return (
    expr.type === "Literal" ||
    (expr.type === "UnaryExpression" && expr.operator === "void" && expr.argument.type === "Literal")
  );
}

/**
 * A class body in a fixed order: instance fields (in order), static fields and blocks (in order),
 * then methods by key. Methods are all defined before any static field runs and instance fields
 * run at construction whatever their place, so compilers may and do reorder them (esbuild puts the
 * constructor first). esbuild's keepNames block (`static { __name(this, "C") }`) is left out.
 * Undefined when nothing changes.
 */
function classMembers(members: readonly EsNode[]): EsNode[] | undefined {
  const kept = members.filter((m) => !isKeepNameBlock(m));
  const fields = kept.filter((m) => m.type === "PropertyDefinition" && !m.static);
  const statics = kept.filter((m) => (m.type === "PropertyDefinition" && m.static) || m.type === "StaticBlock");
  const methods = kept.filter((m) => m.type !== "PropertyDefinition" && m.type !== "StaticBlock");
  const keyOf = (m: EsNode) =>
    `${m.static ? 1 : 0}:${m.kind as string}:${m.computed ? "[]" : String(m.key?.name ?? m.key?.value)}`;
  const sorted = [...methods].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const ordered = [...fields, ...statics, ...sorted];
  return ordered.length === members.length && ordered.every((m, i) => m === members[i]) ? undefined : ordered;
}

function readsNamesDynamically(root: EsNode): boolean {
  let found = false;
  const visit = (node: EsNode): void => {
    if (found) return;
    if (
      node.type === "WithStatement" ||
      (node.type === "CallExpression" && node.callee.type === "Identifier" && node.callee.name === "eval")
    ) {
      found = true;
      return;
    }
    for (const key in node) {
      const value = node[key];
      if (Array.isArray(value))
        for (const item of value) if (item && typeof item.type === "string") visit(item as EsNode);
      if (value && typeof value === "object" && typeof value.type === "string") visit(value as EsNode);
    }
  };
  visit(root);
  return found;
}

function isKeepNameBlock(member: EsNode): boolean {
  if (member.type !== "StaticBlock" || (member.body as EsNode[]).length !== 1) return false;
  const expr = (member.body as EsNode[])[0]?.expression as EsNode | undefined;
  return expr?.type === "CallExpression" && expr.callee.type === "Identifier" && expr.callee.name === "__name";
}

function isZeroSequence(node: EsNode): boolean {
  const [first, second] = node.expressions as EsNode[];
  return (
    (node.expressions as EsNode[]).length === 2 &&
    first?.type === "Literal" &&
    first.value === 0 &&
    second?.type === "MemberExpression"
  );
}

function isLabel(parent: EsNode, key: string | undefined): boolean {
  return key === "label" && /^(LabeledStatement|BreakStatement|ContinueStatement)$/.test(parent.type);
}

/** The names a node declares for what is inside it (functions, blocks, loops, catch, classes). */
function scopeOf(node: EsNode): Scope | undefined {
  const none: Scope = { names: new Set(), parent: undefined, module: false };
  if (FUNCTION.test(node.type)) return functionScope(node, undefined);
  return blockScope(node, none);
}
