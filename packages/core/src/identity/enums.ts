// TypeScript enums as compilers emit them, read as one thing: esbuild's
// `var E = ((E2) => { E2[E2["A"] = 0] = "A"; return E2; })(E || {})`, swc's
// `var E = function(E) { …; return E; }({})` and tsc's `var E;` followed by
// `(function (E) { … })(E || (E = {}))`. The canonical form of each is its member assignments.
import type { EsNode } from "./scope.js";

const FUNCTION = /^(FunctionExpression|ArrowFunctionExpression)$/;

/** The function that fills an enum, when `expr` is the call that builds one (`(…)(E || {})`, `(…)({})`, `(…)(E || (E = {}))`). */
export function enumFunction(expr: EsNode | null | undefined): EsNode | undefined {
  if (expr?.type !== "CallExpression") return undefined;
  const fn = expr.callee as EsNode;
  const args = expr.arguments as EsNode[];
  if (
    !FUNCTION.test(fn.type) ||
    (fn.params as EsNode[]).length !== 1 ||
    fn.body.type !== "BlockStatement" ||
    args.length !== 1
  )
    return undefined;
  const arg = args[0] as EsNode;
  const empty = (node: EsNode) => node.type === "ObjectExpression" && (node.properties as EsNode[]).length === 0;
  const emptyOrAssigned = (node: EsNode): boolean =>
    empty(node) || (node.type === "AssignmentExpression" && emptyOrAssigned(node.right));
  if (!(empty(arg) || (arg.type === "LogicalExpression" && arg.operator === "||" && emptyOrAssigned(arg.right))))
    return undefined;
  return fn;
}

/** The name a tsc enum statement `(function (E) { … })(E || (E = {}))` fills, or undefined. */
export function enumStatementName(stmt: EsNode): string | undefined {
  if (stmt.type !== "ExpressionStatement") return undefined;
  const expr = stmt.expression as EsNode;
  if (!enumFunction(expr)) return undefined;
  const arg = (expr.arguments as EsNode[])[0] as EsNode;
  return arg.type === "LogicalExpression" && arg.left.type === "Identifier" ? (arg.left.name as string) : undefined;
}

/** The enum's function with only its member assignments (the `return E` esbuild and swc add left out). */
export function enumMembers(fn: EsNode): EsNode {
  const param = (fn.params as EsNode[])[0] as EsNode;
  const statements = (fn.body.body as EsNode[]).filter(
    (stmt) =>
      !(stmt.type === "ReturnStatement" && stmt.argument?.type === "Identifier" && stmt.argument.name === param.name),
  );
  const body = { ...fn.body, body: statements };
  return {
    type: "ArrowFunctionExpression",
    params: fn.params,
    body,
    async: false,
    generator: false,
    expression: false,
    id: null,
    start: fn.start,
    end: fn.end,
  } as unknown as EsNode;
}

/** An enum's members whose values are literals (`E[E["A"] = 0] = "A"`, `E["B"] = "b"`), by name. */
export function enumLiterals(fn: EsNode): Map<string, EsNode> {
  const param = ((fn.params as EsNode[])[0] as EsNode).name as string;
  const out = new Map<string, EsNode>();
  const member = (node: EsNode): EsNode | undefined => {
    if (node.type !== "AssignmentExpression" || node.operator !== "=" || node.left.type !== "MemberExpression")
      return undefined;
    const target = node.left as EsNode;
    if (target.object.type !== "Identifier" || target.object.name !== param) return undefined;
    return target;
  };
  for (const stmt of fn.body.body as EsNode[]) {
    if (stmt.type !== "ExpressionStatement") continue;
    let assign = stmt.expression as EsNode;
    const outer = member(assign);
    // `E[E["A"] = 0] = "A"`: the inner assignment holds the member.
    if (outer?.computed && outer.property.type === "AssignmentExpression") assign = outer.property;
    const target = member(assign);
    const key = target ? (target.computed ? target.property.value : target.property.name) : undefined;
    if (typeof key === "string" && assign.right.type === "Literal") out.set(key, assign.right);
  }
  return out;
}
