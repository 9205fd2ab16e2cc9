// A node that changes one of its inputs in place (`rows.sort()`, `Object.assign(cfg, …)`,
// `xs[i] /= total`) makes a fresh run's value of that input differ from the value its fingerprint,
// and its cached result, were taken from: a later hit on the input would return it unchanged. So
// after a computed node returns, the object inputs it received are fingerprinted again; a node that
// changed one is not cached (it runs, and changes the input, on every run, as in a fresh run).
// Values with a part a custom fingerprinter handles (tables) are not taken again: that would
// serialise them once more; table libraries return new tables rather than change one in place.
import type { Fingerprint, NodeInfo } from "../contracts.js";
import { hasName, named } from "../graph/names.js";
import type { CacheParts } from "./cache-parts.js";
import type { GraphBinding } from "./graph-binding.js";
import { containsFileInput } from "../files/index.js";
import { isUniqueFingerprint } from "./unique.js";

/**
 * The first dependency of `node` whose value (as the node received it, in `values`) no longer has
 * the fingerprint its key was made from, or undefined. Primitives cannot change; dependencies left
 * out of the key (ignore), values that got a unique fingerprint and values with a part a custom
 * fingerprinter (or file()) handles are not looked at.
 */
export function changedInput(
  parts: CacheParts,
  binding: GraphBinding,
  node: NodeInfo,
  inputFingerprints: Readonly<Record<string, Fingerprint>>,
  values: Readonly<Record<string, unknown>>,
  isOverride: (name: string) => boolean,
): string | undefined {
  for (const param of node.params) {
    const dep = param.dep;
    if (dep === undefined || !hasName(values, dep)) continue;
    const value = named(values, dep);
    if ((typeof value !== "object" || value === null) && typeof value !== "function") continue;
    const recorded = named(inputFingerprints, param.name);
    if (recorded === undefined || isUniqueFingerprint(recorded)) continue;
    // Fingerprinted as its recorded fingerprint was: a node's result with the node's mode, an input's
    // or override's value without one (run-inputs.ts).
    const upstream = isOverride(dep) ? undefined : binding.node(dep);
    if (upstream === undefined && containsFileInput(value)) continue;
    const mode = upstream?.cache?.fingerprint;
    const now = parts.fingerprinter.plainFingerprint(value, mode !== undefined ? { node: dep, mode } : { node: dep });
    if (now !== undefined && now !== recorded) return dep;
  }
  return undefined;
}

/** The warning, and the record's reason, for a node that changed its input `dep` in place. */
export function changedInputReason(node: string, dep: string): string {
  return `node "${node}" changed its input "${dep}" in place while it ran, so a cached "${dep}" would not show the change a fresh run shows: "${node}" is not cached, and runs (changing "${dep}") on every run. To cache it, change a copy instead (e.g. [...${dep}].sort(), structuredClone(${dep}))`;
}
