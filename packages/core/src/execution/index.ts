// Executors: the in-process default and the helpers executor packages share with the driver.
export { InProcessExecutor } from "./in-process.js";
export { callArguments, finishResult, invokeNode, runsOnMain } from "./call.js";
