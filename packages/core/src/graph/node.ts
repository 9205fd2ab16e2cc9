// GraphNode: a node as the driver runs it (NodeInfo plus how its function is called).
import type { NodeInfo } from "../contracts.js";
import type { CallStyle } from "./parse.js";

export type { ParamInfo } from "../contracts.js";

/** A node as the driver runs it. */
export interface GraphNode extends NodeInfo {
  readonly style: CallStyle;
  readonly transform: ((result: unknown) => unknown) | undefined;
  /** True when dependencies were declared (node({ deps })) rather than read from the source. */
  readonly explicitDeps: boolean;
}
