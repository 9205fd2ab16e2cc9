// Test support: the strict "observably equal" comparator of issue 16. Two values are equal when no
// JavaScript code could tell them apart (except by identity of their roots and of Node's Buffer pool).
import { types } from "node:util";

/**
 * The first difference JavaScript could observe between `a` and `b`, as `path: what differs`, or
 * undefined when there is none. Compares own property keys in order (symbols and non-enumerables
 * too) with their attributes, prototypes, extensibility, array length and holes, typed-array class,
 * byteOffset, length, buffer length and bytes, ArrayBuffer and DataView contents, Map and Set order,
 * Date time, RegExp source and flags, boxed primitives, -0 and NaN, and the sharing topology: two
 * places hold the same object in `a` exactly when they do in `b` (cycles included).
 *
 * A Buffer is compared by its bytes: its byteOffset and `.buffer` are Node's allocation pool, which
 * differs from run to run and holds other data (docs/caching.md); the cache returns Buffers owning
 * exactly their bytes.
 */
export function firstDifference(a: unknown, b: unknown): string | undefined {
  const aToB = new Map<object, object>();
  const bToA = new Map<object, object>();
  const queue: [unknown, unknown, string][] = [[a, b, "$"]];
  for (let i = 0; i < queue.length; i++) {
    const [x, y, path] = queue[i] as [unknown, unknown, string];
    const problem = compare(x, y, path, aToB, bToA, queue);
    if (problem !== undefined) return `${path}: ${problem}`;
  }
  return undefined;
}

/** Whether `a` and `b` are observably the same (see firstDifference). */
export function observablyEqual(a: unknown, b: unknown): boolean {
  return firstDifference(a, b) === undefined;
}

type Queue = [unknown, unknown, string][];

function compare(
  x: unknown,
  y: unknown,
  path: string,
  aToB: Map<object, object>,
  bToA: Map<object, object>,
  queue: Queue,
): string | undefined {
  if (!isObject(x) || !isObject(y)) {
    if (isObject(x) || isObject(y)) return `${describe(x)} vs ${describe(y)}`;
    return Object.is(x, y) ? undefined : `${describe(x)} vs ${describe(y)}`;
  }
  const mappedX = aToB.get(x);
  const mappedY = bToA.get(y);
  if (mappedX !== undefined || mappedY !== undefined) {
    return mappedX === y && mappedY === x
      ? undefined
      : "sharing differs: one side holds an object seen elsewhere, the other does not (or another one)";
  }
  aToB.set(x, y);
  bToA.set(y, x);
  if (typeof x === "function" || typeof y === "function") return x === y ? undefined : "different functions";
  const protoX = Object.getPrototypeOf(x) as object | null;
  if (protoX !== Object.getPrototypeOf(y)) return `prototype differs (${protoName(x)} vs ${protoName(y)})`;
  if (Object.isExtensible(x) !== Object.isExtensible(y)) return "extensibility differs";
  if (Object.isSealed(x) !== Object.isSealed(y) || Object.isFrozen(x) !== Object.isFrozen(y))
    return "sealed/frozen state differs";
  const internal = internalState(x, y, path, queue);
  if (internal !== undefined) return internal;
  return ownProperties(x, y, path, queue);
}

/** State held in internal slots, not in properties. */
function internalState(x: object, y: object, path: string, queue: Queue): string | undefined {
  if (Array.isArray(x) !== Array.isArray(y)) return "one is an array, the other not";
  if (types.isDate(x) || types.isDate(y)) {
    if (!types.isDate(x) || !types.isDate(y)) return "one is a Date, the other not";
    return Object.is(x.getTime(), y.getTime()) ? undefined : `time ${x.getTime()} vs ${y.getTime()}`;
  }
  if (types.isRegExp(x) || types.isRegExp(y)) {
    if (!types.isRegExp(x) || !types.isRegExp(y)) return "one is a RegExp, the other not";
    return x.source === y.source && x.flags === y.flags
      ? undefined
      : `RegExp /${x.source}/${x.flags} vs /${y.source}/${y.flags}`;
  }
  if (types.isBoxedPrimitive(x) || types.isBoxedPrimitive(y)) {
    if (!types.isBoxedPrimitive(x) || !types.isBoxedPrimitive(y)) return "one is a boxed primitive, the other not";
    const [vx, vy] = [unbox(x), unbox(y)];
    return Object.is(vx, vy) ? undefined : `boxed ${describe(vx)} vs ${describe(vy)}`;
  }
  if (types.isMap(x) || types.isMap(y)) {
    if (!types.isMap(x) || !types.isMap(y)) return "one is a Map, the other not";
    if (x.size !== y.size) return `Map size ${x.size} vs ${y.size}`;
    const ey = [...y];
    let i = 0;
    for (const [k, v] of x) {
      const [ky, vy] = ey[i] as [unknown, unknown];
      queue.push([k, ky, `${path}<key ${i}>`], [v, vy, `${path}<value ${i}>`]);
      i++;
    }
    return undefined;
  }
  if (types.isSet(x) || types.isSet(y)) {
    if (!types.isSet(x) || !types.isSet(y)) return "one is a Set, the other not";
    if (x.size !== y.size) return `Set size ${x.size} vs ${y.size}`;
    const iy = [...y];
    let i = 0;
    for (const item of x) queue.push([item, iy[i], `${path}<item ${i++}>`]);
    return undefined;
  }
  if (types.isAnyArrayBuffer(x) || types.isAnyArrayBuffer(y)) {
    if (!types.isAnyArrayBuffer(x) || !types.isAnyArrayBuffer(y)) return "one is an ArrayBuffer, the other not";
    const [rx, ry] = [
      x as ArrayBuffer & { resizable?: boolean; maxByteLength?: number },
      y as ArrayBuffer & { resizable?: boolean; maxByteLength?: number },
    ];
    if (rx.resizable !== ry.resizable || (rx.resizable === true && rx.maxByteLength !== ry.maxByteLength))
      return "ArrayBuffer resizability differs";
    return bytesDiffer(new Uint8Array(x), new Uint8Array(y));
  }
  if (ArrayBuffer.isView(x) || ArrayBuffer.isView(y)) {
    if (!ArrayBuffer.isView(x) || !ArrayBuffer.isView(y)) return "one is a typed array or DataView, the other not";
    if (x.byteLength !== y.byteLength) return `byteLength ${x.byteLength} vs ${y.byteLength}`;
    const bytes = bytesDiffer(
      new Uint8Array(x.buffer, x.byteOffset, x.byteLength),
      new Uint8Array(y.buffer, y.byteOffset, y.byteLength),
    );
    if (bytes !== undefined || Buffer.isBuffer(x)) return bytes;
    if (x.byteOffset !== y.byteOffset) return `byteOffset ${x.byteOffset} vs ${y.byteOffset}`;
    queue.push([x.buffer, y.buffer, `${path}.buffer`]);
    return undefined;
  }
  return undefined;
}

/** Own keys in order, each with the same attributes; data values are compared later (queued). */
function ownProperties(x: object, y: object, path: string, queue: Queue): string | undefined {
  const kx = Reflect.ownKeys(x);
  const ky = Reflect.ownKeys(y);
  const skipIndices = types.isTypedArray(x); // their elements are the bytes compared above
  if (kx.length !== ky.length) return `own keys differ: [${keyList(kx)}] vs [${keyList(ky)}]`;
  for (let i = 0; i < kx.length; i++) {
    const key = kx[i] as string | symbol;
    if (key !== ky[i]) return `own keys differ: [${keyList(kx)}] vs [${keyList(ky)}]`;
    if (skipIndices && typeof key === "string" && /^\d+$/.test(key)) continue;
    const dx = Object.getOwnPropertyDescriptor(x, key) as PropertyDescriptor;
    const dy = Object.getOwnPropertyDescriptor(y, key) as PropertyDescriptor;
    const at = `${path}${segment(key)}`;
    if (dx.enumerable !== dy.enumerable || dx.configurable !== dy.configurable || dx.writable !== dy.writable) {
      return `attributes of ${segment(key)} differ (${attributes(dx)} vs ${attributes(dy)})`;
    }
    if ("value" in dx !== "value" in dy)
      return `${segment(key)} is a data property on one side, an accessor on the other`;
    if ("value" in dx) queue.push([dx.value, dy.value, at]);
    else if (dx.get !== dy.get || dx.set !== dy.set)
      return `accessor ${segment(key)} has different getter/setter functions`;
  }
  return undefined;
}

function bytesDiffer(x: Uint8Array, y: Uint8Array): string | undefined {
  if (x.length !== y.length) return `${x.length} bytes vs ${y.length}`;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `byte ${i} is ${x[i]} vs ${y[i]}`;
  return undefined;
}

function unbox(value: object): unknown {
  return (value as { valueOf(): unknown }).valueOf.call(value);
}

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Object.is(value, -0)) return "-0";
  if (typeof value === "symbol") return String(value);
  if (typeof value === "function") return "a function";
  if (typeof value === "object" && value !== null) return `an object (${protoName(value)})`;
  return String(value);
}

function protoName(value: object): string {
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  if (proto === null) return "null prototype";
  return proto.constructor?.name ?? "anonymous prototype";
}

function attributes(d: PropertyDescriptor): string {
  return `${d.writable === undefined ? "accessor" : d.writable ? "writable" : "read-only"}, ${d.enumerable === true ? "enumerable" : "hidden"}, ${d.configurable === true ? "configurable" : "fixed"}`;
}

function keyList(keys: readonly (string | symbol)[]): string {
  const shown = keys.slice(0, 8).map((k) => (typeof k === "symbol" ? String(k) : JSON.stringify(k)));
  return keys.length > 8 ? `${shown.join(", ")}, … ${keys.length} keys` : shown.join(", ");
}

function segment(key: string | symbol): string {
  if (typeof key === "symbol") return `[${String(key)}]`;
  if (/^\d+$/.test(key)) return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
