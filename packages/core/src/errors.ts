// The HamError hierarchy: every failure ham reports names what went wrong and what to do next.

export interface HamErrorOptions {
  cause?: unknown;
}

/** Base class of every error ham throws. Messages start with `[ham]`. */
export class HamError extends Error {
  override name = "HamError";
  constructor(message: string, options: HamErrorOptions = {}) {
    super(message.startsWith("[ham]") ? message : `[ham] ${message}`, options);
  }
}

/** A required input was not given and no function provides it. */
export class MissingInputError extends HamError {
  override name = "MissingInputError";
  constructor(
    readonly input: string,
    readonly neededBy: readonly string[],
    options: HamErrorOptions = {},
  ) {
    super(
      `${neededBy.length > 0 ? `node ${neededBy.map((n) => `"${n}"`).join(", ")} needs` : "the run needs"} input "${input}", which no function provides and no input was given: pass it in execute(outputs, { inputs: { ${input}: … } }) or add a function named ${input}`,
      options,
    );
  }
}

/** A name was asked for (output, override, tag…) that is neither a node nor an input. */
export class UnknownNodeError extends HamError {
  override name = "UnknownNodeError";
  constructor(
    readonly node: string,
    message: string,
    options: HamErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** The graph has a cycle; `cycle` lists it in order, first node repeated last. */
export class CycleError extends HamError {
  override name = "CycleError";
  constructor(
    readonly cycle: readonly string[],
    options: HamErrorOptions = {},
  ) {
    super(
      `the dataflow has a cycle: ${cycle.join(" -> ")}; a node cannot depend on itself, directly or through others — rename a parameter or split the function`,
      options,
    );
  }
}

/** Two functions define the same node name. */
export class DuplicateNodeError extends HamError {
  override name = "DuplicateNodeError";
  constructor(
    readonly node: string,
    message: string,
    options: HamErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** A node's function threw (or rejected). `cause` is the user's error. */
export class NodeExecutionError extends HamError {
  override name = "NodeExecutionError";
  constructor(
    readonly node: string,
    readonly completed: readonly string[],
    options: HamErrorOptions & { message?: string } = {},
  ) {
    const causeText = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      options.message ??
        `node "${node}" failed: ${causeText}. Nodes that completed before it: ${completed.length > 0 ? completed.join(", ") : "(none)"}; fix the function or its inputs and run again (completed results stay cached)`,
      options,
    );
  }
}

/** A store or repository failed; names the store and the operation. */
export class StoreError extends HamError {
  override name = "StoreError";
  constructor(
    readonly store: string,
    readonly operation: string,
    message: string,
    options: HamErrorOptions = {},
  ) {
    super(`store "${store}" failed to ${operation}: ${message}`, options);
  }
}

/** A value could not be fingerprinted or a fingerprinter misbehaved. */
export class FingerprintError extends HamError {
  override name = "FingerprintError";
}

/** Options given to the builder, a store, a modifier or the cache are invalid. */
export class ConfigurationError extends HamError {
  override name = "ConfigurationError";
}

/** True for any HamError, also across realms and duplicated installs (checks the name chain). */
export function isHamError(error: unknown): error is HamError {
  if (error instanceof HamError) return true;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string" &&
    (error as { message: string }).message.startsWith("[ham]")
  );
}
