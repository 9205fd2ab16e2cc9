// Own properties the fingerprint must see beyond `Object.keys`: arrays' extra (non-index)
// properties, and the non-enumerable or symbol-keyed properties that make a value unfingerprintable
// — each found without turning every index of a large array into a string.
import { inspect, types } from "node:util";

/** A non-enumerable or symbol-keyed own property. */
export interface HiddenKey {
  readonly key: string | symbol;
  readonly symbol: boolean;
}

const NO_KEYS: readonly string[] = Object.freeze([]);

/**
 * The first non-enumerable or symbol-keyed own property of an object whose `Object.keys` has
 * `enumerableCount` entries, or undefined (the common case, found with two cheap calls).
 */
export function hiddenKey(value: object, enumerableCount: number): HiddenKey | undefined {
  if (
    Object.getOwnPropertyNames(value).length === enumerableCount &&
    Object.getOwnPropertySymbols(value).length === 0
  ) {
    return undefined;
  }
  return firstHidden(value, Reflect.ownKeys(value));
}

function firstHidden(value: object, keys: readonly (string | symbol)[]): HiddenKey | undefined {
  for (const key of keys) {
    if (typeof key === "symbol") return { key, symbol: true };
    if (!Object.prototype.propertyIsEnumerable.call(value, key)) return { key, symbol: false };
  }
  return undefined;
}

/**
 * The first own property of a Map, Set, Date, RegExp (besides its `lastIndex`), URL,
 * URLSearchParams, boxed primitive (besides a String object's characters and `length`), ArrayBuffer
 * or DataView, which normally have none: it makes the value unfingerprintable. Undefined when there
 * is none.
 */
export function builtinOwnKey(value: object): HiddenKey | undefined {
  const keys = Reflect.ownKeys(value);
  const characters = types.isStringObject(value) ? (value as unknown as string).length : -1;
  for (const key of keys) {
    if (key === "lastIndex" && value instanceof RegExp) continue;
    if (
      characters !== -1 &&
      typeof key === "string" &&
      (key === "length" || (isArrayIndex(key) && Number(key) < characters))
    )
      continue;
    return { key, symbol: typeof key === "symbol" };
  }
  return undefined;
}

// Up to this length, Reflect.ownKeys (one string per index) is cheaper than util.inspect.
const SMALL_ARRAY = 32;
// util.inspect lists an array's non-index own properties without touching its elements (Node's
// getOwnNonIndexProperties). Only its output for an array with none is relied on, compared
// exactly: any other output (extra properties, a future format) takes the exact slow path.
const INSPECT_OPTIONS = {
  depth: 0,
  maxArrayLength: 0,
  showHidden: true,
  customInspect: false,
  showProxy: false,
  getters: false,
  breakLength: Infinity,
  compact: true,
  sorted: false,
  numericSeparator: false,
} as const;

/**
 * The extra (non-index) enumerable string-keyed own properties of a plain array, in their own order
 * (usually none). `holes` is how many indices below `length` are missing. Returns a HiddenKey
 * instead when the array has a symbol-keyed or non-enumerable own property other than `length`.
 */
export function arrayExtraKeys(array: unknown[], length: number, holes: number): readonly string[] | HiddenKey {
  if (length <= SMALL_ARRAY) {
    // Every own key: the present indices and `length`, then any extras (exact, non-enumerable too).
    const keys = Reflect.ownKeys(array);
    return keys.length === length - holes + 1 ? NO_KEYS : extrasOf(array, keys);
  }
  if (
    !types.isProxy(array) &&
    inspect(array, INSPECT_OPTIONS) === `[ ... ${length} more items, [length]: ${length} ]`
  ) {
    return NO_KEYS;
  }
  return extrasOf(array, Reflect.ownKeys(array));
}

function extrasOf(array: unknown[], keys: readonly (string | symbol)[]): readonly string[] | HiddenKey {
  const extras: string[] = [];
  for (const key of keys) {
    if (typeof key === "string" && (key === "length" || isArrayIndex(key))) continue;
    const hidden = firstHidden(array, [key]);
    if (hidden !== undefined) return hidden;
    extras.push(key as string);
  }
  return extras;
}

/** A canonical array index: "0", "1", … up to 2³² − 2 (no sign, no leading zero). */
function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  if (first < 0x30 || first > 0x39 || (first === 0x30 && key.length > 1)) return false;
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return Number(key) < 4294967295;
}
