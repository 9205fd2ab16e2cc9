// Helpers the modifiers share: describing bad arguments and refusing a modifier applied twice.
import { ConfigurationError } from "../errors.js";
import { type AnyFunction, type Expansion, specOf } from "../graph/node-spec.js";

/** Rejects a second application of the same expanding modifier (their meaning would be ambiguous). */
export function assertOnce(fn: AnyFunction, step: Expansion): Expansion {
  if (typeof fn === "function" && specOf(fn).expansions?.some((s) => s.kind === step.kind)) {
    throw new ConfigurationError(
      `${step.kind} was applied twice to function "${fn.name || "(anonymous)"}"; merge both into one ${step.kind}({ … }) call`,
    );
  }
  return step;
}

/** A short description of a bad argument for error messages (never the whole value). */
export function describeArgument(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "function") return `the function ${value.name || "(anonymous)"}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** True for `{ … }` literals and Object.create(null) objects. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
