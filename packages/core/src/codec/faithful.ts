// One walk over a value before v8 serializes it: finds what v8 would not give back as it was, and
// either plans a patch that restores it on decode (see patches.ts) or refuses the value, naming where.
import { types } from "node:util";
import { hasExtraKeys, packedPrimitives } from "./v8-shapes.js";
import {
  type Patch,
  ERROR_PROTOTYPES,
  FLAG_CONFIGURABLE,
  FLAG_ENUMERABLE,
  FLAG_WRITABLE,
  Integrity,
  PROTO_NULL,
} from "./patches.js";

/** Why a value cannot be cached faithfully, and where inside it (`$.rows[3].err`). */
export interface Unfaithful {
  readonly path: string;
  /** What sits there ("Point", "An accessor property (getter/setter)"). */
  readonly what: string;
  readonly why: string;
}

/** The patches to store beside the value (undefined when v8 alone gives it back), or why it is refused. */
export type FaithfulPlan =
  | { readonly patches: Patch[] | undefined; readonly refused?: undefined }
  | { readonly refused: Unfaithful };

const gopd = Object.getOwnPropertyDescriptor;
const TYPED_ARRAY_PROTOTYPES = new Set<unknown>(
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ].map((type) => type.prototype),
);
/** Built-in types v8 keeps (besides plain objects, arrays, errors and binary data), each with its brand check. */
const LEAVES = new Map<unknown, (value: object) => boolean>([
  [Date.prototype, types.isDate],
  [RegExp.prototype, types.isRegExp],
  [Map.prototype, types.isMap],
  [Set.prototype, types.isSet],
  [Number.prototype, types.isNumberObject],
  [String.prototype, types.isStringObject],
  [Boolean.prototype, types.isBooleanObject],
  [BigInt.prototype, types.isBigIntObject],
]);

/** A refusal found by the walk (where: in WalkState.path, tracked by the second walk only). */
class Refusal {
  constructor(
    readonly what: string,
    readonly why: string,
  ) {}
}

/**
 * Walks `value` once (shared objects and cycles visited once) and returns the patches that make
 * `decode(encode(value))` observably equal to it, or the first part of it that cannot be kept.
 * Path strings are built only when a refusal needs one, by walking again.
 */
export function planFaithful(value: unknown): FaithfulPlan {
  const fast = walk(value, false);
  if (!("refusal" in fast)) return fast;
  const slow = walk(value, true);
  const { refusal, path } = "refusal" in slow ? slow : fast;
  return { refused: { path, what: refusal.what, why: refusal.why } };
}

function walk(
  root: unknown,
  withPaths: boolean,
): { patches: Patch[] | undefined } | { refusal: Refusal; path: string } {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  const paths: string[] | undefined = withPaths ? ["$"] : undefined;
  const state: WalkState = { patches: undefined, claims: undefined, stack, paths, path: "$" };
  while (stack.length > 0) {
    const current = stack.pop();
    state.path = paths?.pop() ?? "$";
    const refusal = visit(current, seen, state);
    if (refusal !== undefined) return { refusal, path: state.path };
  }
  return { patches: state.patches };
}

interface WalkState {
  patches: Patch[] | undefined;
  /** Byte ranges of ArrayBuffers claimed by views and ArrayBuffers met so far (only when there are any). */
  claims: Map<ArrayBufferLike, [start: number, end: number][]> | undefined;
  readonly stack: unknown[];
  readonly paths: string[] | undefined;
  path: string;
}

function visit(value: unknown, seen: Set<object>, state: WalkState): Refusal | undefined {
  if (typeof value !== "object" || value === null) {
    if (typeof value === "function") return new Refusal("A function", "functions cannot be stored");
    if (typeof value === "symbol") return new Refusal(`A symbol (${String(value)})`, "symbols cannot be stored");
    return undefined;
  }
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (types.isProxy(value)) return new Refusal("A Proxy", "proxies cannot be stored");
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return plainObject(value, proto, state);
  if (Array.isArray(value)) return proto === Array.prototype ? array(value, state) : classInstance(value);
  if (ArrayBuffer.isView(value)) return view(value, proto, state);
  if (types.isArrayBuffer(value) && proto === ArrayBuffer.prototype) {
    return claim(value, 0, value.byteLength, true, state) ?? leaf(value, state, 0);
  }
  const errorIndex = ERROR_PROTOTYPES.indexOf(proto);
  if (errorIndex >= 0 && types.isNativeError(value)) return error(value, errorIndex, state);
  const brand = LEAVES.get(proto);
  if (brand?.(value)) {
    if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        pushEntry(state, k, "key", i);
        pushEntry(state, v, "value", i++);
      }
    } else if (value instanceof Set) {
      let i = 0;
      for (const item of value) pushEntry(state, item, "item", i++);
    }
    return leaf(value, state, types.isStringObject(value) ? (value as string).length : 0);
  }
  return classInstance(value);
}

function plainObject(value: object, proto: object | null, state: WalkState): Refusal | undefined {
  const keys = Reflect.ownKeys(value);
  let special = !Object.isExtensible(value);
  for (const key of keys) {
    const flags = dataFlags(value, key, state);
    if (flags instanceof Refusal) return flags;
    if (flags !== FLAG_WRITABLE + FLAG_ENUMERABLE + FLAG_CONFIGURABLE) special = true;
  }
  if (special) addPatch(state, [value, proto === null ? PROTO_NULL : -1, propsOf(value, keys), integrityOf(value)]);
  else if (proto === null) addPatch(state, [value, PROTO_NULL, 0, Integrity.Extensible]);
  return undefined;
}

/** Flags of an own data property (pushing its value), or a refusal for symbol keys and accessors. */
function dataFlags(value: object, key: string | symbol, state: WalkState): number | Refusal {
  if (typeof key === "symbol")
    return new Refusal(`A symbol-keyed property ${segment(key)}`, "symbol keys cannot be stored");
  const d = gopd(value, key) as PropertyDescriptor;
  if (d.writable === undefined) {
    state.path = `${state.path}${segment(key)}`;
    return new Refusal(
      "An accessor property (getter/setter)",
      "the cache would store one value read from it, not the accessor",
    );
  }
  push(state, d.value, key);
  return flagsOf(d);
}

function array(value: unknown[], state: WalkState): Refusal | undefined {
  if (value.length > 16 && packedPrimitives(value)) return arrayKeys(value, state, value.length);
  const frozen = Object.isFrozen(value);
  const sealed = frozen || Object.isSealed(value);
  // Element attributes v8 gives back (all elements alike): set again on decode by freeze/seal.
  const expected = FLAG_ENUMERABLE + (frozen ? 0 : FLAG_WRITABLE) + (sealed ? 0 : FLAG_CONFIGURABLE);
  const length = value.length;
  let present = 0;
  let holes = 0;
  for (let i = 0; i < length; i++) {
    const d = gopd(value, i);
    if (d === undefined) {
      // A sparse array (say `a[1e9] = 1`): visit only the elements it has.
      if (++holes > 4096 && holes > i >>> 1) {
        const rest = sparseRest(value, i + 1, expected, state);
        if (rest instanceof Refusal) return rest;
        present += rest;
        break;
      }
      continue;
    }
    present++;
    const refusal = element(d, i, expected, state);
    if (refusal) return refusal;
  }
  return arrayKeys(value, state, present);
}

/** Checks one element's descriptor against the attributes all elements share, and visits its value. */
function element(d: PropertyDescriptor, index: number, expected: number, state: WalkState): Refusal | undefined {
  if (d.writable === undefined)
    return at(
      state,
      `[${index}]`,
      new Refusal(
        "An accessor element (getter/setter)",
        "the cache would store one value read from it, not the accessor",
      ),
    );
  if (flagsOf(d) !== expected) {
    return at(
      state,
      `[${index}]`,
      new Refusal(
        "An element with its own attributes (non-enumerable, read-only or non-configurable)",
        "the cache cannot keep per-element attributes",
      ),
    );
  }
  push(state, d.value, index);
  return undefined;
}

function flagsOf(d: PropertyDescriptor): number {
  return (
    (d.writable === true ? FLAG_WRITABLE : 0) +
    (d.enumerable === true ? FLAG_ENUMERABLE : 0) +
    (d.configurable === true ? FLAG_CONFIGURABLE : 0)
  );
}

/** Visits the elements of a sparse array from index `from` on; returns how many there are. */
function sparseRest(value: unknown[], from: number, expected: number, state: WalkState): number | Refusal {
  let count = 0;
  for (const key of Object.getOwnPropertyNames(value)) {
    if (!isIndex(key) || Number(key) < from) continue;
    const refusal = element(gopd(value, key) as PropertyDescriptor, Number(key), expected, state);
    if (refusal) return refusal;
    count++;
  }
  return count;
}

/** An array's own keys besides its elements: `length` (and its attributes) and extra properties. */
function arrayKeys(value: unknown[], state: WalkState, present: number): Refusal | undefined {
  const lengthWritable = (gopd(value, "length") as PropertyDescriptor).writable === true;
  // V8 calls a non-extensible empty array frozen although its length is writable: seal it instead.
  const integrity = integrityOf(value) === Integrity.Frozen && lengthWritable ? Integrity.Sealed : integrityOf(value);
  const plain = !hasExtraKeys(value, present + 1) && (lengthWritable || integrity === Integrity.Frozen);
  if (plain) {
    if (integrity !== Integrity.Extensible) addPatch(state, [value, -1, 0, integrity]);
    return undefined;
  }
  const keys = Reflect.ownKeys(value).filter((key) => typeof key === "symbol" || !isIndex(key));
  let special = !lengthWritable && integrity !== Integrity.Frozen;
  for (const key of keys) {
    if (key === "length") continue;
    const flags = dataFlags(value, key, state);
    if (flags instanceof Refusal) return flags;
    if (flags !== FLAG_WRITABLE + FLAG_ENUMERABLE + FLAG_CONFIGURABLE) special = true;
  }
  if (special || integrity !== Integrity.Extensible)
    addPatch(state, [value, -1, special ? propsOf(value, keys) : 0, integrity]);
  return undefined;
}

function view(value: ArrayBufferView, proto: object | null, state: WalkState): Refusal | undefined {
  const isBuffer = proto === Buffer.prototype;
  if (!isBuffer && !TYPED_ARRAY_PROTOTYPES.has(proto) && proto !== DataView.prototype) return classInstance(value);
  const buffer = value.buffer;
  if (types.isSharedArrayBuffer(buffer))
    return new Refusal(`A ${kindOf(value)} on a SharedArrayBuffer`, "shared memory cannot be stored");
  if ((buffer as ArrayBuffer & { resizable?: boolean }).resizable === true) {
    return new Refusal(
      `A ${kindOf(value)} on a resizable ArrayBuffer`,
      "the cache cannot keep views of resizable buffers; return a copy (x.slice())",
    );
  }
  const { byteOffset, byteLength } = value;
  if (!isBuffer && (byteOffset !== 0 || byteLength !== buffer.byteLength)) {
    return new Refusal(
      `A ${kindOf(value)} viewing bytes ${byteOffset}–${byteOffset + byteLength} of a ${buffer.byteLength}-byte ArrayBuffer`,
      "a cached copy would own only its bytes; return a copy (x.slice()) to cache it",
    );
  }
  if (Object.hasOwn(value, "constructor"))
    return new Refusal(`A ${kindOf(value)} with an own "constructor" property`, "the cache cannot keep it");
  // A Buffer is its bytes: its place in Node's shared allocation pool is not part of it (see docs/caching.md).
  return (
    claim(buffer, byteOffset, byteOffset + byteLength, !isBuffer, state) ??
    leaf(value, state, types.isDataView(value) ? 0 : (value as Uint8Array).length)
  );
}

/**
 * Records that a view (or an ArrayBuffer itself, `whole`) uses these bytes; refuses when two parts of
 * the value overlap, since writes through one would no longer show through the other.
 */
function claim(
  buffer: ArrayBufferLike,
  start: number,
  end: number,
  whole: boolean,
  state: WalkState,
): Refusal | undefined {
  state.claims ??= new Map();
  const ranges = state.claims.get(buffer);
  if (whole) end = Math.max(end, start + 1);
  if (ranges === undefined) {
    state.claims.set(buffer, [[whole ? -1 : start, end]]);
    return undefined;
  }
  for (const [s, e] of ranges) {
    if (whole || s === -1 || (start < e && s < end)) {
      return new Refusal(
        "Binary data sharing its ArrayBuffer with another part of the value",
        "the cache would give back separate copies; return copies (x.slice())",
      );
    }
  }
  ranges.push([start, end]);
  return undefined;
}

/** Built-in errors: always stored with their prototype and every own property, in order. */
function error(value: Error, errorIndex: number, state: WalkState): Refusal | undefined {
  const keys = Reflect.ownKeys(value);
  for (const key of keys) {
    const flags = dataFlags(value, key, state);
    if (flags instanceof Refusal) return flags;
  }
  addPatch(state, [value, errorIndex + 1, propsOf(value, keys), integrityOf(value)]);
  return undefined;
}

/**
 * Dates, RegExps, Maps, Sets, boxed primitives, binary data: v8 keeps their contents but none of their
 * own properties (a RegExp's `lastIndex`, `Object.assign(new Date(), { tz })`); those are patched.
 * `indexed` is the number of index keys the object has by nature (a String object's characters).
 */
function leaf(value: object, state: WalkState, indexed: number): Refusal | undefined {
  const integrity = integrityOf(value);
  const isRegExp = types.isRegExp(value);
  const isString = types.isStringObject(value);
  const natural = indexed + (isString || isRegExp ? 1 : 0);
  if (!hasExtraKeys(value, natural)) {
    const lastIndex = isRegExp ? (gopd(value, "lastIndex") as PropertyDescriptor) : undefined;
    if (
      lastIndex === undefined ||
      (lastIndex.value === 0 && (lastIndex.writable === true || integrity === Integrity.Frozen))
    ) {
      if (integrity !== Integrity.Extensible) addPatch(state, [value, -1, 0, integrity]);
      return undefined;
    }
  }
  const keys = Reflect.ownKeys(value).filter(
    (key) => typeof key === "symbol" || !(isIndex(key) || (isString && key === "length")),
  );
  for (const key of keys) {
    const flags = dataFlags(value, key, state);
    if (flags instanceof Refusal) return flags;
  }
  addPatch(state, [value, -1, propsOf(value, keys), integrity]);
  return undefined;
}

function classInstance(value: object): Refusal {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  const kind = typeof name === "string" && name !== "" ? name : "an object with a custom prototype";
  return types.isNativeError(value)
    ? new Refusal(
        kind,
        "a user-defined Error subclass would come back as a plain Error; return a built-in Error (own properties such as code are kept) or register a codec",
      )
    : new Refusal(
        kind,
        "a class instance would come back from v8 serialization as a plain object, losing its class; register a codec for it",
      );
}

function kindOf(value: object): string {
  return Buffer.isBuffer(value)
    ? "Buffer"
    : ((value as { constructor?: { name?: string } }).constructor?.name ?? "view");
}

function integrityOf(value: object): Integrity {
  if (Object.isExtensible(value)) return Integrity.Extensible;
  if (Object.isFrozen(value)) return Integrity.Frozen;
  return Object.isSealed(value) ? Integrity.Sealed : Integrity.NonExtensible;
}

/** Flat [key, value, flags, …] of the given own data properties, in order. */
function propsOf(value: object, keys: readonly (string | symbol)[]): unknown[] {
  const props: unknown[] = [];
  for (const key of keys) {
    const d = gopd(value, key) as PropertyDescriptor;
    props.push(key, d.value, flagsOf(d));
  }
  return props;
}

function addPatch(state: WalkState, patch: Patch): void {
  (state.patches ??= []).push(patch);
}

/** Whether the walk must visit `value` (objects, and functions and symbols to refuse them). */
function needsVisit(value: unknown): boolean {
  return typeof value === "object" ? value !== null : typeof value === "function" || typeof value === "symbol";
}

/** Pushes a child to visit; path segments are built only by the walk that tracks paths. */
function push(state: WalkState, value: unknown, key: string | number): void {
  if (!needsVisit(value)) return;
  state.stack.push(value);
  state.paths?.push(`${state.path}${typeof key === "number" ? `[${key}]` : segment(key)}`);
}

/** Pushes a Map key or value, or a Set item (`$.m<key 0>`). */
function pushEntry(state: WalkState, value: unknown, label: string, index: number): void {
  if (!needsVisit(value)) return;
  state.stack.push(value);
  state.paths?.push(`${state.path}<${label} ${index}>`);
}

function at(state: WalkState, suffix: string, refusal: Refusal): Refusal {
  state.path = `${state.path}${suffix}`;
  return refusal;
}

function segment(key: string | symbol): string {
  if (typeof key === "symbol") return `[${String(key)}]`;
  if (isIndex(key)) return `[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isIndex(key: string): boolean {
  return key !== "" && key.length < 11 && /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;
}
