// The Driver: runs the nodes that requested outputs need, and answers questions about the graph.
import type { Adapter, Executor, GraphCache } from "../contracts.js";
// Type only, for the default of `C`: what `dr.cache` is for a plain `Driver<N>`. The driver uses its cache through GraphCache.
import type { SmartCache } from "../caching/index.js";
import { ConfigurationError } from "../errors.js";
import type { GraphNode } from "../graph/node.js";
import { named, setNamed } from "../graph/names.js";
import { type ExecutionPlan, planExecution } from "../graph/plan.js";
import { PlanCache } from "../graph/plan-cache.js";
import { runGraph } from "./run.js";
import { randomHex } from "./random-hex.js";
import { renderDot } from "./render.js";
import type { ExecuteOptions } from "./execute-options.js";
import type { DynamicNames, OutputName, UnknownOutput } from "../output-names.js";
import { type NodeRunFacts, type VisualizeOptions, visualize } from "./visualize.js";

export type { OutputName } from "../output-names.js";

export type { ExecuteOptions } from "./execute-options.js";

/** One entry of `listAvailableVariables()`. */
export interface Variable {
  readonly name: string;
  /** "node" for functions, "input" for names only inputs can supply. */
  readonly kind: "node" | "input";
  /** Inputs only: false when some node needs it without a default. */
  readonly required: boolean;
  /** Nodes that depend on it. */
  readonly usedBy: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /** Where a modifier made the node from, if it did. */
  readonly origin: { readonly kind: string; readonly from: string } | undefined;
}

/** What a driver runs with; `C` is the cache's type as `dr.cache` returns it (withCache() makes a SmartCache). */
export interface DriverSettings<C extends GraphCache = GraphCache> {
  readonly graph: ReadonlyMap<string, GraphNode>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly adapters: readonly Adapter[];
  readonly cache: C | undefined;
  readonly maxConcurrency: number;
  /** Where ready nodes run (withExecutor); undefined runs them in this process. */
  readonly executor?: Executor | undefined;
}

/** Output values by name; `N` maps node names to result types when modules are typed. */
export type ExecuteResult<N, K extends string> = { [P in K]: P extends keyof N ? N[P] : unknown };

/** What `visualizeExecution` returns for the options given: PNG bytes, or text. */
export type Rendered<O> = O extends { format: "png" }
  ? Buffer
  : O extends { format: string }
    ? "png" extends O["format"]
      ? string | Buffer
      : string
    : string;

export class Driver<N extends Record<string, unknown> = Record<string, any>, C extends GraphCache = SmartCache<N>> {
  readonly #settings: DriverSettings<C>;
  readonly #inputNames: ReadonlySet<string>;
  readonly #plans = new PlanCache();

  constructor(settings: DriverSettings<C>) {
    this.#settings = settings;
    const inputs = new Set<string>();
    for (const node of settings.graph.values()) {
      for (const dep of node.deps) if (!settings.graph.has(dep)) inputs.add(dep);
    }
    this.#inputNames = inputs;
  }

  /** The graph's nodes by name. */
  get graph(): ReadonlyMap<string, GraphNode> {
    return this.#settings.graph;
  }

  /** The cache installed by `withCache()`. Throws when caching is off. */
  get cache(): C {
    const cache = this.#settings.cache;
    if (!cache) {
      throw new ConfigurationError("this driver has no cache: build it with new Builder().withCache() to use dr.cache");
    }
    return cache;
  }

  /**
   * Runs what `outputs` need and returns their values by name, typed from the modules' functions
   * (`out.F` is F's awaited return type; nodes `parameterize` and `extractFields` make are known too).
   * A name the types do not know is a type error; to request one anyway — an input, or a node
   * `config.when(…, { name })` renames — name every output in the type argument: `dr.execute<"F" | "D">(["F", "D"])` (`out.D` is then `unknown`). A list
   * built at run time (`string[]`) is accepted as is and gives `Record<string, unknown>`.
   */
  execute<K extends string>(
    outputs: readonly DynamicNames<K>[],
    options?: ExecuteOptions,
  ): Promise<Record<string, unknown>>;
  execute<K extends string = never>(
    outputs: readonly NoInfer<K>[],
    options?: ExecuteOptions,
  ): Promise<ExecuteResult<N, K>>;
  execute<const K extends OutputName<N> | UnknownOutput>(
    outputs: readonly K[],
    options?: ExecuteOptions,
  ): Promise<ExecuteResult<N, K>>;
  async execute<K extends string>(outputs: readonly K[], options: ExecuteOptions = {}): Promise<ExecuteResult<N, K>> {
    const { plan, inputs, overrides } = this.#prepare(outputs, options);
    const { adapters, executor } = this.#settings;
    return (await runGraph({
      // hotpath: only adapters and executors see a run id; a plain run does not make one.
      runId: adapters.length > 0 || executor !== undefined ? newRunId() : "",
      graph: this.#settings.graph,
      plan,
      outputs,
      inputs,
      overrides,
      adapters,
      maxConcurrency: this.#settings.maxConcurrency,
      executor,
    })) as ExecuteResult<N, K>;
  }

  /** Checks an execute without running anything; throws the error execute would throw. */
  validateExecution(outputs: readonly string[], options: ExecuteOptions = {}): void {
    this.#prepare(outputs, options);
  }

  /** Every node and input of the graph; with `{ tag }`, only nodes whose tags match. */
  listAvailableVariables(filter: { tag?: Readonly<Record<string, string | readonly string[]>> } = {}): Variable[] {
    const usedBy = new Map<string, string[]>();
    for (const node of this.#settings.graph.values()) {
      for (const dep of node.deps) {
        const list = usedBy.get(dep) ?? [];
        list.push(node.name);
        usedBy.set(dep, list);
      }
    }
    const variables: Variable[] = [];
    for (const node of this.#settings.graph.values()) {
      variables.push({
        name: node.name,
        kind: "node",
        required: false,
        usedBy: usedBy.get(node.name) ?? [],
        tags: node.tags,
        origin: node.origin,
      });
    }
    for (const input of this.#inputNames) {
      variables.push({
        name: input,
        kind: "input",
        required: this.#isRequired(input),
        usedBy: usedBy.get(input) ?? [],
        tags: {},
        origin: undefined,
      });
    }
    const tag = filter.tag;
    if (!tag) return variables;
    return variables.filter((v) =>
      Object.entries(tag).every(([key, wanted]) => {
        const have = named(v.tags, key);
        return have !== undefined && (typeof wanted === "string" ? have === wanted : wanted.includes(have));
      }),
    );
  }

  /** The graph's inputs: names no function provides, required unless every user has a default. */
  listInputs(): { name: string; required: boolean; usedBy: readonly string[] }[] {
    return this.listAvailableVariables()
      .filter((v) => v.kind === "input")
      .map(({ name, required, usedBy }) => ({ name, required, usedBy }));
  }

  /**
   * A picture of what `execute(outputs, options)` would run: Graphviz DOT or Mermaid text, or SVG
   * text / PNG bytes rendered by Graphviz's `dot` (a HamError says how to install it when missing).
   * With `cache: true`, nodes are coloured by the last run's outcome, with time and result size.
   */
  visualizeExecution<K extends string, O extends ExecuteOptions & VisualizeOptions = {}>(
    outputs: readonly DynamicNames<K>[],
    options?: O,
  ): Rendered<O>;
  visualizeExecution<K extends string = never>(
    outputs: readonly NoInfer<K>[],
    options: ExecuteOptions & VisualizeOptions & { format: "png" },
  ): Buffer;
  visualizeExecution<K extends string = never>(
    outputs: readonly NoInfer<K>[],
    options?: ExecuteOptions & VisualizeOptions & { format?: "dot" | "mermaid" | "svg" },
  ): string;
  visualizeExecution<const K extends OutputName<N> | UnknownOutput, O extends ExecuteOptions & VisualizeOptions = {}>(
    outputs: readonly K[],
    options?: O,
  ): Rendered<O>;
  visualizeExecution(outputs: readonly string[], options: ExecuteOptions & VisualizeOptions = {}): string | Buffer {
    const { plan } = this.#prepare(outputs, options);
    const cache = options.cache ? this.#settings.cache : undefined;
    let facts: Record<string, NodeRunFacts> | undefined;
    if (cache) {
      facts = {};
      for (const [name, record] of Object.entries(cache.lastRun)) {
        const bytes = record.fingerprint === undefined ? undefined : cache.resultBytes(record.fingerprint);
        setNamed(facts, name, { outcome: record.outcome, durationMs: record.durationMs, bytes });
      }
    }
    const format = options.format;
    const text = visualize(
      this.#settings.graph,
      plan,
      outputs,
      { ...options, format: format === "mermaid" ? "mermaid" : "dot" },
      facts,
    );
    return format === "svg" || format === "png" ? renderDot(text, format) : text;
  }

  /** Closes the cache's stores and the executor's pools or connections (stores reopen on the next execute). */
  async close(): Promise<void> {
    try {
      await this.#settings.executor?.close?.();
    } finally {
      await this.#settings.cache?.close();
    }
  }

  #isRequired(input: string): boolean {
    for (const node of this.#settings.graph.values()) {
      if (node.deps.includes(input) && !node.optionalDeps.has(input)) return true;
    }
    return false;
  }

  #prepare(
    outputs: readonly string[],
    options: ExecuteOptions,
  ): { plan: ExecutionPlan; inputs: Record<string, unknown>; overrides: Record<string, unknown> } {
    if (!Array.isArray(outputs) || outputs.some((o) => typeof o !== "string")) {
      throw new ConfigurationError(`execute(outputs) needs an array of node names, got ${describe(outputs)}`);
    }
    if (typeof options !== "object" || options === null) {
      throw new ConfigurationError(
        `execute(outputs, options) needs an options object like { inputs, overrides }, got ${describe(options)}`,
      );
    }
    const given = checkRecord("inputs", options.inputs);
    const overrides = checkRecord("overrides", options.overrides);
    const graph = this.#settings.graph;
    const inputs = { ...this.#settings.config, ...given };
    // hotpath: a plan depends only on names, so a repeated execute reuses it (graph/plan-cache.ts).
    const givenNames = Object.keys(given);
    const plan = this.#plans.plan(outputs, givenNames, Object.keys(overrides), () => {
      for (const name of givenNames) {
        if (graph.has(name)) {
          throw new ConfigurationError(
            `input "${name}" is the name of a node; to replace a node's value pass it in { overrides: { ${name}: … } } instead of inputs`,
          );
        }
      }
      return planExecution(
        graph,
        this.#inputNames,
        outputs,
        new Set(Object.keys(inputs)),
        new Set(Object.keys(overrides)),
      );
    });
    return { plan, inputs, overrides };
  }
}

function checkRecord(label: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`execute option "${label}" must be an object of name → value, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value).slice(0, 40)}`;
}

let lastRunTime = 0;

/**
 * Sortable, unique run id: time in base 36 plus random bits. The time part never repeats within a
 * process (runs started in the same millisecond take the next one), so ids sort in start order —
 * explain() relies on that to find the run before this one.
 */
export function newRunId(): string {
  lastRunTime = Math.max(Date.now(), lastRunTime + 1);
  return `${lastRunTime.toString(36).padStart(9, "0")}-${randomHex(5)}`; // hotpath: pooled random bytes
}
