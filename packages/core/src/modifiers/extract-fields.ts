// extractFields: a node returning an object also exposes each listed field as its own node.
import { ConfigurationError, HamError } from "../errors.js";
import { type Expansion, type NodeDefinition, withSpec } from "../graph/node-spec.js";
import type { MakesNodes } from "./made-nodes.js";
import { assertOnce, describeArgument, isPlainObject } from "./shared.js";

/** What a field may be declared as: a built-in constructor (Number, String, …) or any class. */
export type FieldType = abstract new (...args: never[]) => unknown;

/** The value type a declared field type stands for (Number → number, a class → its instances). */
export type FieldValue<T> = T extends NumberConstructor
  ? number
  : T extends StringConstructor
    ? string
    : T extends BooleanConstructor
      ? boolean
      : T extends BigIntConstructor
        ? bigint
        : T extends SymbolConstructor
          ? symbol
          : T extends ArrayConstructor
            ? unknown[]
            : T extends ObjectConstructor
              ? object
              : T extends abstract new (
                    ...args: never[]
                  ) => infer I
                ? I
                : unknown;

/** The object a function wrapped by `extractFields(fields)` must return. */
export type FieldValues<Fields> = { [K in keyof Fields]: FieldValue<Fields[K]> };

/**
 * `extractFields({ mean: Number, std: Number })(stats)`: the node `stats` stays (its value is the
 * whole object) and `mean` and `std` become nodes of their own. A field node stores nothing: its
 * value is read from the parent's result, so the cache keeps one stored result for all of them.
 */
export function extractFields<
  const Fields extends Readonly<Record<string, FieldType | BigIntConstructor | SymbolConstructor>>,
>(fields: Fields) {
  const checked = checkFields(fields);
  // The type lists the field nodes it makes, so execute(["mean"]) needs no type argument.
  return <F extends (...args: never[]) => FieldValues<Fields> | PromiseLike<FieldValues<Fields>>>(
    fn: F,
  ): F & MakesNodes<FieldValues<Fields>> => {
    const step: Expansion = {
      kind: "extractFields",
      order: 20,
      apply: (exportName, definitions) => expand(exportName, definitions, checked),
    };
    return withSpec(fn, { expansions: [assertOnce(fn, step)] }) as F & MakesNodes<FieldValues<Fields>>;
  };
}

/** The field nodes read their parent's value as it is; `transform` picks and checks the field. */
const passThrough = (parent: unknown): unknown => parent;

function expand(
  exportName: string,
  definitions: readonly NodeDefinition[],
  fields: Record<string, Function>,
): NodeDefinition[] {
  if (definitions.length !== 1) {
    throw new ConfigurationError(
      `extractFields on function "${exportName}": it is parameterized into ${definitions.length} nodes (${definitions.map((d) => d.name).join(", ")}), and each would expose the fields ${Object.keys(fields).join(", ")} under the same names; extract fields in one function per parameterization instead`,
    );
  }
  const parent = definitions[0] as NodeDefinition;
  const fieldNodes = Object.entries(fields).map(
    ([field, type]): NodeDefinition => ({
      name: field,
      fn: passThrough,
      deps: [parent.name],
      optional: [],
      // The field name and declared type are part of the field node's code version.
      sourceSuffix: `extractFields:${field}:${type.name}`,
      transform: (result) => pickField(parent.name, field, type, result),
      ...(parent.tags ? { tags: parent.tags } : {}),
      origin: { kind: "extractFields", from: parent.name },
      cachedThrough: parent.name,
    }),
  );
  return [parent, ...fieldNodes];
}

function pickField(parent: string, field: string, type: Function, result: unknown): unknown {
  if (typeof result !== "object" || result === null) {
    throw new HamError(
      `extractFields: node "${parent}" returned ${describeArgument(result)}, not an object, so field "${field}" cannot be extracted; return an object with the fields listed in extractFields({ … })`,
    );
  }
  if (!hasField(result, field)) {
    const has = Object.keys(result).slice(0, 10);
    throw new HamError(
      `extractFields: node "${parent}" returned an object without field "${field}" (it has ${has.length > 0 ? has.join(", ") : "no fields"}); return "${field}" from "${parent}" or remove it from extractFields({ … })`,
    );
  }
  const value = (result as Record<string, unknown>)[field];
  if (!matches(value, type)) {
    throw new HamError(
      `extractFields: field "${field}" of node "${parent}" is ${kindOf(value)}, but extractFields declares it as ${type.name || "a class"}; return that type or change the declaration`,
    );
  }
  return value;
}

/**
 * True when `result` has `field` itself or from its class (a getter on a prototype), but not
 * only from Object.prototype: a field named `valueOf` or `toString` must really be returned.
 */
function hasField(result: object, field: string): boolean {
  for (let o: object | null = result; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, field)) return true;
  }
  return false;
}

function matches(value: unknown, type: Function): boolean {
  switch (type) {
    case Number:
      return typeof value === "number";
    case String:
      return typeof value === "string";
    case Boolean:
      return typeof value === "boolean";
    case BigInt:
      return typeof value === "bigint";
    case Symbol:
      return typeof value === "symbol";
    case Array:
      return Array.isArray(value);
    case Object:
      return typeof value === "object" && value !== null;
    case Function:
      return typeof value === "function";
    default:
      return value instanceof type;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an instance of ${(value as object).constructor?.name ?? "Object"}`;
  return `a ${typeof value}`;
}

function checkFields(fields: unknown): Record<string, Function> {
  if (!isPlainObject(fields) || Object.keys(fields).length === 0) {
    throw new ConfigurationError(
      `extractFields(fields) needs an object of field name → type, like { mean: Number, label: String }, got ${describeArgument(fields)}`,
    );
  }
  for (const [field, type] of Object.entries(fields)) {
    if (typeof type !== "function") {
      throw new ConfigurationError(
        `extractFields: field "${field}" is declared as ${describeArgument(type)}; declare a type such as Number, String, Boolean, Array, Object or a class`,
      );
    }
  }
  return fields as Record<string, Function>;
}
