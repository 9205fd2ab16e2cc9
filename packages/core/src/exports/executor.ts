/**
 * `@ham/core/executor`: what an executor package (threads, BullMQ) is written against — the Executor
 * contract and the helpers the driver's own executor uses to call a node.
 *
 * @experimental The executor contract is being reshaped (what executors need now lives on `NodeInfo`
 * and `ExecutorTask`); expect changes in a minor release.
 * @packageDocumentation
 */
export type { Executor, ExecutorCache, ExecutorSetup, ExecutorTask } from "../contracts.js";
export type { GraphNode, ParamInfo } from "../graph/graph.js";
export { callArguments, finishResult, invokeNode, runsOnMain } from "../execution/call.js";
export {
  reportedResult,
  isReportedResult,
  ReportedResult,
  type ReportedResultInit,
} from "../caching/reported-result.js";
