// Whether a node's own code provably cannot change the values it is given: then the cache need not
// fingerprint its inputs again after it runs (caching/changed-inputs.ts), which costs one more
// fingerprint per object input. Deliberately narrow: a write to any property, a `delete`, a call of
// anything but a function written inside the node, a known reading method or a reading built-in,
// and a function handed to such a call from outside the node, each leave the answer "it may".
import { type EsNode, forEachChild, patternNames, walkOwnReferences } from "./scope.js";

/** Methods that change neither the array, string, Map or Set they are called on nor their arguments. */
const READING_METHODS = new Set(
  (
    "map filter reduce reduceRight slice concat join some every find findIndex findLast findLastIndex includes " +
    "indexOf lastIndexOf keys values entries forEach flatMap flat at toSorted toReversed toSpliced with get has " +
    "toFixed toPrecision toString toLocaleString valueOf trim trimStart trimEnd split replace replaceAll startsWith " +
    "endsWith toLowerCase toUpperCase padStart padEnd charAt charCodeAt codePointAt substring match matchAll " +
    "search repeat normalize localeCompare test getTime toISOString"
  ).split(" "),
);
/** Built-in functions that change none of their arguments. */
const READING_FUNCTIONS = new Set(
  "Number String Boolean BigInt parseInt parseFloat isNaN isFinite structuredClone encodeURIComponent decodeURIComponent".split(
    " ",
  ),
);
/** Built-in namespaces and the functions of theirs that change none of their arguments ("*": all). */
const READING_NAMESPACES = new Map<string, ReadonlySet<string> | "*">([
  ["Math", "*"],
  ["JSON", "*"],
  ["Number", "*"],
  ["Object", new Set(["keys", "values", "entries", "fromEntries", "hasOwn", "is", "getPrototypeOf"])],
  ["Array", new Set(["from", "isArray", "of"])],
]);
/** Built-in classes whose constructors change none of their arguments. */
const READING_CLASSES = new Set(["Map", "Set", "Date", "Array", "Error", "TypeError", "RangeError", "URL"]);

/**
 * True when `fn` (a node's function) provably cannot change what it is given. `isGlobal(name)`:
 * a name `fn` does not declare is the global (not a module binding).
 */
export function cannotChangeInputs(fn: EsNode, isGlobal: (name: string) => boolean): boolean {
  // Identifiers that name what the function declares (its parameters, variables, inner functions).
  const locals = new Set<EsNode>();
  const globals = new Set<EsNode>();
  walkOwnReferences(fn, (name, node, declared) => {
    if (declared) locals.add(node);
    else if (isGlobal(name)) globals.add(node);
  });
  const name = (node: EsNode, among: ReadonlySet<EsNode>): string | undefined =>
    node.type === "Identifier" && among.has(node) ? (node.name as string) : undefined;
  // `const out = []` (or {}, new Map()…) declared once in the node: a value of its own, free to change.
  const fresh = freshConstants(fn);
  const ownValue = (node: EsNode): boolean =>
    node.type === "Identifier" && locals.has(node) && fresh.has(node.name as string);
  const ownMember = (node: EsNode): boolean => node.type === "MemberExpression" && ownValue(node.object as EsNode);
  const readingCallee = (call: EsNode): boolean => {
    const callee = call.callee as EsNode;
    if (callee.type === "Identifier") {
      // A local name may hold any function (`const f = normalize`): only built-ins are known.
      const global = name(callee, globals);
      return global !== undefined && (call.type === "NewExpression" ? READING_CLASSES : READING_FUNCTIONS).has(global);
    }
    if (callee.type !== "MemberExpression" || callee.computed || callee.property.type !== "Identifier") return false;
    const method = callee.property.name as string;
    const namespace = name(callee.object as EsNode, globals);
    if (namespace !== undefined) {
      const allowed = READING_NAMESPACES.get(namespace);
      return allowed === "*" || (allowed !== undefined && allowed.has(method));
    }
    return call.type === "CallExpression" && READING_METHODS.has(method) && knownReceiver(callee.object as EsNode);
  };
  // A reading method's name says nothing of a module's own object (`utils.replace(rows)` may change
  // rows): the receiver must come from the node's values, a literal, or a reading built-in.
  const knownReceiver = (receiver: EsNode): boolean => {
    let root = receiver;
    for (;;) {
      if (root.type === "MemberExpression") root = root.object as EsNode;
      else if (root.type === "CallExpression") root = root.callee as EsNode;
      else if (root.type === "ChainExpression") root = root.expression as EsNode;
      else break;
    }
    if (root.type === "ThisExpression" || root.type === "Super") return false;
    if (root.type !== "Identifier") return true; // a literal, `[…]`, `{…}`, a template
    if (locals.has(root)) return true;
    const global = name(root, globals);
    return global !== undefined && (READING_NAMESPACES.has(global) || READING_FUNCTIONS.has(global));
  };
  // What a call is handed must not be a function from outside the node (it could change its argument).
  const fromInside = (arg: EsNode): boolean => {
    if (arg.type === "Identifier") return locals.has(arg) || READING_FUNCTIONS.has(name(arg, globals) ?? "");
    if (arg.type === "MemberExpression") {
      let root = arg;
      while (root.type === "MemberExpression") root = root.object as EsNode;
      return root.type === "Identifier" ? locals.has(root) : true;
    }
    return true;
  };
  let safe = true;
  const visit = (node: EsNode): void => {
    switch (node.type) {
      case "AssignmentExpression": {
        const left = node.left as EsNode;
        if (left.type !== "Identifier" && !ownMember(left)) safe = false; // o.x = …, [o.x] = …, ({ a: o.x } = …)
        break;
      }
      case "UpdateExpression": {
        const target = node.argument as EsNode;
        if (target.type !== "Identifier" && !ownMember(target)) safe = false;
        break;
      }
      case "UnaryExpression":
        if (node.operator === "delete" && !ownMember(node.argument as EsNode)) safe = false;
        break;
      case "CallExpression":
      case "NewExpression": {
        const callee = node.callee as EsNode;
        const own = node.type === "CallExpression" && ownMember(callee) && !(callee.computed as boolean);
        if ((!own && !readingCallee(node)) || !(node.arguments as EsNode[]).every(fromInside)) safe = false;
        break;
      }
      case "TaggedTemplateExpression":
      case "ImportExpression":
      case "ClassExpression":
      case "ClassDeclaration":
        safe = false;
        break;
      case "ForInStatement":
      case "ForOfStatement": // `for (o.x of …)` writes o.x
        if ((node.left as EsNode).type !== "VariableDeclaration" && (node.left as EsNode).type !== "Identifier")
          safe = false;
        break;
    }
    if (safe) forEachChild(node, visit);
  };
  visit(fn.body as EsNode);
  for (const param of fn.params as EsNode[]) if (safe) visit(param);
  return safe;
}

/**
 * Names of `fn` declared once, by `const`, with a fresh value (`[]`, `{}`, `new Map()` …): changing
 * such a value changes nothing the node was given. A name declared more than once (shadowed) is left out.
 */
function freshConstants(fn: EsNode): ReadonlySet<string> {
  const declared = new Map<string, number>();
  const candidates = new Set<string>();
  const count = (name: string): void => void declared.set(name, (declared.get(name) ?? 0) + 1);
  const visit = (node: EsNode): void => {
    switch (node.type) {
      case "VariableDeclaration":
        for (const declarator of node.declarations as EsNode[]) {
          for (const name of patternNames(declarator.id as EsNode)) count(name);
          const init = declarator.init as EsNode | null;
          if (node.kind === "const" && declarator.id.type === "Identifier" && init && isFreshValue(init))
            candidates.add(declarator.id.name as string);
        }
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        if (node.id) count(node.id.name as string);
        for (const param of node.params as EsNode[]) for (const name of patternNames(param)) count(name);
        break;
      case "ClassDeclaration":
        if (node.id) count(node.id.name as string);
        break;
      case "CatchClause":
        if (node.param) for (const name of patternNames(node.param as EsNode)) count(name);
        break;
    }
    forEachChild(node, visit);
  };
  visit(fn);
  return new Set([...candidates].filter((name) => declared.get(name) === 1));
}

function isFreshValue(init: EsNode): boolean {
  if (init.type === "ArrayExpression" || init.type === "ObjectExpression") return true;
  return (
    init.type === "NewExpression" &&
    init.callee.type === "Identifier" &&
    READING_CLASSES.has(init.callee.name as string)
  );
}
