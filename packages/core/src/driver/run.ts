// Runs a planned execution: nodes start as soon as their dependencies finish, through the adapters' hooks.
import type {
  Adapter,
  Executor,
  ExecutorTask,
  GraphExecuteContext,
  NodeExecuteContext,
  NodeResultContext,
} from "../contracts.js";
import { ConfigurationError, HamError, NodeExecutionError, StoreError } from "../errors.js";
import { callArguments, callArgumentsFrom, finishResult, invokeNode, runsOnMain } from "../execution/call.js";
import type { GraphNode } from "../graph/node.js";
import { hasName, named, setNamed } from "../graph/names.js";
import type { ExecutionPlan } from "../graph/plan.js";
import { nodeValueOf } from "../files/file-input.js";
import { isDeferred, isThenable, materialize, materializeAll } from "../execution/deferred.js";
import { EXECUTE_NOW, executesNow, promised } from "../execution/execute-now.js";

export interface RunRequest {
  readonly runId: string;
  readonly graph: ReadonlyMap<string, GraphNode>;
  readonly plan: ExecutionPlan;
  readonly outputs: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly adapters: readonly Adapter[];
  readonly maxConcurrency: number;
  /** Where ready nodes run (withExecutor); undefined runs them in this process. */
  readonly executor?: Executor | undefined;
}

/** Thrown inside a node's call chain to carry the user's error out to the run. */
class NodeFailure extends Error {
  constructor(
    readonly node: string,
    override readonly cause: unknown,
  ) {
    super(`node "${node}" failed`);
  }
}

/** Executes the plan and returns the requested outputs (deferred results loaded). */
export async function runGraph(request: RunRequest): Promise<Record<string, unknown>> {
  const { plan, runId } = request;
  const values = new Map<string, unknown>();
  // Nodes receive a file()'s path; the cache sees the file() in the contexts' inputs and overrides.
  for (const name of plan.inputs)
    if (hasName(request.inputs, name)) values.set(name, nodeValueOf(request.inputs[name]));
  for (const name of plan.overrides) values.set(name, nodeValueOf(named(request.overrides, name)));

  const graphContext: GraphExecuteContext = {
    runId,
    outputs: request.outputs,
    nodes: plan.nodes,
    inputs: request.inputs,
    overrides: request.overrides,
    graph: request.graph,
  };
  const hooks = collectHooks(request.adapters);
  let results: Record<string, unknown> = {};
  let failure: unknown;
  const completed: string[] = [];
  try {
    for (const adapter of hooks.beforeGraph) await adapter.beforeGraphExecute?.(graphContext);
    const running = runNodes(request, values, hooks, completed);
    if (running) await running;
    // Outputs load together: the cache reads their results in one batch (ResultStore.getMany).
    const pending = valuesOf(request.outputs, values);
    results = byName(request.outputs, pending.some(mustAwait) ? await materializeAll(pending) : pending);
  } catch (error) {
    // A deferred result (a cache hit) whose load had to recompute the node, and failed, surfaces here.
    failure = error instanceof NodeFailure ? executionError(error, completed) : error;
  }
  for (const adapter of hooks.afterGraph) {
    try {
      await adapter.afterGraphExecute?.(
        Object.assign({}, graphContext, { success: failure === undefined, results, error: failure }),
      );
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return results;
}

/** The adapters that have each hook, in order (called as methods, so `this` is the adapter). */
interface Hooks {
  beforeGraph: Adapter[];
  beforeNode: Adapter[];
  doNode: Adapter[];
  afterNode: Adapter[];
  afterGraph: Adapter[];
}

function collectHooks(adapters: readonly Adapter[]): Hooks {
  const hooks: Hooks = { beforeGraph: [], beforeNode: [], doNode: [], afterNode: [], afterGraph: [] };
  for (const adapter of adapters) {
    if (typeof adapter.beforeGraphExecute === "function") hooks.beforeGraph.push(adapter);
    if (typeof adapter.beforeNodeExecute === "function") hooks.beforeNode.push(adapter);
    if (typeof adapter.doNodeExecute === "function") hooks.doNode.push(adapter);
    if (typeof adapter.afterNodeExecute === "function") hooks.afterNode.push(adapter);
    if (typeof adapter.afterGraphExecute === "function") hooks.afterGraph.push(adapter);
  }
  return hooks;
}

/** True for a value a node must not receive as it is: a deferred result (loaded first) or a thenable (awaited first). */
function mustAwait(value: unknown): boolean {
  return isThenable(value) || isDeferred(value);
}

/**
 * Starts every node once its dependencies are done (at most `maxConcurrency` at once) and settles
 * when all are done, or, after a failure, when the nodes already running have finished — nothing
 * new starts then. Returns undefined when every node ran synchronously: a run of synchronous nodes
 * without node hooks makes no promise and no closure per node.
 */
function runNodes(
  request: RunRequest,
  values: Map<string, unknown>,
  hooks: Hooks,
  completed: string[],
): Promise<void> | undefined {
  return new NodeRunner(request, values, hooks, completed).run();
}

/** One run's scheduling state (a class, not closures: nothing is allocated per node that the run does not need). */
class NodeRunner {
  readonly #request: RunRequest;
  readonly #plan: ExecutionPlan;
  readonly #values: Map<string, unknown>;
  readonly #hooks: Hooks;
  readonly #completed: string[];
  /** Per node: planned dependencies not done yet. */
  readonly #waits: number[];
  /** Nodes whose dependencies are done, in the order they became ready; `#next` is the first not started. */
  readonly #ready: number[] = [];
  /** No node hooks and no executor: the runner calls node functions itself. */
  readonly #direct: boolean;
  #next = 0;
  #running = 0;
  #draining = false;
  #failure: NodeFailure | HamError | undefined;
  #done: (() => void) | undefined;

  constructor(request: RunRequest, values: Map<string, unknown>, hooks: Hooks, completed: string[]) {
    this.#request = request;
    this.#plan = request.plan;
    this.#values = values;
    this.#hooks = hooks;
    this.#completed = completed;
    this.#waits = request.plan.waits.slice();
    this.#direct =
      hooks.beforeNode.length === 0 &&
      hooks.doNode.length === 0 &&
      hooks.afterNode.length === 0 &&
      request.executor === undefined;
    for (let i = 0; i < this.#waits.length; i++) if (this.#waits[i] === 0) this.#ready.push(i);
  }

  run(): Promise<void> | undefined {
    this.#drain();
    if (this.#running === 0) return this.#outcome();
    return new Promise<void>((resolve) => {
      this.#done = resolve;
    }).then(() => this.#outcome());
  }

  #outcome(): undefined {
    const failure = this.#failure;
    if (failure instanceof NodeFailure) throw executionError(failure, this.#completed);
    if (failure) throw failure;
    return undefined;
  }

  #drain(): void {
    this.#draining = true;
    const ready = this.#ready;
    while (this.#next < ready.length && this.#running < this.#request.maxConcurrency && this.#failure === undefined) {
      const index = ready[this.#next++] as number;
      this.#running++;
      if (this.#direct) this.#call(index);
      else void this.#runHooked(index);
    }
    this.#draining = false;
    // Nothing running now means nothing more will start: every node is done, or a failure stopped the rest.
    if (this.#running === 0) this.#done?.();
  }

  #finish(index: number, value: unknown): void {
    const name = this.#plan.nodes[index]!.name;
    this.#values.set(name, value);
    this.#completed.push(name);
    this.#running--;
    const waits = this.#waits;
    for (const dependent of this.#plan.dependents[index] as readonly number[]) {
      if (--(waits[dependent] as number) === 0) this.#ready.push(dependent);
    }
    if (!this.#draining) this.#drain();
  }

  #fail(index: number, error: unknown): void {
    this.#running--;
    this.#failure ??=
      error instanceof NodeFailure || error instanceof HamError
        ? error
        : new NodeFailure(this.#plan.nodes[index]!.name, error);
    if (!this.#draining) this.#drain();
  }

  /** Calls the node's function here, synchronously when it returns a value. */
  #call(index: number): void {
    const node = this.#plan.nodes[index]!;
    const values = this.#values;
    for (const name of this.#plan.dependencyNames[index] as readonly string[]) {
      // A dependency to load or await first: the general path does that.
      if (mustAwait(values.get(name))) return void this.#runHooked(index);
    }
    let returned: unknown;
    try {
      returned = (node.fn as (...args: unknown[]) => unknown)(...callArgumentsFrom(node, values));
      if (!isThenable(returned)) return this.#finish(index, finishResult(node, returned));
    } catch (error) {
      return this.#fail(index, new NodeFailure(node.name, error));
    }
    void this.#settle(index, node, returned);
  }

  /** An async node's value once it settles (an async method, not callbacks made per node: see execution/pending.ts). */
  async #settle(index: number, node: GraphNode, returned: unknown): Promise<void> {
    let value: unknown;
    try {
      value = finishResult(node, await returned);
    } catch (error) {
      return this.#fail(index, new NodeFailure(node.name, error));
    }
    this.#finish(index, value);
  }

  /** Runs node `index` through the hooks; a value known at once finishes it at once (as #call does). */
  #runHooked(index: number): void {
    let value: unknown;
    try {
      value = runOne(
        this.#request,
        this.#plan.nodes[index]!,
        this.#plan.dependencyNames[index] as readonly string[],
        this.#values,
        this.#hooks,
      );
    } catch (error) {
      return this.#fail(index, error);
    }
    if (!isThenable(value)) return this.#finish(index, value);
    void this.#settleHooked(index, value);
  }

  async #settleHooked(index: number, value: unknown): Promise<void> {
    let settled: unknown;
    try {
      settled = await value;
    } catch (error) {
      return this.#fail(index, error);
    }
    this.#finish(index, settled);
  }
}

/**
 * One node through the adapters' hooks (or on the executor): its value, or a promise of it when
 * anything on the way answers with a promise; a synchronous throw, or a rejection, is its failure.
 * hotpath: a cache hit known at once (EXECUTE_NOW) goes through every hook without a promise.
 */
function runOne(
  request: RunRequest,
  node: GraphNode,
  dependencyNames: readonly string[],
  values: Map<string, unknown>,
  hooks: Hooks,
): unknown {
  const context = nodeContext(request.runId, node, dependencyNames, values);
  return beforeFrom(0, { request, node, values, hooks, context });
}

/** One node's call through the hooks: what its steps share. */
interface NodeCall {
  readonly request: RunRequest;
  readonly node: GraphNode;
  readonly values: Map<string, unknown>;
  readonly hooks: Hooks;
  readonly context: DriverContext;
}

/**
 * The beforeNodeExecute hooks from `start` on, then the node (runAdapters): at once while each hook
 * answers at once; a hook's promise is awaited before the next hook. A hook's throw or rejection goes
 * to the after hooks as the node's failure.
 */
function beforeFrom(start: number, call: NodeCall): unknown {
  const { hooks, context } = call;
  try {
    for (let i = start; i < hooks.beforeNode.length; i++) {
      const returned = hooks.beforeNode[i]!.beforeNodeExecute?.(context);
      if (isThenable(returned))
        return Promise.resolve(returned).then(
          () => beforeFrom(i + 1, call),
          (error) => afterNode(hooks, context, false, undefined, error),
        );
    }
  } catch (error) {
    return afterNode(hooks, context, false, undefined, error);
  }
  return runAdapters(call);
}

/** The doNodeExecute chain, then the afterNodeExecute hooks: the value, or a promise of it. */
function runAdapters({ request, node, values, hooks, context }: NodeCall): unknown {
  let result: unknown;
  try {
    result = callThroughAdapters(hooks.doNode, 0, context, node, values, request.executor);
  } catch (error) {
    return afterNode(hooks, context, false, undefined, error);
  }
  if (!isThenable(result)) return afterNode(hooks, context, true, result, undefined);
  return afterSettled(hooks, context, result);
}

/** The after hooks once the node's promise settles (an async function, not callbacks made per node: see execution/pending.ts). */
async function afterSettled(hooks: Hooks, context: DriverContext, result: unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = await result;
  } catch (error) {
    return afterNode(hooks, context, false, undefined, error);
  }
  return afterNode(hooks, context, true, value, undefined);
}

/**
 * The afterNodeExecute hooks, then the node's value (or its error, thrown): at once when every hook
 * answers at once, else a promise.
 */
function afterNode(hooks: Hooks, context: DriverContext, success: boolean, result: unknown, error: unknown): unknown {
  const adapters = hooks.afterNode;
  if (adapters.length > 0) {
    // One object of one shape for every node and adapter (a spread or Object.assign made two per node and adapter).
    const deferred = isDeferred(result);
    const after: NodeResultContext = {
      runId: context.runId,
      node: context.node,
      dependencyNames: context.dependencyNames,
      inputs: context.inputs,
      ownTimeMs: context.ownTimeMs,
      success,
      result: deferred ? undefined : result,
      deferred,
      error: error instanceof NodeFailure ? error.cause : error,
    };
    return afterFrom(0, adapters, after, success, result, error);
  }
  if (!success) throw error;
  return result;
}

/**
 * The afterNodeExecute hooks from `start` on, then the node's value (or its error, thrown): at once
 * while each hook answers at once; a hook's promise is awaited before the next hook.
 */
function afterFrom(
  start: number,
  adapters: readonly Adapter[],
  after: NodeResultContext,
  success: boolean,
  result: unknown,
  error: unknown,
): unknown {
  for (let i = start; i < adapters.length; i++) {
    const returned = adapters[i]!.afterNodeExecute?.(after);
    if (isThenable(returned))
      return Promise.resolve(returned).then(() => afterFrom(i + 1, adapters, after, success, result, error));
  }
  if (!success) throw error;
  return result;
}

/**
 * The user-facing error for a node's failure. The failed node is left out of `completed`: a cache
 * hit counts as completed until its result must be recomputed on load and that fails.
 */
function executionError(failure: NodeFailure, completed: readonly string[]): NodeExecutionError {
  return new NodeExecutionError(
    failure.node,
    completed.filter((name) => name !== failure.node),
    { cause: failure.cause },
  );
}

/** Where a context the driver made keeps its node call's own time (see NodeExecuteContext.ownTimeMs). */
const OWN_TIME = Symbol("ham.ownTimeMs");
type TimedContext = NodeExecuteContext & { [OWN_TIME]?: number };
/** The context the driver makes for a node call: it always has ownTimeMs. */
type DriverContext = TimedContext & { ownTimeMs(): number | undefined };

function nodeContext(
  runId: string,
  node: GraphNode,
  dependencyNames: readonly string[],
  values: Map<string, unknown>,
): DriverContext {
  let loaded: Promise<Record<string, unknown>> | undefined;
  const context: DriverContext = {
    runId,
    node,
    dependencyNames,
    ownTimeMs() {
      return context[OWN_TIME];
    },
    inputs() {
      loaded ??= loadInputs(dependencyNames, values);
      return loaded;
    },
  };
  return context;
}

/** A node's dependency values by name, every deferred one loading in one batch (see runGraph). */
async function loadInputs(
  dependencyNames: readonly string[],
  values: Map<string, unknown>,
): Promise<Record<string, unknown>> {
  return byName(dependencyNames, await materializeAll(valuesOf(dependencyNames, values)));
}

/** The values of `names`, in order, as the run holds them (deferred or promised ones as they are). */
function valuesOf(names: readonly string[], values: Map<string, unknown>): unknown[] {
  const out = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i++) out[i] = values.get(names[i] as string);
  return out;
}

/** `names[i]` → `list[i]`, as a record (hotpath: loops, not callbacks made per call). */
function byName(names: readonly string[], list: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) setNamed(out, names[i] as string, list[i]);
  return out;
}

function callThroughAdapters(
  adapters: readonly Adapter[],
  index: number,
  context: NodeExecuteContext,
  node: GraphNode,
  values: Map<string, unknown>,
  executor: Executor | undefined,
): unknown {
  const adapter = adapters[index];
  if (!adapter)
    return executor && !runsOnMain(node) ? callExecutor(executor, node, context, values) : callNode(node, context);
  // Every adapter's next() returns a promise, whatever the adapters after it answer with.
  const next = () => promised(() => callThroughAdapters(adapters, index + 1, context, node, values, executor));
  if (executesNow(adapter)) return adapter[EXECUTE_NOW](context, next);
  return (adapter.doNodeExecute as NonNullable<Adapter["doNodeExecute"]>).call(adapter, context, next);
}

/** Calls the user's function with its dependency values and bound values. */
async function callNode(node: GraphNode, context: NodeExecuteContext): Promise<unknown> {
  const inputs = await context.inputs();
  try {
    return await invokeNode(node, inputs, (ms) => {
      (context as TimedContext)[OWN_TIME] = ms;
    });
  } catch (error) {
    throw new NodeFailure(node.name, error);
  }
}

/** Hands the node to the executor; its failures become the node's (store and setup errors pass as they are). */
async function callExecutor(
  executor: Executor,
  node: GraphNode,
  context: NodeExecuteContext,
  values: Map<string, unknown>,
): Promise<unknown> {
  const task: ExecutorTask = {
    runId: context.runId,
    node,
    dependencyNames: context.dependencyNames,
    inputs: () => context.inputs(),
    // One dependency, without loading the others (issue 20: a worker's results stay unread).
    input: async (name) => (context.dependencyNames.includes(name) ? materialize(values.get(name)) : undefined),
    args: async () => callArguments(node, await context.inputs()),
    finish: (returned) => finishResult(node, returned),
    transformsResult: node.transform !== undefined,
    runHere: () => callNode(node, context),
  };
  const started = performance.now();
  try {
    return await executor.execute(task);
  } catch (error) {
    if (error instanceof NodeFailure || error instanceof StoreError || error instanceof ConfigurationError) throw error;
    throw new NodeFailure(node.name, error);
  } finally {
    // runHere measured the call itself; otherwise the hand-off is all this process saw.
    const timed = context as TimedContext;
    if (timed[OWN_TIME] === undefined) timed[OWN_TIME] = performance.now() - started;
  }
}
