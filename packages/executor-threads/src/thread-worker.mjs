// Runs one node's function in a worker thread: imports the node's module by URL (once per thread) and
// calls the export with the arguments the driver sent. Plain JavaScript, no @ham/core: a thread loads
// it as it is, from src/ or dist/.
import { threadId } from "node:worker_threads";

const modules = new Map();

export default async function runNode({ moduleUrl, exportName, node, args }) {
  let loading = modules.get(moduleUrl);
  if (!loading) {
    loading = import(moduleUrl);
    modules.set(moduleUrl, loading);
  }
  const module = await loading;
  const fn = module[exportName];
  if (typeof fn !== "function") {
    throw new Error(`[ham] worker thread ${threadId}: module ${moduleUrl} has no exported function "${exportName}" for node "${node}"; is it the module the driver was built with?`);
  }
  const started = performance.now();
  const value = await fn(...args);
  return { value, threadId, durationMs: performance.now() - started };
}
