// The default executor: runs every node in the driver's process, as if no executor were set.
import type { Executor, ExecutorTask } from "../contracts.js";

/** Runs nodes in this process. Other executors can hand nodes they decline to it. */
export class InProcessExecutor implements Executor {
  readonly name = "in-process";

  execute(task: ExecutorTask): Promise<unknown> {
    return task.runHere();
  }
}
