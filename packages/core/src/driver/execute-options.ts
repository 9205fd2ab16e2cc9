// What `execute` (and `visualizeExecution`, `renderExecution`) take besides the outputs.

/** What `execute` takes besides the outputs. */
export interface ExecuteOptions {
  /** Values for names no function provides (config values are included automatically). */
  inputs?: Readonly<Record<string, unknown>>;
  /** Values that replace nodes: their upstream does not run. */
  overrides?: Readonly<Record<string, unknown>>;
}
