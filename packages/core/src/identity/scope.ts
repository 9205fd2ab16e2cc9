// Scope analysis on acorn's ESTree: which names a function uses from outside itself, and where each
// one is declared (module level, an enclosing function, or nowhere — a global).
import type { Node as AcornNode } from "acorn";

/** Any ESTree node, read loosely (acorn's types are too narrow to walk generically). */
export type EsNode = AcornNode & Record<string, any>;

/** A lexical scope: the names declared directly in it. */
export interface Scope {
  readonly names: Set<string>;
  readonly parent: Scope | undefined;
  /** True for the module's own top level (after unwrapping a loader's wrapper function). */
  readonly module: boolean;
}

/** A name a function uses but does not declare; `members` lists `name.member` accesses when every use is one. */
export interface FreeName {
  readonly name: string;
  /** Property names read off this name (`ns.helper`), or undefined when it is also used bare. */
  members: Set<string> | undefined;
}

/** A function's node type: a declaration, an expression or an arrow. */
export const FUNCTION = /^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/;
const SKIP_KEYS = new Set(["type", "start", "end", "loc", "range", "raw", "regex", "sourceType"]);

function isNode(value: unknown): value is EsNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/** Calls `visit` on each direct child node of `node`. */
export function forEachChild(node: EsNode, visit: (child: EsNode, key: string, parent: EsNode) => void): void {
  for (const key in node) {
    if (SKIP_KEYS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item, key, node);
    } else if (isNode(value)) {
      visit(value, key, node);
    }
  }
}

/** Names bound by a pattern (`a`, `{ a, b: [c] }`, `...rest`, `a = 1`). */
export function patternNames(pattern: EsNode | null | undefined, out: string[] = []): string[] {
  if (!pattern) return out;
  switch (pattern.type) {
    case "Identifier":
      out.push(pattern.name as string);
      break;
    case "ObjectPattern":
      for (const prop of pattern.properties as EsNode[])
        patternNames(prop.type === "RestElement" ? prop.argument : prop.value, out);
      break;
    case "ArrayPattern":
      for (const element of pattern.elements as (EsNode | null)[]) patternNames(element, out);
      break;
    case "AssignmentPattern":
      patternNames(pattern.left, out);
      break;
    case "RestElement":
      patternNames(pattern.argument, out);
      break;
  }
  return out;
}

/** `var` names and function declarations hoisted to the function (or module) whose body is `node`. */
export function hoistVars(node: EsNode, names: Set<string>): void {
  forEachChild(node, (child) => {
    if (FUNCTION.test(child.type) || child.type === "ClassDeclaration" || child.type === "ClassExpression") return;
    if (child.type === "VariableDeclaration" && child.kind === "var") {
      for (const decl of child.declarations as EsNode[]) for (const name of patternNames(decl.id)) names.add(name);
    }
    hoistVars(child, names);
  });
}

/** let/const/class/function declared directly in a statement list. */
export function lexicalNames(statements: readonly EsNode[], names: Set<string>): void {
  for (let stmt of statements) {
    if ((stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration") && stmt.declaration)
      stmt = stmt.declaration;
    if (stmt.type === "VariableDeclaration" && stmt.kind !== "var") {
      for (const decl of stmt.declarations as EsNode[]) for (const name of patternNames(decl.id)) names.add(name);
    } else if ((stmt.type === "FunctionDeclaration" || stmt.type === "ClassDeclaration") && stmt.id) {
      names.add(stmt.id.name as string);
    } else if (stmt.type === "ImportDeclaration") {
      for (const spec of stmt.specifiers as EsNode[]) names.add(spec.local.name as string);
    }
  }
}

/** The scope a function creates: its name (expressions), parameters, `var`s and top-level declarations. */
export function functionScope(fn: EsNode, parent: Scope | undefined): Scope {
  const names = new Set<string>();
  if (fn.type === "FunctionExpression" && fn.id) names.add(fn.id.name as string);
  if (fn.type !== "ArrowFunctionExpression") names.add("arguments");
  for (const param of fn.params as EsNode[]) for (const name of patternNames(param)) names.add(name);
  if (fn.body.type === "BlockStatement") {
    hoistVars(fn.body, names);
    lexicalNames(fn.body.body as EsNode[], names);
  }
  return { names, parent, module: false };
}

/** The scope of a block-like node (block, for, catch, switch, class, static block), or undefined. */
export function blockScope(node: EsNode, parent: Scope): Scope | undefined {
  const names = new Set<string>();
  switch (node.type) {
    case "BlockStatement":
    case "StaticBlock":
      lexicalNames(node.body as EsNode[], names);
      break;
    case "SwitchStatement":
      lexicalNames(
        (node.cases as EsNode[]).flatMap((c) => c.consequent as EsNode[]),
        names,
      );
      break;
    case "ForStatement":
      if (node.init?.type === "VariableDeclaration" && node.init.kind !== "var") lexicalNames([node.init], names);
      break;
    case "ForInStatement":
    case "ForOfStatement":
      if (node.left.type === "VariableDeclaration" && node.left.kind !== "var") lexicalNames([node.left], names);
      break;
    case "CatchClause":
      for (const name of patternNames(node.param)) names.add(name);
      break;
    case "ClassExpression":
      if (node.id) names.add(node.id.name as string);
      break;
    default:
      return undefined;
  }
  return { names, parent, module: false };
}

/**
 * Walks `root` and reports every identifier read or written, with the scope it is resolved from.
 * `onFunction` sees each nested function with the scope around it (before entering it).
 */
export function walkReferences(
  root: EsNode,
  scope: Scope,
  onReference: (name: string, scope: Scope, member: string | undefined, node: EsNode) => void,
  onFunction?: (fn: EsNode, outer: Scope, parent: EsNode | undefined) => void,
): void {
  const visit = (node: EsNode, current: Scope, parent: EsNode | undefined, key: string | undefined): void => {
    switch (node.type) {
      case "Identifier": {
        if (parent && !isReference(node, parent, key)) return;
        let member: string | undefined;
        if (
          parent?.type === "MemberExpression" &&
          key === "object" &&
          !parent.computed &&
          parent.property.type === "Identifier"
        ) {
          member = parent.property.name as string;
        }
        onReference(node.name as string, current, member, node);
        return;
      }
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression": {
        onFunction?.(node, current, parent);
        const inner = functionScope(node, current);
        for (const param of node.params as EsNode[]) visitPattern(param, inner);
        visit(node.body, inner, node, "body");
        return;
      }
      case "VariableDeclarator":
        visitPattern(node.id, current);
        if (node.init) visit(node.init, current, node, "init");
        return;
      case "CatchClause": {
        const inner = blockScope(node, current) as Scope;
        if (node.param) visitPattern(node.param, inner);
        visit(node.body, inner, node, "body");
        return;
      }
      case "LabeledStatement":
        visit(node.body, current, node, "body");
        return;
      case "BreakStatement":
      case "ContinueStatement":
      case "MetaProperty":
        return;
      case "ImportDeclaration":
      case "ExportAllDeclaration":
        return;
      case "ExportNamedDeclaration":
        if (node.declaration) visit(node.declaration, current, node, "declaration");
        else if (!node.source)
          for (const spec of node.specifiers as EsNode[]) visit(spec.local, current, spec, "local");
        return;
    }
    const inner = blockScope(node, current) ?? current;
    forEachChild(node, (child, childKey) => visit(child, inner, node, childKey));
  };
  // Binding identifiers of a pattern are declarations; only defaults and computed keys are read.
  const visitPattern = (pattern: EsNode, current: Scope): void => {
    switch (pattern.type) {
      case "Identifier":
        return;
      case "ObjectPattern":
        for (const prop of pattern.properties as EsNode[]) {
          if (prop.type === "RestElement") visitPattern(prop.argument, current);
          else {
            if (prop.computed) visit(prop.key, current, prop, "key");
            visitPattern(prop.value, current);
          }
        }
        return;
      case "ArrayPattern":
        for (const element of pattern.elements as (EsNode | null)[]) if (element) visitPattern(element, current);
        return;
      case "AssignmentPattern":
        visitPattern(pattern.left, current);
        visit(pattern.right, current, pattern, "right");
        return;
      case "RestElement":
        visitPattern(pattern.argument, current);
        return;
      default:
        // A member expression target (`[a.b] = …`) reads its object.
        visit(pattern, current, undefined, undefined);
    }
  };
  visit(root, scope, undefined, undefined);
}

/** False for identifiers that are property names, labels or keys rather than variable references. */
export function isReference(node: EsNode, parent: EsNode, key: string | undefined): boolean {
  switch (parent.type) {
    case "MemberExpression":
      return key === "object" || parent.computed === true;
    case "Property":
    case "PropertyDefinition":
    case "MethodDefinition":
      return key !== "key" || parent.computed === true;
    case "ExportSpecifier":
      return key === "local";
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
      return false;
    case "ClassDeclaration":
    case "ClassExpression":
    case "FunctionDeclaration":
    case "FunctionExpression":
      return key !== "id";
    default:
      return true;
  }
}

/** Where a name resolves from `scope`: "module" level, a "closure" (enclosing function or block), or "global". */
export function resolveName(name: string, scope: Scope | undefined): "module" | "closure" | "global" {
  for (let s = scope; s; s = s.parent) {
    if (s.names.has(name)) return s.module ? "module" : "closure";
  }
  return "global";
}

/** A scope standing for everything outside the code walked from it (see declaredWithin). */
export function boundaryScope(): Scope {
  return { names: new Set(), parent: undefined, module: false };
}

/** Whether `name`, met in `scope`, is declared by the walked code itself: in a scope below `boundary`. */
export function declaredWithin(name: string, scope: Scope, boundary: Scope): boolean {
  for (let s: Scope | undefined = scope; s && s !== boundary; s = s.parent) if (s.names.has(name)) return true;
  return false;
}

/**
 * Walks the identifiers the body of function `fn` reads or writes, telling for each whether `fn`
 * declares it (a parameter, a variable, an inner function's parameter) or it comes from outside.
 */
export function walkOwnReferences(
  fn: EsNode,
  onReference: (name: string, node: EsNode, declared: boolean) => void,
): void {
  const boundary = boundaryScope();
  walkReferences(fn.body as EsNode, functionScope(fn, boundary), (name, scope, _member, node) =>
    onReference(name, node, declaredWithin(name, scope, boundary)),
  );
}

/** Names a function uses that it does not declare itself, with the member names read off them. */
export function freeNamesOf(fn: EsNode, skip: ReadonlySet<EsNode> = new Set()): Map<string, FreeName> {
  const boundary = boundaryScope();
  const free = new Map<string, FreeName>();
  const own = functionScope(fn, boundary);
  const record = (name: string, scope: Scope, member: string | undefined, node?: EsNode): void => {
    if (node !== undefined && skip.has(node)) return;
    if (declaredWithin(name, scope, boundary)) return;
    const entry = free.get(name);
    if (!entry) free.set(name, { name, members: member === undefined ? undefined : new Set([member]) });
    else if (member === undefined) entry.members = undefined;
    else entry.members?.add(member);
  };
  for (const param of fn.params as EsNode[]) walkPatternDefaults(param, own, record);
  walkReferences(fn.body, own, record);
  return free;
}

function walkPatternDefaults(
  param: EsNode,
  scope: Scope,
  record: (name: string, scope: Scope, member: string | undefined) => void,
): void {
  // Defaults (`(a = helper())`) are evaluated in the function's parameter scope.
  const wrapper: EsNode = { type: "ArrayPattern", elements: [param], start: param.start, end: param.end } as EsNode;
  walkReferences(
    { type: "VariableDeclarator", id: wrapper, init: null, start: 0, end: 0 } as unknown as EsNode,
    scope,
    record,
  );
}
