// Where a module's top-level bindings are written or mutated (`K = 5`, `CFG.rate = 5`,
// `Object.assign(CFG, …)`, `list.push(x)`): by top-level statements, which run once at import and
// so belong in the code version of the nodes that read the binding, or inside functions, at run
// time, where no text can say what the value is.
import { FUNCTION, type EsNode, type Scope, forEachChild, resolveName, walkReferences } from "./scope.js";

/** The writes to one module-level binding. */
export interface BindingWrites {
  /** Top-level statements that write it or pass it to a function (in source order). */
  readonly statements: EsNode[];
  /** Functions that write it: the top-level declaration they are in (undefined for a callback in a statement), and how to name it. */
  readonly inFunctions: { readonly writer: string | undefined; readonly where: string }[];
}

const DECLARATION =
  /^(FunctionDeclaration|ClassDeclaration|VariableDeclaration|ImportDeclaration|ExportAllDeclaration)$/;
const MUTATORS = new Set([
  "push",
  "pop",
  "shift",
  "unshift",
  "splice",
  "sort",
  "reverse",
  "fill",
  "copyWithin",
  "set",
  "add",
  "delete",
  "clear",
]);
const OBJECT_WRITERS =
  /^(Object\.(assign|defineProperty|defineProperties|setPrototypeOf)|Reflect\.(set|defineProperty|deleteProperty|setPrototypeOf))$/;

/** Writes to every module-level binding of `body` (the module's top-level statements). */
export function moduleWrites(body: readonly EsNode[], moduleScope: Scope): Map<string, BindingWrites> {
  const moduleRefs = new Set<EsNode>();
  for (const stmt of body) {
    walkReferences(stmt, moduleScope, (name, scope, _member, node) => {
      if (resolveName(name, scope) === "module") moduleRefs.add(node);
    });
  }
  const out = new Map<string, BindingWrites>();
  const entry = (name: string): BindingWrites => {
    let found = out.get(name);
    if (!found) out.set(name, (found = { statements: [], inFunctions: [] }));
    return found;
  };
  for (const stmt of body) {
    const writer = DECLARATION.test(unexported(stmt).type) ? writerName(stmt) : undefined;
    const where = writer ? `function "${writer}"` : "a callback of a top-level statement";
    const visit = (node: EsNode, inFunction: boolean): void => {
      for (const target of writtenRoots(node)) {
        if (!moduleRefs.has(target)) continue;
        const writes = entry(target.name as string);
        if (!inFunction) addStatement(writes, stmt);
        else if (!writes.inFunctions.some((w) => w.where === where)) writes.inFunctions.push({ writer, where });
      }
      // `register(CFG)` at top level may fill CFG: the statement counts (loader helpers aside).
      if (!inFunction && node.type === "CallExpression" && !isLoaderHelper(node.callee)) {
        for (const arg of node.arguments as EsNode[])
          if (arg.type === "Identifier" && moduleRefs.has(arg)) addStatement(entry(arg.name as string), stmt);
      }
      const inside = inFunction || FUNCTION.test(node.type) || node.type === "ClassBody";
      forEachChild(node, (child) => visit(child, inside));
    };
    visit(stmt, false);
  }
  return out;
}

/** Calls compilers and loaders add (`__name(f, "f")`, `__export(…)`, vitest's export bookkeeping): they write nothing a node reads. */
const LOADER_HELPERS =
  /^(__name|__export|__reExport|__exportStar|__vite_ssr_exportName__|__vite_ssr_exportAll__|__toESM|__toCommonJS|__importStar|__importDefault|__setModuleDefault|__createBinding)$/;

function isLoaderHelper(callee: EsNode): boolean {
  return callee.type === "Identifier" && LOADER_HELPERS.test(callee.name as string);
}

function addStatement(writes: BindingWrites, stmt: EsNode): void {
  if (writes.statements.at(-1) !== stmt) writes.statements.push(stmt);
}

function unexported(stmt: EsNode): EsNode {
  return (stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") && stmt.declaration
    ? stmt.declaration
    : stmt;
}

/** The name of the function or variable a top-level statement declares (for messages). */
function writerName(stmt: EsNode): string | undefined {
  const decl = unexported(stmt);
  if (decl.id?.type === "Identifier") return decl.id.name as string;
  const first = decl.type === "VariableDeclaration" ? (decl.declarations as EsNode[])[0] : undefined;
  return first?.id.type === "Identifier" ? (first.id.name as string) : undefined;
}

/** The identifiers whose value `node` writes or mutates, at their root (`a` of `a.b.c = 1`). */
function writtenRoots(node: EsNode): EsNode[] {
  switch (node.type) {
    case "AssignmentExpression":
      return targetRoots(node.left);
    case "UpdateExpression":
      return targetRoots(node.argument);
    case "UnaryExpression":
      return node.operator === "delete" ? targetRoots(node.argument) : [];
    case "ForInStatement":
    case "ForOfStatement":
      return node.left.type === "VariableDeclaration" ? [] : targetRoots(node.left);
    case "CallExpression": {
      const callee = node.callee as EsNode;
      if (callee.type !== "MemberExpression") return [];
      const first = (node.arguments as EsNode[])[0];
      if (first && OBJECT_WRITERS.test(memberPath(callee))) return targetRoots(first);
      const method = callee.computed ? undefined : (callee.property.name as string | undefined);
      return method !== undefined && MUTATORS.has(method) ? targetRoots(callee.object) : [];
    }
    default:
      return [];
  }
}

function targetRoots(target: EsNode | null | undefined): EsNode[] {
  if (!target) return [];
  switch (target.type) {
    case "Identifier":
      return [target];
    case "MemberExpression":
      return targetRoots(target.object);
    case "ChainExpression":
    case "ParenthesizedExpression":
      return targetRoots(target.expression);
    case "ObjectPattern":
      return (target.properties as EsNode[]).flatMap((p) =>
        targetRoots(p.type === "RestElement" ? p.argument : p.value),
      );
    case "ArrayPattern":
      return (target.elements as (EsNode | null)[]).flatMap((e) => targetRoots(e));
    case "AssignmentPattern":
      return targetRoots(target.left);
    case "RestElement":
      return targetRoots(target.argument);
    default:
      return [];
  }
}

function memberPath(node: EsNode): string {
  if (node.type === "Identifier") return node.name as string;
  if (node.type === "MemberExpression" && !node.computed)
    return `${memberPath(node.object)}.${node.property.name as string}`;
  return "";
}
