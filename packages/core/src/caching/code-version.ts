// Code versions: a hash of each node's source with comments and whitespace removed.
import { hashString } from "../fingerprint/bytes.js";
import type { GraphNode } from "../graph/graph.js";
import { normalizeSource } from "../graph/parse.js";

/**
 * The code version of a node. Reformatting or re-commenting keeps it; any token change moves it.
 * A version pinned with `cache({ version })` replaces the source hash; it is combined with the node
 * name so two nodes pinned to the same string never share results by accident.
 */
export function codeVersionOf(node: GraphNode): string {
  const pinned = node.cache?.version;
  if (pinned !== undefined) return hashString(`pinned\u0000${node.name}\u0000${pinned}`);
  return hashString(normalizeSource(node.source));
}
