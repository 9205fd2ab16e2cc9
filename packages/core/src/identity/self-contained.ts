// Uses of a name whose value only flows back into that name — `calls[name] = (calls[name] ?? 0) + 1`,
// `n++`, `log.push(x)` with the result discarded: a counter or a log a function keeps. What the
// function returns cannot depend on them, so they are not reads of module state (no code version
// part, no "written by a function" warning).
import { type EsNode, forEachChild } from "./scope.js";

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** The identifier nodes under `root` that are self-contained uses of their name. */
export function selfContainedUses(root: EsNode): Set<EsNode> {
  const found = new Set<EsNode>();
  const ancestors: EsNode[] = [];
  const visit = (node: EsNode): void => {
    if (node.type === "Identifier" && isSelfContained(node.name as string, ancestors)) found.add(node);
    ancestors.push(node);
    forEachChild(node, visit);
    ancestors.pop();
  };
  visit(root);
  return found;
}

/** True when an enclosing write to `name` (in the same function) has its value discarded. */
function isSelfContained(name: string, ancestors: readonly EsNode[]): boolean {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const node = ancestors[i] as EsNode;
    if (FUNCTIONS.has(node.type)) return false;
    if (writeTarget(node) === name && isDiscarded(ancestors, i)) return true;
  }
  return false;
}

/** The name an assignment, update or method call writes to (`x`, `x.a`, `x[k]`, `x.push(…)`), if any. */
function writeTarget(node: EsNode): string | undefined {
  switch (node.type) {
    case "AssignmentExpression":
      return rootName(node.left);
    case "UpdateExpression":
      return rootName(node.argument);
    case "CallExpression":
      return node.callee.type === "MemberExpression" ? rootName(node.callee.object) : undefined;
    default:
      return undefined;
  }
}

function rootName(node: EsNode): string | undefined {
  let current = node;
  while (current.type === "MemberExpression") current = current.object;
  return current.type === "Identifier" ? (current.name as string) : undefined;
}

/** True when the value of `ancestors[index]` is thrown away: a statement, `void`, or not the last of a sequence. */
function isDiscarded(ancestors: readonly EsNode[], index: number): boolean {
  let child = ancestors[index] as EsNode;
  for (let i = index - 1; i >= 0; i--) {
    const parent = ancestors[i] as EsNode;
    switch (parent.type) {
      case "ExpressionStatement":
        return true;
      case "UnaryExpression":
        return parent.operator === "void";
      case "ForStatement":
        return parent.init === child || parent.update === child;
      case "SequenceExpression": {
        const expressions = parent.expressions as EsNode[];
        if (expressions[expressions.length - 1] !== child) return true;
        break; // the sequence's value is this one: keep looking up
      }
      case "ChainExpression":
      case "ParenthesizedExpression":
        break;
      default:
        return false;
    }
    child = parent;
  }
  return false;
}
