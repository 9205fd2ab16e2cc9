// Reads a function's parameter list from its source with acorn: dependency names and which are optional.
import { parse, tokenizer, type Node as AcornNode } from "acorn";
import { ConfigurationError } from "../errors.js";

/** How the driver must pass arguments to a node's function. */
export type CallStyle = "positional" | "object";

export interface ParsedParams {
  /** Dependency names in parameter order (or destructured key order). */
  readonly deps: readonly string[];
  /** Names whose parameter has a default value. */
  readonly optional: ReadonlySet<string>;
  /** `positional`: f(a, b); `object`: f({ a, b }) for a single destructured object parameter. */
  readonly style: CallStyle;
  /** Default values of optional parameters: literal ones evaluated, others as source text. */
  readonly defaults: ReadonlyMap<string, DefaultValue>;
}

import type { DefaultValue } from "../contracts.js";

export type { DefaultValue };

interface ParamNode extends AcornNode {
  name?: string;
  left?: ParamNode;
  right?: AcornNode;
  properties?: PropertyNode[];
}
interface PropertyNode extends AcornNode {
  key: AcornNode & { name?: string; value?: unknown };
  value: ParamNode;
  computed: boolean;
}
interface FunctionNode extends AcornNode {
  params: ParamNode[];
}

const ECMA = "latest" as const;

// Plain parameter lists — identifiers only, no defaults, destructuring or comments — are by far the
// most common, and a full acorn parse of each function costs tens of µs at build time; these
// patterns read them directly and everything else goes to acorn.
const IDENTIFIER_LIST = String.raw`\s*((?:[A-Za-z_$][\w$]*\s*,\s*)*[A-Za-z_$][\w$]*)?\s*,?\s*`;
const SIMPLE_FORMS = [
  new RegExp(String.raw`^(?:async\s*)?\(${IDENTIFIER_LIST}\)\s*=>`),
  new RegExp(String.raw`^(?:async\s+)?function\s*\*?\s*(?:[A-Za-z_$][\w$]*)?\s*\(${IDENTIFIER_LIST}\)\s*\{`),
];
const SINGLE_ARROW = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/;
const NO_PARAMS = new Set<string>();
const NO_DEFAULTS = new Map<string, DefaultValue>();

/** The parameters of a function whose list is plain identifiers, or undefined to parse it fully. */
function simpleParams(source: string): ParsedParams | undefined {
  for (const form of SIMPLE_FORMS) {
    const match = form.exec(source);
    if (match) {
      const list = match[1];
      const deps = list === undefined ? [] : list.split(",").map((name) => name.trim());
      return { deps, optional: NO_PARAMS, style: "positional", defaults: NO_DEFAULTS };
    }
  }
  const single = SINGLE_ARROW.exec(source);
  return single
    ? { deps: [single[1] as string], optional: NO_PARAMS, style: "positional", defaults: NO_DEFAULTS }
    : undefined;
}

/** Parses `fn`'s source and returns its parameters; `label` names it in errors. */
export function parseParams(fn: (...args: never[]) => unknown, label: string): ParsedParams {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new ConfigurationError(
      `cannot read the parameters of "${label}": its source is native or bound code; declare them with node({ deps: [...] }, fn)`,
    );
  }
  const simple = simpleParams(source);
  if (simple) return simple;
  const { fn: parsed, text } = findFunction(source, label);
  const params = parsed.params;
  const only = params.length === 1 ? params[0] : undefined;
  if (only?.type === "ObjectPattern") return objectParams(only, label, text);
  // `({ A, B = 1 } = {})`: the whole-object default only matters when called without an argument,
  // which the driver never does; the destructured keys are the dependencies.
  if (only?.type === "AssignmentPattern" && only.left?.type === "ObjectPattern")
    return objectParams(only.left, label, text);
  const deps: string[] = [];
  const optional = new Set<string>();
  const defaults = new Map<string, DefaultValue>();
  for (const param of params) {
    if (param.type === "Identifier" && param.name) {
      deps.push(param.name);
    } else if (param.type === "AssignmentPattern" && param.left?.type === "Identifier" && param.left.name) {
      deps.push(param.left.name);
      optional.add(param.left.name);
      defaults.set(param.left.name, defaultOf(param.right, text));
    } else {
      throw new ConfigurationError(
        `function "${label}" has ${describeParam(param)} parameter; ham reads dependencies from plain parameter names or one destructured object ({ a, b }); declare them with node({ deps: [...] }, fn)`,
      );
    }
  }
  return { deps, optional, style: "positional", defaults };
}

function objectParams(pattern: ParamNode, label: string, text: string): ParsedParams {
  const deps: string[] = [];
  const optional = new Set<string>();
  const defaults = new Map<string, DefaultValue>();
  for (const prop of pattern.properties ?? []) {
    if (prop.type !== "Property" || prop.computed) {
      throw new ConfigurationError(
        `function "${label}" destructures its argument with a rest element or computed key; list each dependency by name ({ a, b }) or use node({ deps: [...] }, fn)`,
      );
    }
    const key =
      prop.key.type === "Identifier" ? prop.key.name : typeof prop.key.value === "string" ? prop.key.value : undefined;
    if (key === undefined) {
      throw new ConfigurationError(
        `function "${label}" destructures a key ham cannot read; use node({ deps: [...] }, fn)`,
      );
    }
    deps.push(key);
    if (prop.value.type === "AssignmentPattern") {
      optional.add(key);
      defaults.set(key, defaultOf(prop.value.right, text));
    }
  }
  return { deps, optional, style: "object", defaults };
}

const NOT_LITERAL = Symbol("not a literal");

function defaultOf(expr: AcornNode | undefined, text: string): DefaultValue {
  if (!expr) return { literal: false, text: "" };
  const value = literalValue(expr);
  return value === NOT_LITERAL ? { literal: false, text: text.slice(expr.start, expr.end) } : { literal: true, value };
}

/** Evaluates literal expressions only (numbers, strings, booleans, null, undefined, arrays, objects of them). */
function literalValue(expr: AcornNode): unknown {
  const e = expr as AcornNode & Record<string, unknown>;
  switch (e.type) {
    case "Literal":
      return e.regex ? NOT_LITERAL : e.bigint !== undefined ? BigInt(e.bigint as string) : e.value;
    case "Identifier":
      return e.name === "undefined"
        ? undefined
        : e.name === "NaN"
          ? NaN
          : e.name === "Infinity"
            ? Infinity
            : NOT_LITERAL;
    case "UnaryExpression": {
      const arg = literalValue(e.argument as AcornNode);
      if (arg === NOT_LITERAL) return NOT_LITERAL;
      if (e.operator === "-" && (typeof arg === "number" || typeof arg === "bigint")) return -arg;
      if (e.operator === "!") return !arg;
      return NOT_LITERAL;
    }
    case "TemplateLiteral": {
      const quasis = e.quasis as { value: { cooked: string } }[];
      return (e.expressions as unknown[]).length === 0 ? quasis[0]?.value.cooked : NOT_LITERAL;
    }
    case "ArrayExpression": {
      const out: unknown[] = [];
      for (const el of e.elements as (AcornNode | null)[]) {
        const v = el === null || el.type === "SpreadElement" ? NOT_LITERAL : literalValue(el);
        if (v === NOT_LITERAL) return NOT_LITERAL;
        out.push(v);
      }
      return out;
    }
    case "ObjectExpression": {
      const out: Record<string, unknown> = {};
      for (const prop of e.properties as PropertyNode[]) {
        if (prop.type !== "Property" || prop.computed || (prop as unknown as { kind: string }).kind !== "init")
          return NOT_LITERAL;
        const key = prop.key.type === "Identifier" ? prop.key.name : prop.key.value;
        const v = literalValue(prop.value);
        if (v === NOT_LITERAL || (typeof key !== "string" && typeof key !== "number")) return NOT_LITERAL;
        out[String(key)] = v;
      }
      return out;
    }
    default:
      return NOT_LITERAL;
  }
}

function describeParam(param: ParamNode): string {
  switch (param.type) {
    case "RestElement":
      return "a rest (...args)";
    case "ObjectPattern":
    case "ArrayPattern":
      return "a destructured";
    default:
      return `a ${param.type}`;
  }
}

/** Finds the function node in a function's source: arrow, function, async, method shorthand. */
function findFunction(source: string, label: string): { fn: FunctionNode; text: string } {
  // Plain functions and arrows parse as an expression; methods (`name(a) {}`) need an object around them.
  for (const wrapped of [`(${source})`, `({${source}})`, `({async ${source}})`]) {
    let program: AcornNode;
    try {
      program = parse(wrapped, { ecmaVersion: ECMA, sourceType: "module" });
    } catch {
      continue;
    }
    const fn = extractFunction(program);
    if (fn) return { fn, text: wrapped };
  }
  throw new ConfigurationError(
    `cannot parse the source of "${label}" to find its parameters; declare them with node({ deps: [...] }, fn)`,
  );
}

function extractFunction(program: AcornNode): FunctionNode | undefined {
  const body = (program as AcornNode & { body: AcornNode[] }).body;
  const stmt = body[0] as (AcornNode & { expression?: AcornNode }) | undefined;
  let expr = stmt?.expression;
  if (!expr) return undefined;
  if (expr.type === "ObjectExpression") {
    const prop = (expr as AcornNode & { properties: PropertyNode[] }).properties[0];
    expr = prop?.value;
  }
  if (expr && /^(ArrowFunctionExpression|FunctionExpression)$/.test(expr.type)) return expr as FunctionNode;
  return undefined;
}

/**
 * The function's source reduced to its tokens, comments and whitespace removed, so that
 * reformatting or re-commenting does not change the code version.
 */
export function normalizeSource(source: string): string {
  const tokens: string[] = [];
  try {
    for (const token of tokenizer(source, { ecmaVersion: ECMA, sourceType: "module", allowHashBang: true })) {
      tokens.push(source.slice(token.start, token.end));
    }
  } catch {
    // Method shorthand and other fragments still tokenise token by token up to the error; fall back
    // to collapsing whitespace so the version stays deterministic.
    return source.replace(/\s+/g, " ").trim();
  }
  return tokens.join(" ");
}
