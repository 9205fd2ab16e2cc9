// Public API of @ham/executor-threads, listed by name.
export { ThreadExecutor, type ThreadExecutorOptions, type ThreadRunEvent } from "./thread-executor.js";
