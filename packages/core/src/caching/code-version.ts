// Code versions: a hash of each node's source with comments and whitespace removed.
import { hashString } from "../fingerprint/bytes.js";
import type { GraphNode } from "../graph/graph.js";
import { normalizeSource } from "../graph/parse.js";

/**
 * The code version of a node. Reformatting or re-commenting keeps it; any token change moves it.
 * A version pinned with `cache({ version })` replaces the source hash; it is combined with the name
 * of the function (the node name, or the function a modifier made the node from) so two functions
 * pinned to the same string never share results by accident, while the nodes `parameterize` makes
 * from one function still do.
 */
export function codeVersionOf(node: GraphNode): string {
  const pinned = node.cache?.version;
  if (pinned !== undefined) return hashString(`pinned\u0000${node.origin?.from ?? node.name}\u0000${pinned}`);
  return hashString(normalizeSource(node.source));
}
