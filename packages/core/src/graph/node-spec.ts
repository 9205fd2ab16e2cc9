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
  /**
   * The node whose stored result holds this node's value (extractFields): the cache stores nothing
   * for this node, derives its fingerprint from the parent's, and picks the value only when needed.
   */
  readonly cachedThrough?: string;
}

/**
 * One step that turns a function's node definitions into others (parameterize, extractFields, …).
 * Steps run by ascending `order` whatever order the wrappers were applied in, so modifiers compose.
 */
export interface Expansion {
  /** The modifier, for error messages: "parameterize", "extractFields", … */
  readonly kind: string;
  readonly order: number;
  apply(exportName: string, definitions: readonly NodeDefinition[]): NodeDefinition[];
}

/** A config condition in words-ready form, kept for build-time error messages. */
export interface ConfigCondition {
  /** "when": every key has one of the values; "whenNot": no key has any of them. */
  readonly kind: "when" | "whenNot";
  readonly values: Readonly<Record<string, readonly unknown[]>>;
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
  /** The steps `expand` runs (withSpec derives `expand` from them). */
  readonly expansions?: readonly Expansion[];
  /** The conditions behind `when`, for error messages. */
  readonly conditions?: readonly ConfigCondition[];
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
    ...mergeModifiers(base, patch),
  } as NodeSpec;
  const inner = base.fn as (...args: unknown[]) => unknown;
  const wrapper = function (this: unknown, ...args: unknown[]) {
    return inner.apply(this, args);
  };
  Object.defineProperty(wrapper, SPEC, { value: spec });
  Object.defineProperty(wrapper, "name", { value: inner.name });
  return wrapper as unknown as F;
}

/** Conditions AND together; expansion steps accumulate and are run in their fixed order. */
function mergeModifiers(base: NodeSpec, patch: Partial<NodeSpec>): Partial<NodeSpec> {
  const out: { -readonly [K in keyof NodeSpec]?: NodeSpec[K] } = {};
  if (base.when && patch.when) {
    const first = base.when;
    const second = patch.when;
    out.when = (config) => first(config) && second(config);
  }
  if (base.conditions || patch.conditions) out.conditions = [...(base.conditions ?? []), ...(patch.conditions ?? [])];
  if (patch.expansions) {
    const steps = [...(base.expansions ?? []), ...patch.expansions].sort((a, b) => a.order - b.order);
    out.expansions = steps;
    out.expand = (exportName, definition) =>
      steps.reduce<NodeDefinition[]>((definitions, step) => step.apply(exportName, definitions), [definition]);
  }
  return out;
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
    throw new ConfigurationError(
      `node({ deps }, fn) needs deps as an array of node names, got ${JSON.stringify(options?.deps)}`,
    );
  }
  const unknownOptional = (options.optional ?? []).filter((o) => !options.deps.includes(o));
  if (unknownOptional.length > 0) {
    throw new ConfigurationError(`node({ optional }) names ${unknownOptional.join(", ")}, which are not in deps`);
  }
  return withSpec(fn, { deps: options.deps, optional: options.optional ?? [] });
}
