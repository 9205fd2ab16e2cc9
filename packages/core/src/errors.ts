// The HamError hierarchy: every failure ham reports names what went wrong and what to do next.

export interface HamErrorOptions {
  cause?: unknown;
}

/**
 * The brand every HamError carries on its prototype. `Symbol.for` gives the same symbol in every realm
 * and every copy of @ham/core, so `isHamError` recognises errors from a worker's realm or a second
 * install, and survives a minifier renaming the classes.
 */
const HAM_ERROR = Symbol.for("ham.error");

/** Base class of every error ham throws. Messages start with `[ham]`. */
export class HamError extends Error {
  static {
    Object.defineProperty(HamError.prototype, HAM_ERROR, { value: true });
  }
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
    const causeText = errorMessage(options.cause);
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

  /**
   * `error` as a StoreError naming the store and the operation: a StoreError passes through unchanged;
   * anything else becomes one whose message is `detail: <its message>` (or just its message), with
   * the original as `cause`. The one way stores and the cache wrap a backend's failure.
   */
  static wrap(store: string, operation: string, error: unknown, detail?: string): StoreError {
    if (error instanceof StoreError) return error;
    const text = errorMessage(error);
    return new StoreError(store, operation, detail ? `${detail}: ${text}` : text, { cause: error });
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

/**
 * True for any HamError, also across realms and duplicated installs: by class, then by the brand on
 * its prototype, then by a class named "HamError" in its prototype chain. Never by message text: a
 * user's error whose message happens to start with "[ham]" is not one.
 */
export function isHamError(error: unknown): error is HamError {
  if (error instanceof HamError) return true;
  if (typeof error !== "object" || error === null) return false;
  if ((error as { [HAM_ERROR]?: unknown })[HAM_ERROR] === true) return true;
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
    if (typeof ctor === "function" && ctor.name === "HamError") return true;
  }
  return false;
}

/** The message of anything thrown: an Error's `message`, else the value as a string. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
