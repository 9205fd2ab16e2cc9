// Code versions: a hash of each node's source with comments and whitespace removed, plus the
// module-level helpers, constants, classes and imports it uses (see identity/ and docs/code-identity.md).
import type { NodeInfo } from "../contracts.js";
import {
  type CodeIdentity,
  type CodeIdentityOptions,
  computeCodeIdentities,
  textCodeVersion,
} from "../identity/code-identity.js";

export type { CodeIdentity, CodeIdentityOptions };

/**
 * The code version of a node from its own text alone. Reformatting or re-commenting keeps it; any
 * token change moves it. A version pinned with `cache({ version })` replaces the source hash; it is
 * combined with the name of the function (the node name, or the function a modifier made the node
 * from) so two functions pinned to the same string never share results by accident, while the nodes
 * `parameterize` makes from one function still do.
 */
export function codeVersionOf(node: NodeInfo): string {
  return textCodeVersion(node);
}

/**
 * Code versions of a whole graph, computed once per build: each node's own text plus, transitively,
 * what it uses from its module and the project files it imports (package imports by name and version).
 */
export function codeIdentitiesOf(
  graph: ReadonlyMap<string, NodeInfo>,
  options: CodeIdentityOptions,
): Map<string, CodeIdentity> {
  return computeCodeIdentities(graph, options);
}
