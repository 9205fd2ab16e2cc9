// Annotations that wrappers (node, cache, tag, and the other modifiers) attach to a function.
import type { NodeCacheOptions } from "../contracts.js";
import { ConfigurationError } from "../errors.js";

/** A function that can be a node. */
export type AnyFunction = (...args: never[]) => unknown;

/** One node a function definition expands to (modifiers like parameterize make several). */
export interface NodeDefinition {
  readonly name: string;
  readonly fn: AnyFunction;
  /** Dependencies, when declared explicitly instead of read from the source. */
  readonly deps?: readonly string[];
  /** Explicit dependencies that may be absent. */
  readonly optional?: readonly string[];
  /** Parameters bound to literal values: not dependencies, passed as given. */
  readonly boundValues?: Readonly<Record<string, unknown>>;
  /** Parameters renamed to other nodes: parameter name → node name. */
  readonly boundSources?: Readonly<Record<string, string>>;
  /** Extra text that identifies the code (e.g. an extract step), folded into the code version. */
  readonly sourceSuffix?: string;
  /** Derives the node's value from the function's result (extractFields). */
  readonly transform?: (result: unknown) => unknown;
  readonly tags?: Readonly<Record<string, string>>;
  readonly cache?: Readonly<NodeCacheOptions>;
  readonly origin?: { readonly kind: string; readonly from: string };
}

/** What wrappers record on a function. */
export interface NodeSpec {
  /** The user's function (wrappers call and hash this one). */
  readonly fn: AnyFunction;
  readonly deps?: readonly string[];
  readonly optional?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  readonly cache?: Readonly<NodeCacheOptions>;
  /** Replaces the node by the definitions it returns (given the export name). */
  readonly expand?: (exportName: string, base: NodeDefinition) => NodeDefinition[];
  /** Config condition: the node exists only when it returns true. */
  readonly when?: (config: Readonly<Record<string, unknown>>) => boolean;
  /** Node name to use instead of the export name (to give two variants of one node). */
  readonly name?: string;
}

const SPEC = Symbol.for("ham.nodeSpec");

/** The spec attached to `fn`, or a bare one for a plain function. */
export function specOf(fn: AnyFunction): NodeSpec {
  return (fn as unknown as { [SPEC]?: NodeSpec })[SPEC] ?? { fn };
}

/** Returns a wrapper of `fn` carrying `patch` merged over the spec `fn` already has. */
export function withSpec<F extends AnyFunction>(fn: F, patch: Partial<NodeSpec>): F {
  if (typeof fn !== "function") {
    throw new ConfigurationError(`a node modifier was applied to a ${typeof fn}, not a function`);
  }
  const base = specOf(fn);
  const spec: NodeSpec = {
    ...base,
    ...patch,
    fn: base.fn,
    tags: { ...base.tags, ...patch.tags },
    cache: base.cache || patch.cache ? { ...base.cache, ...patch.cache } : undefined,
  } as NodeSpec;
  const inner = base.fn as (...args: unknown[]) => unknown;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    return inner.apply(this, args);
  };
  Object.defineProperty(wrapper, SPEC, { value: spec });
  Object.defineProperty(wrapper, "name", { value: inner.name });
  return wrapper as unknown as F;
}

/** Options of `node(…)`. */
export interface NodeOptions {
  /** Dependency names in parameter order, for code whose parameter names will be minified. */
  deps: readonly string[];
  /** Which of `deps` may be absent (the function's default then applies). */
  optional?: readonly string[];
}

/**
 * Declares a node's dependencies explicitly: `node({ deps: ["A"] }, (a) => a + 1)`.
 * Use it for code that will be minified or whose parameters ham cannot read.
 */
export function node<F extends AnyFunction>(options: NodeOptions, fn: F): F {
  if (!options || !Array.isArray(options.deps) || options.deps.some((d) => typeof d !== "string" || d === "")) {
    throw new ConfigurationError(`node({ deps }, fn) needs deps as an array of node names, got ${JSON.stringify(options?.deps)}`);
  }
  const unknownOptional = (options.optional ?? []).filter((o) => !options.deps.includes(o));
  if (unknownOptional.length > 0) {
    throw new ConfigurationError(`node({ optional }) names ${unknownOptional.join(", ")}, which are not in deps`);
  }
  return withSpec(fn, { deps: options.deps, optional: options.optional ?? [] });
}
