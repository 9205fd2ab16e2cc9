// Runs a planned execution: nodes start as soon as their dependencies finish, through the adapters' hooks.
import type { Adapter, Executor, ExecutorTask, GraphExecuteContext, NodeExecuteContext } from "../contracts.js";
import { ConfigurationError, HamError, NodeExecutionError, StoreError } from "../errors.js";
import { callArguments, finishResult, invokeNode, runsOnMain } from "../execution/call.js";
import type { GraphNode } from "../graph/node.js";
import { hasName, named, setNamed } from "../graph/names.js";
import type { ExecutionPlan } from "../graph/plan.js";
import { nodeValueOf } from "../files/file-input.js";
import { isDeferred, materialize, materializeAll } from "../execution/deferred.js";
import { Semaphore } from "./semaphore.js";

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
  const { plan, adapters, runId } = request;
  const values = new Map<string, unknown>();
  // Nodes receive a file()'s path; the cache sees the file() in the contexts' inputs and overrides.
  for (const name of plan.inputs) if (hasName(request.inputs, name)) values.set(name, nodeValueOf(request.inputs[name]));
  for (const name of plan.overrides) values.set(name, nodeValueOf(named(request.overrides, name)));

  const graphContext: GraphExecuteContext = {
    runId,
    outputs: request.outputs,
    nodes: plan.nodes,
    inputs: request.inputs,
    overrides: request.overrides,
    graph: request.graph,
  };
  const hooks = collectHooks(adapters);
  let results: Record<string, unknown> = {};
  let failure: unknown;
  const completed: string[] = [];
  try {
    for (const hook of hooks.beforeGraph) await hook(graphContext);
    await runNodes(request, values, hooks, completed);
    results = {};
    // Outputs load together: the cache reads their results in one batch (ResultStore.getMany).
    const loaded = await materializeAll(request.outputs.map((name) => values.get(name)));
    request.outputs.forEach((name, i) => setNamed(results, name, loaded[i]));
  } catch (error) {
    // A deferred result (a cache hit) whose load had to recompute the node, and failed, surfaces here.
    failure = error instanceof NodeFailure ? executionError(error, completed) : error;
  }
  for (const hook of hooks.afterGraph) {
    try {
      await hook({ ...graphContext, success: failure === undefined, results, error: failure });
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
  return results;
}

interface Hooks {
  beforeGraph: NonNullable<Adapter["beforeGraphExecute"]>[];
  beforeNode: NonNullable<Adapter["beforeNodeExecute"]>[];
  doNode: Adapter[];
  afterNode: NonNullable<Adapter["afterNodeExecute"]>[];
  afterGraph: NonNullable<Adapter["afterGraphExecute"]>[];
}

function collectHooks(adapters: readonly Adapter[]): Hooks {
  const bind = <K extends keyof Adapter>(key: K) =>
    adapters.filter((a) => typeof a[key] === "function").map((a) => (a[key] as (...args: never[]) => unknown).bind(a)) as never;
  return {
    beforeGraph: bind("beforeGraphExecute"),
    beforeNode: bind("beforeNodeExecute"),
    doNode: adapters.filter((a) => typeof a.doNodeExecute === "function"),
    afterNode: bind("afterNodeExecute"),
    afterGraph: bind("afterGraphExecute"),
  };
}

async function runNodes(request: RunRequest, values: Map<string, unknown>, hooks: Hooks, completed: string[]): Promise<void> {
  const { plan, runId } = request;
  const semaphore = Number.isFinite(request.maxConcurrency) ? new Semaphore(request.maxConcurrency) : undefined;
  const pending = new Map<string, Promise<void>>();
  let firstFailure: NodeFailure | HamError | undefined;
  let stopped = false;

  const runOne = async (node: GraphNode): Promise<void> => {
    if (stopped) return;
    const wait = semaphore?.acquire();
    if (wait) await wait;
    try {
      if (stopped) return;
      const context = nodeContext(runId, node, values);
      let result: unknown;
      let error: unknown;
      let success = false;
      try {
        for (const hook of hooks.beforeNode) await hook(context);
        result = await callThroughAdapters(hooks.doNode, 0, context, node, values, request.executor);
        success = true;
      } catch (caught) {
        error = caught;
      }
      for (const hook of hooks.afterNode) {
        const shown = error instanceof NodeFailure ? error.cause : error;
        await hook({ ...context, success, result: isDeferred(result) ? undefined : result, deferred: isDeferred(result), error: shown });
      }
      if (!success) throw error;
      values.set(node.name, result);
      completed.push(node.name);
    } catch (error) {
      if (!stopped) {
        stopped = true;
        firstFailure = error instanceof NodeFailure || error instanceof HamError ? error : new NodeFailure(node.name, error);
      }
      throw error;
    } finally {
      if (semaphore) semaphore.release();
    }
  };

  for (const node of plan.nodes) {
    const deps: Promise<void>[] = [];
    for (const dep of node.deps) {
      const p = pending.get(dep);
      if (p) deps.push(p);
    }
    const ready = deps.length === 0 ? Promise.resolve() : deps.length === 1 ? (deps[0] as Promise<void>) : Promise.all(deps);
    pending.set(node.name, ready.then(() => runOne(node)));
  }
  await Promise.allSettled(pending.values());
  if (firstFailure instanceof NodeFailure) throw executionError(firstFailure, completed);
  if (firstFailure) throw firstFailure;
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

function nodeContext(runId: string, node: GraphNode, values: Map<string, unknown>): NodeExecuteContext {
  const dependencyNames = node.deps.filter((dep) => values.has(dep));
  let loaded: Promise<Record<string, unknown>> | undefined;
  const context: TimedContext = {
    runId,
    node,
    dependencyNames,
    ownTimeMs() {
      return context[OWN_TIME];
    },
    inputs() {
      loaded ??= (async () => {
        const out: Record<string, unknown> = {};
        const loadedDeps = await materializeAll(dependencyNames.map((dep) => values.get(dep))); // one batch, see above
        dependencyNames.forEach((dep, i) => setNamed(out, dep, loadedDeps[i]));
        return out;
      })();
      return loaded;
    },
  };
  return context;
}

function callThroughAdapters(
  adapters: readonly Adapter[],
  index: number,
  context: NodeExecuteContext,
  node: GraphNode,
  values: Map<string, unknown>,
  executor: Executor | undefined,
): Promise<unknown> {
  const adapter = adapters[index];
  if (!adapter) return executor && !runsOnMain(node) ? callExecutor(executor, node, context, values) : callNode(node, context);
  return (adapter.doNodeExecute as NonNullable<Adapter["doNodeExecute"]>).call(adapter, context, () =>
    callThroughAdapters(adapters, index + 1, context, node, values, executor),
  );
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
async function callExecutor(executor: Executor, node: GraphNode, context: NodeExecuteContext, values: Map<string, unknown>): Promise<unknown> {
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
