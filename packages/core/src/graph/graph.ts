// Turns dataflow modules into a validated graph of nodes: names, parameters, dependencies, cycles.
import type { ParamInfo } from "../contracts.js";
import { ConfigurationError, CycleError, DuplicateNodeError } from "../errors.js";
import { type ExcludedFunction, checkModifiedGraph } from "./check-modified.js";
import { type AnyFunction, type NodeDefinition, specOf } from "./node-spec.js";
import { type ParsedParams, parseParams } from "./parse.js";
import type { GraphNode } from "./node.js";
import { hasName, named } from "./names.js";
import { type RenameEvidence, undoBundlerRenames } from "./renamed-params.js";

export type { GraphNode, ParamInfo } from "./node.js";

export interface GraphOptions {
  readonly allowOverride: boolean;
  readonly config: Readonly<Record<string, unknown>>;
  /** What parameters were called before a compiler renamed them (none given: no parameter is remapped). */
  readonly renameEvidence?: RenameEvidence;
  /** Receives a note for each parameter mapped back to its original name. */
  readonly debug?: (message: string) => void;
}

/** Nodes of every module, keyed by name, checked for duplicates and cycles. */
export function buildGraph(modules: readonly object[], options: GraphOptions): Map<string, GraphNode> {
  const nodes = new Map<string, GraphNode>();
  const excluded: ExcludedFunction[] = [];
  modules.forEach((mod, moduleIndex) => {
    if (mod === null || (typeof mod !== "object" && typeof mod !== "function")) {
      throw new ConfigurationError(
        `withModules() argument ${moduleIndex + 1} is ${mod === null ? "null" : typeof mod}, not a module: pass \`import * as dataflow from "./dataflow.js"\` or an object of functions`,
      );
    }
    const exportNames = Object.keys(mod);
    if (!exportNames.some((name) => typeof (mod as Record<string, unknown>)[name] === "function")) {
      // Usually a wrong import: a default export wrapper, a CommonJS interop object, a typo'd path.
      const shown = exportNames.slice(0, 5).join(", ") + (exportNames.length > 5 ? ", …" : "");
      throw new ConfigurationError(
        `withModules() argument ${moduleIndex + 1} exports no functions (${exportNames.length === 0 ? "it is empty" : `only ${shown}`}): pass the module namespace, \`import * as dataflow from "./dataflow.js"\`${"default" in mod ? ", or its default export (mod.default) if the functions are there" : ""}`,
      );
    }
    for (const exportName of exportNames) {
      const value = (mod as Record<string, unknown>)[exportName];
      if (!isNodeFunction(exportName, value)) continue;
      for (const node of definitionsOf(exportName, value, moduleIndex, options.config, excluded)) {
        addNode(nodes, node, options.allowOverride);
      }
    }
  });
  if (options.renameEvidence) undoBundlerRenames(nodes, options.renameEvidence, options.debug);
  checkModifiedGraph(nodes, excluded, options.config);
  checkCycles(nodes);
  return nodes;
}

function isNodeFunction(exportName: string, value: unknown): value is AnyFunction {
  if (typeof value !== "function") return false;
  if (exportName.startsWith("_") || exportName === "default") return false;
  // Classes are values a module exports for its nodes to use, not nodes.
  return !Function.prototype.toString.call(value).startsWith("class");
}

function definitionsOf(
  exportName: string,
  value: AnyFunction,
  moduleIndex: number,
  config: Readonly<Record<string, unknown>>,
  excluded: ExcludedFunction[],
): GraphNode[] {
  const spec = specOf(value);
  if (spec.when && !spec.when(config)) {
    excluded.push({ exportName, spec });
    return [];
  }
  const base: NodeDefinition = {
    name: spec.name ?? exportName,
    fn: spec.fn,
    ...(spec.deps ? { deps: spec.deps } : {}),
    ...(spec.optional ? { optional: spec.optional } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
    ...(spec.cache ? { cache: spec.cache } : {}),
  };
  const definitions = spec.expand ? spec.expand(exportName, base) : [base];
  return definitions.map((definition) => toGraphNode(definition, moduleIndex));
}

/** Builds the runnable node for one definition (exported for modifiers' tests and tools). */
export function toGraphNode(definition: NodeDefinition, moduleIndex: number): GraphNode {
  const { name, fn } = definition;
  if (!/^[A-Za-z_$][\w$]*$/.test(name) && !definition.origin) {
    throw new ConfigurationError(`node name "${name}" is not a valid identifier; rename the export`);
  }
  const parsed: ParsedParams = definition.deps
    ? { deps: definition.deps, optional: new Set(definition.optional ?? []), style: "positional", defaults: new Map() }
    : parseParams(fn, name);
  const boundValues = definition.boundValues ?? {};
  const boundSources = definition.boundSources ?? {};
  for (const key of [...Object.keys(boundValues), ...Object.keys(boundSources)]) {
    if (!parsed.deps.includes(key)) {
      throw new ConfigurationError(
        `node "${name}" binds parameter "${key}", but its function has parameters (${parsed.deps.join(", ") || "none"}); fix the parameter name`,
      );
    }
  }
  const params: ParamInfo[] = parsed.deps.map((param) => ({
    name: param,
    dep: hasName(boundValues, param) ? undefined : (named(boundSources, param) ?? param),
    optional: parsed.optional.has(param),
    defaultValue: parsed.defaults.get(param),
  }));
  const deps = params.flatMap((p) => (p.dep === undefined ? [] : [p.dep]));
  const optionalDeps = new Set(params.filter((p) => p.optional && p.dep !== undefined).map((p) => p.dep as string));
  const source =
    Function.prototype.toString.call(fn) + (definition.sourceSuffix ? `\n/*ham*/${definition.sourceSuffix}` : "");
  return {
    name,
    fn,
    deps,
    optionalDeps,
    boundValues,
    source,
    tags: definition.tags ?? {},
    cache: definition.cache,
    origin: definition.origin,
    ...(definition.cachedThrough !== undefined ? { cachedThrough: definition.cachedThrough } : {}),
    // A field picked from its parent's value is cheaper here than any hand-off.
    runsOn: definition.tags?.["executor"] === "main" || definition.cachedThrough !== undefined ? "main" : "anywhere",
    params,
    style: parsed.style,
    transform: definition.transform,
    moduleIndex,
    explicitDeps: definition.deps !== undefined,
  };
}

function addNode(nodes: Map<string, GraphNode>, node: GraphNode, allowOverride: boolean): void {
  const existing = nodes.get(node.name);
  if (existing) {
    if (existing.moduleIndex === node.moduleIndex) {
      throw new DuplicateNodeError(
        node.name,
        `node "${node.name}" is defined twice in module ${node.moduleIndex + 1}, by function ${madeBy(existing)} and function ${madeBy(node)}; two functions claim one name under the same config — rename one or give them non-overlapping config.when conditions`,
      );
    }
    if (!allowOverride) {
      throw new DuplicateNodeError(
        node.name,
        `node "${node.name}" is defined in module ${existing.moduleIndex + 1} and again in module ${node.moduleIndex + 1}; rename one, or call builder.allowOverride() to let the later module win`,
      );
    }
  }
  nodes.set(node.name, node);
}

/** `"f"`, or `"f" (parameterize)` for a node a modifier made from function f. */
function madeBy(node: GraphNode): string {
  return node.origin ? `"${node.origin.from}" (${node.origin.kind})` : `"${node.name}"`;
}

function checkCycles(nodes: ReadonlyMap<string, GraphNode>): void {
  // Iterative depth-first search: a 10,000-node chain must not overflow the call stack.
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const root of nodes.keys()) {
    if (state.has(root)) continue;
    const path: string[] = [root];
    const cursors: number[] = [0];
    state.set(root, 1);
    while (path.length > 0) {
      const name = path[path.length - 1] as string;
      const deps = nodes.get(name)?.deps ?? [];
      const index = cursors[cursors.length - 1] as number;
      if (index >= deps.length) {
        state.set(name, 2);
        path.pop();
        cursors.pop();
        continue;
      }
      cursors[cursors.length - 1] = index + 1;
      const dep = deps[index] as string;
      if (!nodes.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 1) throw new CycleError([...path.slice(path.indexOf(dep)), dep]);
      if (seen === undefined) {
        state.set(dep, 1);
        path.push(dep);
        cursors.push(0);
      }
    }
  }
}
