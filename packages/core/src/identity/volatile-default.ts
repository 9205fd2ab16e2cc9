// Parameter defaults that give a different value on each call (`today = new Date()`, `= Math.random()`,
// `= process.env.RATE`): a node relying on one cannot be looked up by its inputs, so it recomputes.
import { parseExpressionAt } from "acorn";
import { LANGUAGE_GLOBALS } from "./builtin-globals.js";
import { type EsNode, forEachChild } from "./scope.js";

const CALLS =
  /^(CallExpression|NewExpression|TaggedTemplateExpression|AwaitExpression|YieldExpression|ImportExpression|MetaProperty|ThisExpression)$/;
const known = new Map<string, boolean>();

/**
 * True when a default expression may differ between calls: it calls or constructs something, or
 * reads a global other than the language's own (`process.env.X`). Module-level names it reads are part of the code version.
 */
export function isVolatileDefault(text: string): boolean {
  const cached = known.get(text);
  if (cached !== undefined) return cached;
  let volatile = true;
  try {
    const expr = parseExpressionAt(text, 0, { ecmaVersion: "latest" }) as EsNode;
    volatile = false;
    const visit = (node: EsNode, parent: EsNode | undefined, key: string | undefined): void => {
      if (CALLS.test(node.type) && !isPureBuiltinCall(node)) volatile = true;
      else if (FUNCTION_LIKE.test(node.type))
        return; // its body runs only when the node calls it: part of the node's text
      else if (node.type === "Identifier" && isRead(parent, key)) {
        const name = node.name as string;
        if (name in globalThis && !LANGUAGE_GLOBALS.has(name)) volatile = true;
      }
      if (!volatile) forEachChild(node, (child, childKey, p) => visit(child, p, childKey));
    };
    visit(expr, undefined, undefined);
  } catch {
    volatile = true;
  }
  if (known.size > 1000) known.clear();
  known.set(text, volatile);
  return volatile;
}

/** Objects of the language whose functions give the same result for the same arguments (Math.random aside). */
const PURE_NAMESPACES = new Set(["Math", "Number", "String", "JSON", "Object", "Array", "BigInt", "Boolean", "Symbol"]);
const PURE_FUNCTIONS = new Set([
  "Number",
  "String",
  "Boolean",
  "BigInt",
  "parseInt",
  "parseFloat",
  "Symbol",
  "Array",
  "Map",
  "Set",
  "Object",
]);

/** `Math.min(2, 3)`, `Number("4")`, `new Map()`: a call whose result only its (still checked) arguments decide. */
function isPureBuiltinCall(node: EsNode): boolean {
  if (node.type !== "CallExpression" && node.type !== "NewExpression") return false;
  const callee = node.callee as EsNode;
  if (callee.type === "Identifier") return PURE_FUNCTIONS.has(callee.name as string);
  if (callee.type !== "MemberExpression" || callee.computed || callee.object.type !== "Identifier") return false;
  const namespace = callee.object.name as string;
  return PURE_NAMESPACES.has(namespace) && !(namespace === "Math" && callee.property.name === "random");
}

const FUNCTION_LIKE = /^(ArrowFunctionExpression|FunctionExpression|ClassExpression)$/;

function isRead(parent: EsNode | undefined, key: string | undefined): boolean {
  if (parent?.type === "MemberExpression") return key === "object" || parent.computed === true;
  if (parent?.type === "Property") return key !== "key" || parent.computed === true;
  return true;
}
