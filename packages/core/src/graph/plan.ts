// Works out which nodes an execute needs, in dependency order, and which inputs it uses.
import { MissingInputError, UnknownNodeError } from "../errors.js";
import type { GraphNode } from "./node.js";

export interface ExecutionPlan {
  /** Nodes to run, dependencies first. */
  readonly nodes: readonly GraphNode[];
  /** External names (inputs) the run reads, given or optional. */
  readonly inputs: readonly string[];
  /** Overrides the run uses. */
  readonly overrides: readonly string[];
  /** Per node of `nodes` (same index): how many planned nodes it waits for. */
  readonly waits: readonly number[];
  /** Per node of `nodes`: the indexes of the planned nodes that wait for it. */
  readonly dependents: readonly (readonly number[])[];
  /** Per node of `nodes`: its dependencies that have a value in the run (planned nodes, overrides, given inputs). */
  readonly dependencyNames: readonly (readonly string[])[];
}

/**
 * Plans a run: only the subgraph the outputs need, cut at overrides. Throws UnknownNodeError for
 * names that mean nothing and MissingInputError for required inputs that were not given.
 */
export function planExecution(
  graph: ReadonlyMap<string, GraphNode>,
  knownInputs: ReadonlySet<string>,
  outputs: readonly string[],
  given: ReadonlySet<string>,
  overrides: ReadonlySet<string>,
): ExecutionPlan {
  for (const name of overrides) {
    if (!graph.has(name) && knownInputs.has(name)) {
      throw new UnknownNodeError(
        name,
        `override "${name}" names an input, not a node; overrides replace nodes — pass it in execute(outputs, { inputs: { ${name}: … } })`,
      );
    }
    if (!graph.has(name)) {
      throw new UnknownNodeError(
        name,
        `override "${name}" names no node${closest(name, graph.keys())}; overrides replace nodes — pass values for external inputs in { inputs }`,
      );
    }
  }
  for (const name of outputs) {
    if (!graph.has(name) && !knownInputs.has(name) && !given.has(name)) {
      throw new UnknownNodeError(
        name,
        `output "${name}" is neither a node nor an input of this dataflow${closest(name, [...graph.keys(), ...knownInputs])}; check the name, or list what exists with dr.listAvailableVariables()`,
      );
    }
  }
  const order: GraphNode[] = [];
  const usedInputs = new Set<string>();
  const usedOverrides = new Set<string>();
  const required = new Map<string, string[]>(); // input → nodes that need it
  const done = new Set<string>();
  // Iterative post-order walk, so deep chains do not overflow the stack.
  const stack: { name: string; expanded: boolean }[] = outputs.map((name) => ({ name, expanded: false })).reverse();
  while (stack.length > 0) {
    const item = stack.pop() as { name: string; expanded: boolean };
    const { name } = item;
    if (done.has(name)) continue;
    if (overrides.has(name)) {
      usedOverrides.add(name);
      done.add(name);
      continue;
    }
    const node = graph.get(name);
    if (!node) {
      usedInputs.add(name);
      done.add(name);
      continue;
    }
    if (item.expanded) {
      done.add(name);
      order.push(node);
      continue;
    }
    stack.push({ name, expanded: true });
    for (const param of node.params) {
      if (param.dep === undefined) continue;
      const dep = param.dep;
      if (!graph.has(dep) && !overrides.has(dep) && !given.has(dep) && !param.optional) {
        const needers = required.get(dep) ?? [];
        needers.push(name);
        required.set(dep, needers);
      }
      if (!done.has(dep)) stack.push({ name: dep, expanded: false });
    }
  }
  for (const name of outputs) {
    if (!graph.has(name) && !given.has(name) && required.has(name) === false && !isOptionalSomewhere(graph, name)) {
      required.set(name, []);
    }
  }
  const [missing] = required;
  if (missing) throw new MissingInputError(missing[0], missing[1]);
  return { nodes: order, inputs: [...usedInputs], overrides: [...usedOverrides], ...schedule(order, given, overrides) };
}

/** What the runner needs to start each node as soon as its dependencies are done, worked out once per plan. */
function schedule(
  order: readonly GraphNode[],
  given: ReadonlySet<string>,
  overrides: ReadonlySet<string>,
): Pick<ExecutionPlan, "waits" | "dependents" | "dependencyNames"> {
  const index = new Map<string, number>();
  order.forEach((node, i) => index.set(node.name, i));
  const waits: number[] = [];
  const dependents: number[][] = order.map(() => []);
  const dependencyNames: (readonly string[])[] = [];
  order.forEach((node, i) => {
    let count = 0;
    for (const dep of new Set(node.deps)) {
      const at = overrides.has(dep) ? undefined : index.get(dep);
      if (at === undefined) continue;
      count++;
      (dependents[at] as number[]).push(i);
    }
    waits.push(count);
    // An override or a planned node always has a value; an input only when it was given.
    dependencyNames.push(
      Object.freeze(node.deps.filter((dep) => overrides.has(dep) || index.has(dep) || given.has(dep))),
    );
  });
  return { waits, dependents, dependencyNames };
}

function isOptionalSomewhere(graph: ReadonlyMap<string, GraphNode>, name: string): boolean {
  for (const node of graph.values()) {
    if (node.optionalDeps.has(name)) return true;
  }
  return false;
}

/** " (did you mean "X"?)" for the nearest known name, or "". */
export function closest(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean "${best}"?)` : "";
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length] as number;
}
