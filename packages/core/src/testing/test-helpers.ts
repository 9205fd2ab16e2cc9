// fast-check arbitraries for issue 16's property tests: values of every shape JavaScript can tell apart
// (key orders, prototypes, attributes, extra props, holes, views at offsets, errors, sharing, cycles).
import fc from "fast-check";

/** A user class: its instances must be refused by the codec. */
export class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
/** A user Error subclass: refused too. */
export class AppError extends Error {}

const key = fc.constantFrom("a", "b", "c", "x", "y", "0", "7", "__proto__", "constructor", "length", "my key");
const primitive = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 0, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constantFrom(null, undefined),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
);
const TYPED = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
] as const;
const ERRORS = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError] as const;

/** Defines an own, enumerable, writable, configurable property (works for "__proto__" too). */
function put(target: object, name: string, value: unknown): void {
  if (Object.isExtensible(target) || Object.hasOwn(target, name)) {
    try {
      Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
    } catch {
      // a read-only length, a frozen property: leave it
    }
  }
}

/** Integrity levels: mostly none. */
const integrity = fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2, 3);
function seal(target: object, level: number): void {
  if (level === 1) Object.preventExtensions(target);
  if (level === 2) Object.seal(target);
  if (level === 3) Object.freeze(target);
}

const binary = fc.oneof(
  fc
    .tuple(fc.constantFrom(...TYPED), fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 5 }))
    .map(([Type, items]) => new Type(items)),
  fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
    .map(([before, length, after]) => {
      const backing = new Float64Array(before + length + after).map((_, i) => i + 0.5);
      return backing.subarray(before, before + length);
    }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => new DataView(Uint8Array.from(bytes).buffer)),
  fc
    .tuple(fc.uint8Array({ maxLength: 8 }), fc.nat(4))
    .map(
      ([bytes, offset]) => new DataView(new Uint8Array([...bytes, 0, 0, 0, 0]).buffer, Math.min(offset, bytes.length)),
    ),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Uint8Array.from(bytes).buffer),
);

const builtin = fc.oneof(
  fc.tuple(fc.integer({ min: -1e12, max: 1e12 }), fc.option(primitive, { nil: undefined })).map(([time, extra]) => {
    const date = new Date(time);
    if (extra !== undefined) put(date, "tz", extra);
    return date;
  }),
  fc
    .tuple(fc.constantFrom("a+", "^x$", "[0-9]"), fc.constantFrom("", "g", "gi", "y", "su"), fc.nat(5))
    .map(([source, flags, lastIndex]) => {
      const re = new RegExp(source, flags);
      re.lastIndex = lastIndex;
      return re;
    }),
  fc.oneof(
    fc.double().map((n) => new Number(n)),
    fc.string({ maxLength: 4 }).map((s) => new String(s)),
    fc.boolean().map((b) => new Boolean(b)),
  ),
  fc.bigInt().map((n) => Object(n) as object),
  fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)),
);

/** Values of every shape; `link` afterwards adds sharing and cycles. */
const tree = fc.letrec<{
  value: unknown;
  object: object;
  array: unknown[];
  map: Map<unknown, unknown>;
  set: Set<unknown>;
  error: Error;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    primitive,
    binary,
    builtin,
    tie("object"),
    tie("array"),
    tie("map"),
    tie("set"),
    tie("error"),
  ),
  object: fc
    .record({
      entries: fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }),
      nullProto: fc.boolean(),
      hidden: fc.option(fc.tuple(key, tie("value")), { nil: undefined }),
      getter: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
      symbol: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
      level: integrity,
    })
    .map(({ entries, nullProto, hidden, getter, symbol, level }) => {
      const target: Record<string, unknown> = nullProto ? (Object.create(null) as Record<string, unknown>) : {};
      for (const [name, value] of entries) put(target, name, value);
      if (hidden)
        Object.defineProperty(target, hidden[0], {
          value: hidden[1],
          enumerable: false,
          writable: true,
          configurable: true,
        });
      if (getter) Object.defineProperty(target, "g", { get: () => 1, enumerable: true, configurable: true });
      if (symbol) (target as Record<symbol, unknown>)[Symbol("s")] = 1;
      seal(target, level);
      return target;
    }),
  array: fc
    .record({
      items: fc.array(tie("value"), { maxLength: 5 }),
      holes: fc.array(fc.nat(5), { maxLength: 2 }),
      extra: fc.option(fc.tuple(fc.constantFrom("unit", "meta", "x"), tie("value")), { nil: undefined }),
      hiddenExtra: fc.constantFrom(false, false, false, true),
      level: integrity,
    })
    .map(({ items, holes, extra, hiddenExtra, level }) => {
      const array = [...items];
      for (const hole of holes) if (hole < array.length) delete array[hole];
      if (extra)
        Object.defineProperty(array, extra[0], {
          value: extra[1],
          enumerable: !hiddenExtra,
          writable: true,
          configurable: true,
        });
      seal(array, level);
      return array;
    }),
  map: fc
    .array(fc.tuple(fc.oneof(primitive, tie("value")), tie("value")), { maxLength: 4 })
    .map((entries) => new Map(entries)),
  set: fc.array(tie("value"), { maxLength: 4 }).map((items) => new Set(items)),
  error: fc
    .record({
      Type: fc.constantFrom(...ERRORS, AggregateError, AppError),
      message: fc.string({ maxLength: 6 }),
      code: fc.option(fc.oneof(fc.constantFrom("ENOENT", "EACCES"), fc.integer()), { nil: undefined }),
      name: fc.option(fc.constantFrom("AbortError", "HttpError"), { nil: undefined }),
      cause: fc.option(tie("value"), { nil: undefined }),
      dropStack: fc.boolean(),
    })
    .map(({ Type, message, code, name, cause, dropStack }) => {
      const options = cause === undefined ? undefined : { cause };
      const error =
        Type === AggregateError
          ? new AggregateError([1, "two"], message, options)
          : new (Type as ErrorConstructor)(message, options);
      if (code !== undefined) put(error, "code", code);
      if (name !== undefined) error.name = name;
      if (dropStack) delete (error as { stack?: string }).stack;
      return error;
    }),
}));

/** Containers that can take one more property (for sharing and cycles). */
function containers(root: unknown): object[] {
  const found: object[] = [];
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (
      typeof value !== "object" ||
      value === null ||
      seen.has(value) ||
      ArrayBuffer.isView(value) ||
      value instanceof ArrayBuffer
    )
      return;
    seen.add(value);
    const proto = Object.getPrototypeOf(value) as unknown;
    if ((proto === Object.prototype || proto === null || Array.isArray(value)) && Object.isExtensible(value))
      found.push(value);
    if (value instanceof Map) for (const [k, v] of value) visit(k), visit(v);
    else if (value instanceof Set) for (const item of value) visit(item);
    else for (const name of Reflect.ownKeys(value)) visit(Object.getOwnPropertyDescriptor(value, name)?.value);
  };
  visit(root);
  return found;
}

/** Values of every shape, with sharing (one object in two places) and cycles added by links. */
export const observableValues: fc.Arbitrary<unknown> = fc
  .tuple(tree.value, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom("s", "t", "loop")), { maxLength: 3 }))
  .map(([value, links]) => {
    const targets = containers(value);
    if (targets.length > 0)
      for (const [from, to, name] of links)
        put(targets[from % targets.length] as object, name, targets[to % targets.length]);
    return value;
  });

/** Every ArrayBuffer view and ArrayBuffer reachable from `value` (through properties, Maps and Sets). */
export function binaryIn(value: unknown): (ArrayBufferView | ArrayBuffer)[] {
  const found: (ArrayBufferView | ArrayBuffer)[] = [];
  const seen = new Set<unknown>();
  const visit = (item: unknown): void => {
    if (typeof item !== "object" || item === null || seen.has(item)) return;
    seen.add(item);
    if (ArrayBuffer.isView(item) || item instanceof ArrayBuffer) found.push(item);
    if (item instanceof Map) for (const [k, v] of item) visit(k), visit(v);
    else if (item instanceof Set) for (const x of item) visit(x);
    if (!ArrayBuffer.isView(item))
      for (const name of Reflect.ownKeys(item)) visit(Object.getOwnPropertyDescriptor(item, name)?.value);
  };
  visit(value);
  return found;
}

/** Every object reachable from `value` (through own properties, Map entries and Set items), once. */
export function objectsIn(value: unknown): object[] {
  const found: object[] = [];
  const seen = new Set<unknown>();
  const visit = (item: unknown): void => {
    if (typeof item !== "object" || item === null || seen.has(item)) return;
    seen.add(item);
    found.push(item);
    if (item instanceof Map) for (const [k, v] of item) visit(k), visit(v);
    else if (item instanceof Set) for (const x of item) visit(x);
    if (!ArrayBuffer.isView(item))
      for (const name of Reflect.ownKeys(item)) visit(Object.getOwnPropertyDescriptor(item, name)?.value);
  };
  visit(value);
  return found;
}

/** What `mutate` changed, on which kind of object ("extra property on Map"). */
export interface Mutation {
  readonly change:
    | "key order"
    | "extra property"
    | "prototype"
    | "hidden property"
    | "-0"
    | "order"
    | "sharing"
    | "freeze"
    | "lastIndex"
    | "error code";
  readonly kind: string;
}

/**
 * Changes one thing JavaScript can observe in `copy` (a private copy of a generated value): key order,
 * prototype, an extra or hidden property, -0, Map/Set order, sharing, frozen state, lastIndex, error
 * props. `which` picks the object, `how` the change; undefined when nothing applied.
 */
export function mutate(copy: unknown, which: number, how: number): Mutation | undefined {
  const objects = objectsIn(copy).filter((o) => Object.isExtensible(o) && !ArrayBuffer.isView(o));
  if (objects.length === 0) return undefined;
  const target = objects[which % objects.length] as Record<string, unknown>;
  const keys = Reflect.ownKeys(target).filter(
    (k): k is string => typeof k === "string" && Object.getOwnPropertyDescriptor(target, k)?.configurable === true,
  );
  const proto = Object.getPrototypeOf(target) as { constructor?: { name?: string } } | null;
  const plain = proto === Object.prototype || proto === null;
  const kind =
    proto === null
      ? "null-prototype object"
      : Array.isArray(target)
        ? "Array"
        : plain
          ? "Object"
          : (proto.constructor?.name ?? "?");
  const did = (change: Mutation["change"]): Mutation => ({ change, kind });
  switch (how % 9) {
    case 0: // reverse key order
      if (!plain || keys.length < 2) return undefined;
      for (const k of [...keys].reverse()) {
        const d = Object.getOwnPropertyDescriptor(target, k) as PropertyDescriptor;
        delete target[k];
        Object.defineProperty(target, k, d);
      }
      return did("key order");
    case 1: // an extra property (on arrays, errors, dates… too)
      put(target, "unit", "kg");
      return did("extra property");
    case 2: // flip the prototype of a plain object
      if (!plain) return undefined;
      Object.setPrototypeOf(target, proto === null ? Object.prototype : null);
      return did("prototype");
    case 3: {
      // hide a property
      const k = keys.find(
        (name) => Object.getOwnPropertyDescriptor(target, name)?.enumerable === true && !/^\d+$/.test(name),
      );
      if (k === undefined) return undefined;
      Object.defineProperty(target, k, { enumerable: false });
      return did("hidden property");
    }
    case 4: {
      // 0 becomes -0 (or -0 becomes 0)
      const k = keys.find((name) => typeof target[name] === "number" && target[name] === 0);
      if (k === undefined) return undefined;
      target[k] = Object.is(target[k], -0) ? 0 : -0;
      return did("-0");
    }
    case 5: // Map / Set order
      if (target instanceof Map && target.size > 1) {
        const entries = [...target].reverse();
        target.clear();
        for (const [k, v] of entries) target.set(k, v);
        return did("order");
      }
      if (target instanceof Set && target.size > 1) {
        const items = [...target].reverse();
        target.clear();
        for (const item of items) target.add(item);
        return did("order");
      }
      return undefined;
    case 6: {
      // share: point a property at another object of the value
      const k = keys.find((name) => typeof target[name] === "object" && target[name] !== null);
      const other = objects[(which + 1) % objects.length];
      if (k === undefined || other === undefined || other === target[k]) return undefined;
      target[k] = other;
      return did("sharing");
    }
    case 7:
      Object.freeze(target);
      return did("freeze");
    default:
      if (target instanceof RegExp) {
        target.lastIndex += 1;
        return did("lastIndex");
      }
      if (target instanceof Error) {
        put(target, "code", `${String(target.code)}!`);
        return did("error code");
      }
      return undefined;
  }
}
