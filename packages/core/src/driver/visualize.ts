// Renders what an execute would run as Graphviz DOT or Mermaid text, optionally coloured by cache outcome.
import type { NodeOutcome, RunRecord } from "../contracts.js";
import type { GraphNode } from "../graph/node.js";
import { named } from "../graph/names.js";
import type { ExecutionPlan } from "../graph/plan.js";

export interface VisualizeOptions {
  /**
   * "dot" (Graphviz text, the default), "mermaid" (text for Markdown, no install), or a picture
   * rendered by Graphviz's `dot` program: "svg" (text) or "png" (a Buffer). See docs/visualization.md.
   */
  format?: "dot" | "mermaid" | "svg" | "png";
  /** Colour nodes by the last cached run's outcome (hit, computed, …), with each node's time and result size when known. */
  cache?: boolean;
}

/** What the picture shows of a node's last run. */
export interface NodeRunFacts {
  readonly outcome: NodeOutcome;
  readonly durationMs?: number;
  /** Encoded size of the stored result in bytes, when the cache knows it. */
  readonly bytes?: number | undefined;
}

type Kind = "node" | "input" | "override";

/** Fill colour of each outcome in pictures (and in `ham ui`). */
export const OUTCOME_COLORS: Readonly<Record<NodeOutcome, string>> = {
  hit: "#a7e3a1",
  computed: "#f7c77e",
  recomputed: "#f29e6d",
  disabled: "#d0d0d0",
  failed: "#f08080",
  override: "#c6b6f2",
  input: "#ffffff",
};

interface Item {
  name: string;
  kind: Kind;
  output: boolean;
  label: string;
  outcome: NodeOutcome | undefined;
  /** "hit · 2ms · 1.2 kB": the run facts shown under the name. */
  facts: string;
}

/** Text of the execution graph in the chosen format. */
export function visualize(
  graph: ReadonlyMap<string, GraphNode>,
  plan: ExecutionPlan,
  outputs: readonly string[],
  options: VisualizeOptions,
  lastRun: Readonly<Record<string, NodeRunFacts>> | undefined,
): string {
  const outputSet = new Set(outputs);
  const items: Item[] = [];
  const add = (name: string, kind: Kind) => {
    const node = graph.get(name);
    const origin = node?.origin ? `\n(${node.origin.kind} of ${node.origin.from})` : "";
    const run = lastRun ? named(lastRun, name) : undefined;
    items.push({
      name,
      kind,
      output: outputSet.has(name),
      label: `${name}${origin}`,
      outcome: run?.outcome,
      facts: run ? describeRun(run) : "",
    });
  };
  for (const name of plan.inputs) add(name, "input");
  for (const name of plan.overrides) add(name, "override");
  for (const node of plan.nodes) add(node.name, "node");
  const edges: [string, string][] = [];
  for (const node of plan.nodes)
    for (const dep of node.deps) if (items.some((i) => i.name === dep)) edges.push([dep, node.name]);
  return options.format === "mermaid" ? mermaid(items, edges) : dot(items, edges);
}

/**
 * DOT text of a run from its history record alone (no graph needed, e.g. for `ham ui`): each
 * node coloured by outcome with its time and result size (`bytes`), edges from the recorded deps
 * (older records without them: the input names that are nodes of the run).
 */
export function visualizeRun(
  run: RunRecord,
  bytes: (fingerprint: string) => number | undefined = () => undefined,
): string {
  const outputs = new Set(run.outputs);
  const names = new Set(run.nodes.map((n) => n.node));
  const items: Item[] = run.nodes.map((n) => ({
    name: n.node,
    kind: n.outcome === "input" ? "input" : n.outcome === "override" ? "override" : "node",
    output: outputs.has(n.node),
    label: n.node,
    outcome: n.outcome,
    facts: describeRun({
      outcome: n.outcome,
      durationMs: n.durationMs,
      bytes: n.fingerprint === undefined ? undefined : bytes(n.fingerprint),
    }),
  }));
  const edges: [string, string][] = [];
  for (const n of run.nodes) {
    for (const dep of n.deps ?? Object.keys(n.inputFingerprints ?? {})) if (names.has(dep)) edges.push([dep, n.node]);
  }
  return dot(items, edges);
}

function dot(items: Item[], edges: [string, string][]): string {
  const lines = ["digraph ham {", "  rankdir=LR;", '  node [fontname="Helvetica"];'];
  for (const item of items) {
    const attrs: string[] = [`label=${quote(item.label + (item.facts ? `\n${item.facts}` : ""))}`];
    if (item.kind === "input") attrs.push("shape=parallelogram", "style=dashed");
    else if (item.kind === "override") attrs.push("shape=box", 'style="filled,dashed"', 'fillcolor="#c6b6f2"');
    else
      attrs.push(
        "shape=box",
        'style="rounded,filled"',
        `fillcolor="${item.outcome ? OUTCOME_COLORS[item.outcome] : "#ffffff"}"`,
      );
    if (item.output) attrs.push("penwidth=3");
    lines.push(`  ${quote(item.name)} [${attrs.join(", ")}];`);
  }
  for (const [from, to] of edges) lines.push(`  ${quote(from)} -> ${quote(to)};`);
  lines.push("}");
  return lines.join("\n");
}

function mermaid(items: Item[], edges: [string, string][]): string {
  const ids = new Map(items.map((item, index) => [item.name, `n${index}`]));
  const lines = ["flowchart LR"];
  for (const item of items) {
    const id = ids.get(item.name) as string;
    const label = (item.label + (item.facts ? `\n${item.facts}` : "")).replace(/"/g, "#quot;").replace(/\n/g, "<br/>");
    if (item.kind === "input") lines.push(`  ${id}[/"${label}"/]`);
    else if (item.kind === "override") lines.push(`  ${id}{{"${label}"}}`);
    else lines.push(`  ${id}("${label}")`);
  }
  for (const [from, to] of edges) lines.push(`  ${ids.get(from)} --> ${ids.get(to)}`);
  lines.push(
    "  classDef input stroke-dasharray: 4 4;",
    "  classDef override fill:#c6b6f2;",
    "  classDef output stroke-width:3px;",
  );
  for (const [outcome, color] of Object.entries(OUTCOME_COLORS)) lines.push(`  classDef ${outcome} fill:${color};`);
  for (const item of items) {
    const id = ids.get(item.name) as string;
    const classes = [
      item.kind === "node" ? undefined : item.kind,
      item.output ? "output" : undefined,
      item.kind === "node" ? item.outcome : undefined,
    ].filter(Boolean);
    for (const cls of classes) lines.push(`  class ${id} ${cls};`);
  }
  return lines.join("\n");
}

/** "computed · 12ms · 3.4 kB" (inputs and overrides: just the outcome). */
function describeRun(run: NodeRunFacts): string {
  const parts: string[] = [run.outcome];
  if (run.outcome !== "input" && run.outcome !== "override" && run.durationMs !== undefined)
    parts.push(formatMs(run.durationMs));
  if (run.bytes !== undefined) parts.push(formatBytes(run.bytes));
  return parts.join(" · ");
}

function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
