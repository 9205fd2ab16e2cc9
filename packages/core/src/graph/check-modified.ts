// Build-time checks of what modifiers made: source() targets, and needs that only other configs provide.
import { ConfigurationError } from "../errors.js";
import { describeCondition, show } from "./conditions.js";
import type { GraphNode } from "./node.js";
import type { NodeDefinition, NodeSpec } from "./node-spec.js";
import { closest } from "./plan.js";

/** A function that config.when / config.whenNot left out of the graph under the build's config. */
export interface ExcludedFunction {
  readonly exportName: string;
  readonly spec: NodeSpec;
}

/**
 * Throws a ConfigurationError naming the function and the fix when a parameterized node's
 * `source("x")` names nothing the graph has, or when a node needs a name that only a function
 * excluded by the config would provide (a config typo, or a config no variant covers).
 */
export function checkModifiedGraph(
  nodes: ReadonlyMap<string, GraphNode>,
  excluded: readonly ExcludedFunction[],
  config: Readonly<Record<string, unknown>>,
): void {
  const elsewhere = excludedProviders(excluded);
  const known = (name: string) => nodes.has(name) || Object.prototype.hasOwnProperty.call(config, name);
  for (const node of nodes.values()) {
    for (const param of node.params) {
      const dep = param.dep;
      if (dep === undefined || known(dep)) continue;
      const isSource = dep !== param.name && node.origin?.kind === "parameterize";
      const providers = elsewhere.get(dep);
      if (providers) {
        if (param.optional && !isSource) continue;
        throw new ConfigurationError(
          `node "${node.name}" needs "${dep}"${isSource ? ` (bound with source("${dep}") by parameterize on "${node.origin?.from}")` : ""}, which only exists when ${providers.map((p) => `${p.condition} (function "${p.exportName}")`).join(", or when ")}; ${describeConfig(providers, config)} — fix the config (withConfig) or add a function for "${dep}" that covers it`,
        );
      }
      if (isSource) {
        throw new ConfigurationError(
          `parameterize on function "${node.origin?.from}": node "${node.name}" binds parameter "${param.name}" to source("${dep}"), but no node is named "${dep}"${closest(dep, [...nodes.keys(), ...Object.keys(config)])}; source() must name a node or a withConfig key — for a value known up front use value(…)`,
        );
      }
    }
  }
}

interface Provider {
  exportName: string;
  condition: string;
  keys: string[];
}

/** Node name → the excluded functions that would provide it, with their conditions in words. */
function excludedProviders(excluded: readonly ExcludedFunction[]): Map<string, Provider[]> {
  const out = new Map<string, Provider[]>();
  for (const { exportName, spec } of excluded) {
    const conditions = spec.conditions ?? [];
    const provider: Provider = {
      exportName,
      condition: conditions.length > 0 ? conditions.map(describeCondition).join(" and ") : "its config condition holds",
      keys: [...new Set(conditions.flatMap((c) => Object.keys(c.values)))],
    };
    for (const name of namesOf(exportName, spec)) {
      const list = out.get(name) ?? [];
      list.push(provider);
      out.set(name, list);
    }
  }
  return out;
}

/** The node names a function would make if it were included. */
function namesOf(exportName: string, spec: NodeSpec): string[] {
  const base: NodeDefinition = {
    name: spec.name ?? exportName,
    fn: spec.fn,
    ...(spec.deps ? { deps: spec.deps } : {}),
  };
  try {
    return (spec.expand ? spec.expand(exportName, base) : [base]).map((d) => d.name);
  } catch {
    // The function is not part of this build: its own mistakes are reported when a config includes it.
    return [base.name];
  }
}

/** `config has region = "us"`, or `config has no "region" but has regoin = "eu" (a typo for "region"?)`. */
function describeConfig(providers: readonly Provider[], config: Readonly<Record<string, unknown>>): string {
  const keys = [...new Set(providers.flatMap((p) => p.keys))];
  const given = Object.keys(config);
  return keys
    .map((key) => {
      if (Object.prototype.hasOwnProperty.call(config, key)) return `config has ${key} = ${show(config[key])}`;
      const near = given.find((candidate) => closest(key, [candidate]) !== "");
      if (near !== undefined)
        return `config has no "${key}" but has ${near} = ${show(config[near])} (a typo for "${key}"?)`;
      return `config has no "${key}"${given.length > 0 ? ` (it has ${given.join(", ")})` : " (withConfig() did not set it)"}`;
    })
    .join("; ");
}
