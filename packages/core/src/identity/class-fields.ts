// Class fields as compilers lower them, read back as the fields the source wrote: tsc and swc for
// ES2020 write `static start = 1` as `Counter.start = 1` / `_define_property(Counter, "start", 1)`
// after the class and instance fields as `_define_property(this, "k", v)` in the constructor; tsc
// for ES2020 leaves out a parameter property's field (`constructor(readonly value)`); an esbuild
// bundle writes `class C` as `var C = class _C`. Each rewrite applies only where the two spellings
// cannot behave differently (docs/code-identity.md, "One source, one version").
import { type EsNode, forEachChild, isReference, patternNames } from "./scope.js";

/** A class with the static fields lowered after it put back in; `statements` are the top-level statements it absorbed. */
export interface FoldedClass {
  readonly node: EsNode;
  readonly statements: readonly EsNode[];
}

/**
 * Keys a static field may not be written as an assignment for: `name`, `length` and `prototype`
 * are read-only on a class, `caller`/`arguments` are accessors on Function.prototype, `__proto__`
 * one on Object.prototype — an assignment and a definition differ for them.
 */
const SPECIAL_KEYS = new Set(["name", "length", "prototype", "caller", "arguments", "__proto__"]);

/**
 * The module's classes with the static fields compilers lowered after them folded back in, by
 * class name. `renamedClass(declarator)` says whether `var C = class _C { … }` is `class C { … }`
 * in the source (esbuild's bundles; the evidence is the script's source map).
 */
export function foldClasses(
  body: readonly EsNode[],
  renamedClass: (declarator: EsNode) => boolean,
): Map<string, FoldedClass> {
  const out = new Map<string, FoldedClass>();
  let written: Set<string> | undefined;
  body.forEach((stmt, index) => {
    const found = classOf(stmt, renamedClass);
    if (!found) return;
    written ??= assignedNames(body);
    // A class binding written anywhere may not be the class when a lowered initializer runs.
    if (written.has(found.name)) return;
    const statics: EsNode[] = [];
    const statements: EsNode[] = [];
    for (const next of body.slice(index + 1)) {
      if (isExportOf(next, found.name)) continue;
      const field = loweredStatic(next, found.name, found.node);
      if (!field) break;
      statics.push(field);
      statements.push(next);
    }
    if (statics.length === 0 && found.node === classNodeOf(stmt)) return;
    const node = {
      ...found.node,
      type: "ClassDeclaration",
      id: found.id,
      body: { ...found.node.body, body: [...(found.node.body.body as EsNode[]), ...statics] },
    } as EsNode;
    out.set(found.name, { node, statements });
  });
  return out;
}

/** The class a top-level statement declares, as a declaration (esbuild's `var C = class _C` or `var C = class` when the map says the source had `class C`). */
function classOf(
  stmt: EsNode,
  renamedClass: (declarator: EsNode) => boolean,
): { name: string; node: EsNode; id: EsNode } | undefined {
  const direct = classNodeOf(stmt);
  if (direct?.id) return { name: direct.id.name as string, node: direct, id: direct.id };
  const decl =
    stmt.type === "VariableDeclaration" && (stmt.declarations as EsNode[]).length === 1
      ? (stmt.declarations as EsNode[])[0]
      : undefined;
  const init = decl?.init as EsNode | undefined;
  if (!decl || decl.id.type !== "Identifier" || init?.type !== "ClassExpression" || !renamedClass(decl))
    return undefined;
  const renamed = init.id ? renameInClass(init, init.id.name as string, decl.id.name as string) : init;
  return renamed ? { name: decl.id.name as string, node: renamed, id: decl.id } : undefined;
}

function classNodeOf(stmt: EsNode): EsNode | undefined {
  const decl = stmt.type === "ExportNamedDeclaration" && stmt.declaration ? stmt.declaration : stmt;
  return decl.type === "ClassDeclaration" ? decl : undefined;
}

/** `exports.C = C;` (tsc's CommonJS) between a class and its lowered statics. */
function isExportOf(stmt: EsNode, name: string): boolean {
  const expr = stmt.type === "ExpressionStatement" ? (stmt.expression as EsNode) : undefined;
  return (
    expr?.type === "AssignmentExpression" &&
    expr.left.type === "MemberExpression" &&
    expr.left.object.type === "Identifier" &&
    expr.left.object.name === "exports" &&
    expr.right.type === "Identifier" &&
    expr.right.name === name
  );
}

/**
 * `C.k = v`, `_define_property(C, "k", v)`, `__publicField(C, "k", v)` or `Object.defineProperty(C,
 * "k", { enumerable: true, configurable: true, writable: true, value: v })` after class `C`, as the
 * static field `static k = v` — when `v` reads nothing that differs between the two places (`this`,
 * `arguments`, `new.target`, `await`) and, for an assignment, nothing up the chain can tell an
 * assignment from a definition (no `extends`, no member `k` of the class, not a special key).
 */
function loweredStatic(stmt: EsNode, className: string, cls: EsNode): EsNode | undefined {
  const expr = stmt.type === "ExpressionStatement" ? (stmt.expression as EsNode) : undefined;
  if (!expr) return undefined;
  let key: EsNode | undefined;
  let value: EsNode | undefined;
  let assigned = false;
  if (
    expr.type === "AssignmentExpression" &&
    expr.operator === "=" &&
    expr.left.type === "MemberExpression" &&
    isName(expr.left.object, className)
  ) {
    const left = expr.left as EsNode;
    key = left.computed
      ? left.property.type === "Literal" && typeof left.property.value === "string"
        ? left.property
        : undefined
      : left.property;
    value = expr.right;
    assigned = true;
  } else if (expr.type === "CallExpression") {
    const args = expr.arguments as EsNode[];
    const callee = expr.callee as EsNode;
    const helper = callee.type === "Identifier" && /^(_define_property|__publicField)$/.test(callee.name as string);
    const define =
      callee.type === "MemberExpression" &&
      isName(callee.object, "Object") &&
      !callee.computed &&
      callee.property.name === "defineProperty";
    if (
      (helper || define) &&
      args.length === 3 &&
      isName(args[0], className) &&
      args[1]?.type === "Literal" &&
      typeof args[1].value === "string"
    ) {
      key = args[1];
      value = helper ? args[2] : plainDescriptorValue(args[2] as EsNode);
    }
  }
  if (!key || !value || readsPlace(value)) return undefined;
  const name = String(key.type === "Identifier" ? key.name : key.value);
  if (assigned && (cls.superClass || SPECIAL_KEYS.has(name) || hasMember(cls, name))) return undefined;
  return {
    type: "PropertyDefinition",
    static: true,
    computed: false,
    key,
    value,
    start: stmt.start,
    end: stmt.end,
  } as unknown as EsNode;
}

/** `{ enumerable: true, configurable: true, writable: true, value: v }` (what a field defines): `v`. */
function plainDescriptorValue(descriptor: EsNode): EsNode | undefined {
  if (descriptor?.type !== "ObjectExpression") return undefined;
  const props = new Map<string, EsNode>();
  for (const prop of descriptor.properties as EsNode[]) {
    if (prop.type !== "Property" || prop.computed || prop.kind !== "init") return undefined;
    props.set(String(prop.key.name ?? prop.key.value), prop.value as EsNode);
  }
  const flag = (name: string) => props.get(name)?.type === "Literal" && props.get(name)?.value === true;
  return props.size === 4 && flag("enumerable") && flag("configurable") && flag("writable")
    ? props.get("value")
    : undefined;
}

/** True when `value` reads what is not the same in a class body and after it. */
function readsPlace(value: EsNode): boolean {
  let found = false;
  const visit = (node: EsNode, parent: EsNode | undefined, key: string | undefined): void => {
    if (found) return;
    if (
      node.type === "ThisExpression" ||
      node.type === "MetaProperty" ||
      node.type === "AwaitExpression" ||
      node.type === "Super"
    )
      found = true;
    else if (node.type === "Identifier" && node.name === "arguments" && (!parent || isReference(node, parent, key)))
      found = true;
    else forEachChild(node, (child, childKey, childParent) => visit(child, childParent, childKey));
  };
  visit(value, undefined, undefined);
  return found;
}

function hasMember(cls: EsNode, name: string): boolean {
  return (cls.body.body as EsNode[]).some((m) => !m.computed && String(m.key?.name ?? m.key?.value) === name);
}

function isName(node: EsNode | undefined, name: string): boolean {
  return node?.type === "Identifier" && node.name === name;
}

/** Every name a statement assigns to or updates as a plain identifier, anywhere in the module (shadowing ignored: more names, fewer folds). */
function assignedNames(body: readonly EsNode[]): Set<string> {
  const names = new Set<string>();
  const visit = (node: EsNode): void => {
    if (
      (node.type === "AssignmentExpression" && node.left.type === "Identifier") ||
      (node.type === "UpdateExpression" && node.argument.type === "Identifier")
    ) {
      names.add((node.left ?? node.argument).name as string);
    }
    forEachChild(node, visit);
  };
  for (const stmt of body) visit(stmt);
  return names;
}

/** A copy of class expression `cls` with its own name `from` read as `to`; undefined when `from` is declared again inside. */
function renameInClass(cls: EsNode, from: string, to: string): EsNode | undefined {
  let clash = false;
  const copy = (node: EsNode, parent: EsNode | undefined, key: string | undefined): EsNode => {
    if (node.type === "Identifier" && node.name === from && parent && node !== cls.id) {
      if (!isReference(node, parent, key)) {
        if (!/^(MemberExpression|Property|PropertyDefinition|MethodDefinition)$/.test(parent.type)) clash = true;
        return node;
      }
      return { ...node, name: to };
    }
    const out: EsNode = { ...node };
    for (const field in node) {
      const value = node[field];
      if (Array.isArray(value))
        out[field] = value.map((item) =>
          item && typeof item.type === "string" ? copy(item as EsNode, node, field) : item,
        );
      else if (value && typeof value === "object" && typeof value.type === "string")
        out[field] = copy(value as EsNode, node, field);
    }
    return out;
  };
  const renamed = copy(cls, undefined, undefined);
  return clash ? undefined : renamed;
}

/**
 * A class body as the source wrote it, where a compiler moved its instance fields: swc's
 * `_define_property(this, "k", v)` first in the constructor is the field `k = v`; a field
 * without a value that a parameter property fills (`value;` … `constructor(value) { this.value =
 * value }`, which tsc for ES2020 leaves out) is left out. Undefined when nothing changes.
 */
export function sourceClassBody(cls: EsNode): EsNode[] | undefined {
  if (cls.superClass) return undefined; // fields of a derived class start after super(): left as they are
  let members = cls.body.body as EsNode[];
  const ctor = members.find((m) => m.type === "MethodDefinition" && m.kind === "constructor");
  const statements = (ctor?.value.body.body ?? []) as EsNode[];
  const ctorNames = new Set([
    "arguments",
    ...(ctor?.value.params ?? []).map((p: EsNode) => (p.type === "Identifier" ? p.name : "")),
    ...declaredIn(ctor?.value.body),
  ]);
  const moved: EsNode[] = [];
  for (const stmt of statements) {
    const field = thisField(stmt, ctorNames);
    if (!field) break;
    moved.push(field);
  }
  if (ctor && moved.length > 0) {
    const body = { ...ctor.value.body, body: statements.slice(moved.length) };
    members = [...moved, ...members.map((m) => (m === ctor ? { ...m, value: { ...m.value, body } } : m))];
  }
  const dropped = parameterPropertyFields(members);
  if (moved.length === 0 && dropped.size === 0) return undefined;
  return members.filter((m) => !dropped.has(m));
}

/** `_define_property(this, "k", v)` as the instance field `k = v`, when `v` reads no constructor name. */
function thisField(stmt: EsNode, ctorNames: ReadonlySet<string>): EsNode | undefined {
  const expr = stmt.type === "ExpressionStatement" ? (stmt.expression as EsNode) : undefined;
  const args = (expr?.arguments ?? []) as EsNode[];
  if (
    expr?.type !== "CallExpression" ||
    !isName(expr.callee, "_define_property") ||
    args.length !== 3 ||
    args[0]?.type !== "ThisExpression"
  )
    return undefined;
  const key = args[1] as EsNode;
  const value = args[2] as EsNode;
  if (key.type !== "Literal" || typeof key.value !== "string" || readsPlace(value) || mentions(value, ctorNames))
    return undefined;
  return {
    type: "PropertyDefinition",
    static: false,
    computed: false,
    key,
    value: isVoid(value) ? null : value,
    start: stmt.start,
    end: stmt.end,
  } as unknown as EsNode;
}

/**
 * Fields without a value that the constructor's first statements fill from its parameters of the
 * same name (`this.value = value`) — when they are the class's only instance fields (so no other
 * field's initializer can see them missing, and the order of the object's keys is the same) and
 * no other member has their name (no accessor that an assignment would call).
 */
function parameterPropertyFields(members: readonly EsNode[]): Set<EsNode> {
  const none = new Set<EsNode>();
  const fields = members.filter((m) => m.type === "PropertyDefinition" && !m.static);
  const ctor = members.find((m) => m.type === "MethodDefinition" && m.kind === "constructor");
  if (fields.length === 0 || !ctor) return none;
  const params = new Set(
    (ctor.value.params as EsNode[]).filter((p) => p.type === "Identifier").map((p) => p.name as string),
  );
  const filled: string[] = [];
  for (const stmt of ctor.value.body.body as EsNode[]) {
    const expr = stmt.type === "ExpressionStatement" ? (stmt.expression as EsNode) : undefined;
    const left = expr?.type === "AssignmentExpression" && expr.operator === "=" ? (expr.left as EsNode) : undefined;
    if (
      left?.type !== "MemberExpression" ||
      left.computed ||
      left.object.type !== "ThisExpression" ||
      left.property.type !== "Identifier"
    )
      break;
    if (
      expr?.right.type !== "Identifier" ||
      expr.right.name !== left.property.name ||
      !params.has(left.property.name as string)
    )
      break;
    filled.push(left.property.name as string);
  }
  const dropped = new Set<EsNode>();
  for (const field of fields) {
    const name = field.computed
      ? undefined
      : field.key.type === "Identifier"
        ? (field.key.name as string)
        : typeof field.key.value === "string"
          ? field.key.value
          : undefined;
    if (name === undefined || name === "__proto__" || !filled.includes(name) || (field.value && !isVoid(field.value)))
      return none;
    if (members.some((m) => m !== field && !m.computed && String(m.key?.name ?? m.key?.value) === name)) return none;
    dropped.add(field);
  }
  return dropped;
}

function isVoid(node: EsNode): boolean {
  return node.type === "UnaryExpression" && node.operator === "void" && node.argument.type === "Literal";
}

/** True when an identifier named one of `names` occurs in `node` (as a reference or not: conservative). */
function mentions(node: EsNode, names: ReadonlySet<string>): boolean {
  if (node.type === "Identifier" && names.has(node.name as string)) return true;
  let found = false;
  forEachChild(node, (child) => {
    found ||= mentions(child, names);
  });
  return found;
}

/** Names declared anywhere in a function body (conservative: any binding at any depth). */
function declaredIn(body: EsNode | undefined): string[] {
  const names: string[] = [];
  const visit = (node: EsNode): void => {
    if (node.type === "VariableDeclarator") names.push(...patternNames(node.id));
    if ((node.type === "FunctionDeclaration" || node.type === "ClassDeclaration") && node.id)
      names.push(node.id.name as string);
    forEachChild(node, visit);
  };
  if (body) visit(body);
  return names;
}
