// Public API of @ham/executor-bullmq, listed by name.
export { BullMQExecutor, type BullMQExecutorOptions, type BullMQRunEvent } from "./bullmq-executor.js";
export { runWorker, type RunWorkerOptions, type HamWorker } from "./worker.js";
export { runWorkerCli, WORKER_USAGE } from "./worker-cli.js";
export type { NodeJobData, NodeJobResult, RedisConnection } from "./job.js";
