// How a node's function is called: its arguments from dependency values, and its value from what it returns.
import type { NodeInfo } from "../contracts.js";
import type { GraphNode } from "../graph/node.js";
import { hasName, named, setNamed } from "../graph/names.js";
import { isThenable } from "./deferred.js";

/** The function's call arguments in order: positional values, or one object for a destructuring node. */
export function callArguments(node: GraphNode, inputs: Readonly<Record<string, unknown>>): unknown[] {
  return argumentsOf(node, inputs, fromRecord);
}

/** `callArguments` read from the run's values by name (the driver's own path: no record is built). */
export function callArgumentsFrom(node: GraphNode, values: ReadonlyMap<string, unknown>): unknown[] {
  return argumentsOf(node, values, fromMap);
}

/** A dependency's value from where the values are; undefined when it has none. */
type ValueOf<S> = (source: S, dep: string) => unknown;
const fromRecord: ValueOf<Readonly<Record<string, unknown>>> = (inputs, dep) =>
  hasName(inputs, dep) ? inputs[dep] : undefined;
const fromMap: ValueOf<ReadonlyMap<string, unknown>> = (values, dep) => values.get(dep);

function argumentsOf<S>(node: GraphNode, source: S, read: ValueOf<S>): unknown[] {
  const params = node.params;
  if (node.style === "object") {
    // Every parameter is an own property (undefined when absent), so a destructuring default applies
    // even for names Object.prototype has (`({ valueOf = 1 })`), also after a structured clone.
    const arg: Record<string, unknown> = {};
    for (const param of params)
      setNamed(
        arg,
        param.name,
        param.dep === undefined ? named(node.boundValues, param.name) : read(source, param.dep),
      );
    return [arg];
  }
  const args: unknown[] = [];
  for (const param of params)
    args.push(param.dep === undefined ? named(node.boundValues, param.name) : read(source, param.dep));
  return args;
}

/** The node's value from the function's (awaited) return value: modifiers' transforms applied. */
export function finishResult(node: GraphNode, returned: unknown): unknown {
  return node.transform ? node.transform(returned) : returned;
}

/**
 * Calls the node's function with these dependency values and returns the node's value. `onOwnTime`
 * receives the function's own time in ms: for a synchronous function the call itself (so nodes
 * started together do not count each other's work); for one returning a promise, wall time from the
 * call until the promise settles, which overlaps whatever else ran meanwhile.
 */
export async function invokeNode(
  node: GraphNode,
  inputs: Readonly<Record<string, unknown>>,
  onOwnTime?: (ms: number) => void,
): Promise<unknown> {
  const fn = node.fn as (...args: unknown[]) => unknown;
  const args = callArguments(node, inputs);
  const started = performance.now();
  let result = fn(...args);
  if (isThenable(result)) {
    try {
      result = await result;
    } finally {
      onOwnTime?.(performance.now() - started);
    }
    return finishResult(node, result);
  }
  const value = finishResult(node, result);
  onOwnTime?.(performance.now() - started);
  return value;
}

/**
 * True when a node must run in the driver's process whatever the executor: it is tagged
 * `executor: "main"` (it holds handles, sockets, open files…), or it only picks a field of its
 * parent's value (extractFields), which is cheaper than any hand-off.
 */
export function runsOnMain(node: NodeInfo): boolean {
  return node.runsOn === "main";
}
