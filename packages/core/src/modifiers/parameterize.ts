// parameterize: one function, several nodes, each binding some parameters to values or to other nodes.
import { ConfigurationError } from "../errors.js";
import { type AnyFunction, type Expansion, type NodeDefinition, withSpec } from "../graph/node-spec.js";
import { setNamed } from "../graph/names.js";
import { parseParams } from "../graph/parse.js";
import type { MakesNodes, ReplacesItself } from "./made-nodes.js";
import { assertOnce, describeArgument as describe, isPlainObject } from "./shared.js";

const BINDING = Symbol.for("ham.binding");

/** A parameter bound to a literal value: passed as given, not a dependency. */
export interface BoundValue<T = unknown> {
  readonly [BINDING]: "value";
  readonly value: T;
}

/** A parameter bound to another node: the node named `node` supplies it. */
export interface BoundSource {
  readonly [BINDING]: "source";
  readonly node: string;
}

/** How one parameterized node binds its parameters: parameter name → value(…) or source(…). */
export type Bindings = Readonly<Record<string, BoundValue | BoundSource>>;

/** Binds a parameter to a literal value (fingerprinted into the node's cache key like an input). */
export function value<T>(literal: T): BoundValue<T> {
  return { [BINDING]: "value", value: literal };
}

/** Binds a parameter to the node named `node` (it must be a node or a withConfig key of the graph). */
export function source(node: string): BoundSource {
  if (typeof node !== "string" || node === "") {
    throw new ConfigurationError(`source(name) needs the name of a node, got ${describe(node)}`);
  }
  return { [BINDING]: "source", node };
}

/**
 * Makes one node per key of `nodes` from the same function: `parameterize({ a: { x: value(1) },
 * b: { x: source("other") } })(fn)`. The function's own export name is not a node. Parameters not
 * bound keep their usual dependency (the node or input of the same name).
 */
export function parameterize<const Nodes extends Readonly<Record<string, Bindings>>>(nodes: Nodes) {
  const checked = checkNodes(nodes);
  // The type lists the nodes it makes (each with the function's result), so execute needs no type argument.
  return <F extends AnyFunction>(fn: F): F & ParameterizedNodes<F, Nodes> => {
    const step: Expansion = {
      kind: "parameterize",
      order: 10,
      apply: (exportName, definitions) => definitions.flatMap((definition) => expand(exportName, definition, checked)),
    };
    return withSpec(fn, { expansions: [assertOnce(fn, step)] }) as F & ParameterizedNodes<F, Nodes>;
  };
}

/** Type-level: the nodes `parameterize(nodes)(fn)` makes, each typed with `fn`'s awaited result. */
export type ParameterizedNodes<F extends AnyFunction, Nodes> = MakesNodes<{
  [K in keyof Nodes & string]: Awaited<ReturnType<F>>;
}> &
  ReplacesItself;

function expand(exportName: string, definition: NodeDefinition, nodes: Record<string, Bindings>): NodeDefinition[] {
  const params = definition.deps ?? parseParams(definition.fn, exportName).deps;
  return Object.entries(nodes).map(([name, bindings]) => {
    const boundValues: Record<string, unknown> = {};
    const boundSources: Record<string, string> = {};
    for (const [key, binding] of Object.entries(bindings)) {
      const param = parameterNamed(key, params);
      if (param === undefined) {
        throw new ConfigurationError(
          `parameterize on function "${exportName}": node "${name}" binds parameter "${key}", but "${exportName}" has parameters (${params.join(", ") || "none"}); bind one of those or fix the name`,
        );
      }
      if (binding[BINDING] === "value") setNamed(boundValues, param, binding.value);
      else setNamed(boundSources, param, binding.node);
    }
    return {
      ...definition,
      name,
      boundValues: { ...definition.boundValues, ...boundValues },
      boundSources: { ...definition.boundSources, ...boundSources },
      origin: { kind: "parameterize", from: exportName },
    };
  });
}

/**
 * The parameter a binding key names. esbuild-based tools (tsx, vitest, tsup) rename a parameter that
 * shadows a top-level name of its file (`base` → `base2`); a binding for `base` still finds it.
 */
function parameterNamed(key: string, params: readonly string[]): string | undefined {
  if (params.includes(key)) return key;
  return params.find((p) => p.startsWith(key) && /^([2-9]|[1-9]\d+)$/.test(p.slice(key.length)));
}

function checkNodes(nodes: unknown): Record<string, Bindings> {
  if (!isPlainObject(nodes) || Object.keys(nodes).length === 0) {
    throw new ConfigurationError(
      `parameterize(nodes) needs an object of node name → { parameter: value(…) | source(…) }, got ${describe(nodes)}`,
    );
  }
  for (const [name, bindings] of Object.entries(nodes)) {
    if (name.trim() === "") throw new ConfigurationError("parameterize(nodes) has an empty node name");
    if (!isPlainObject(bindings)) {
      throw new ConfigurationError(
        `parameterize: node "${name}" needs an object of parameter → value(…) | source(…), got ${describe(bindings)}`,
      );
    }
    for (const [param, binding] of Object.entries(bindings)) {
      const kind =
        typeof binding === "object" && binding !== null ? (binding as Partial<BoundValue>)[BINDING] : undefined;
      if (kind !== "value" && kind !== "source") {
        throw new ConfigurationError(
          `parameterize: node "${name}" binds parameter "${param}" to ${describe(binding)}; wrap it as value(${typeof binding === "string" ? JSON.stringify(binding) : "…"}) for a literal or source("node") for another node`,
        );
      }
    }
  }
  return nodes as Record<string, Bindings>;
}
