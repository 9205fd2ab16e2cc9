// Cheap answers to questions about a value's shape that JavaScript has no direct API for: does a
// large array have keys besides its elements, is an array in V8's fast packed elements.
import { inspect, types } from "node:util";
import v8 from "node:v8";

/** v8's tag of a densely written array ("A"). */
const DENSE_ARRAY = 0x41;
/** Above this many elements, arrays are checked for extra keys without listing every index. */
const SMALL_INDEXED = 256;
const INSPECT_KEYS = {
  showHidden: true,
  depth: 0,
  maxArrayLength: 0,
  maxStringLength: 0,
  breakLength: Infinity,
  customInspect: false,
} as const;

/**
 * Whether `value` holds only primitives, in V8's fast packed elements: v8 then writes it densely (tag
 * "A"), which it never does for an array with holes or with an element that has attributes of its
 * own (getters, read-only…): those live in dictionary elements. Checking this costs two cheap passes
 * instead of one property descriptor per element (large numeric arrays encode ~5x faster).
 */
export function packedPrimitives(value: unknown[]): boolean {
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (typeof item === "object" ? item !== null : typeof item === "function" || typeof item === "symbol") return false;
    if (item === undefined && !(i in value)) return false;
  }
  const bytes = v8.serialize(value);
  return bytes[v8HeaderLength(bytes)] === DENSE_ARRAY;
}

/** Length of a v8 serialization header: 0xFF, then the format version as a varint. */
export function v8HeaderLength(bytes: Uint8Array): number {
  let at = 1;
  while (at < bytes.length && ((bytes[at] as number) & 0x80) !== 0) at++;
  return at + 1;
}

/**
 * Whether an array or typed array has own keys besides its `natural` count (elements, and `length`
 * for arrays). Small ones list their keys; large ones ask util.inspect, which lists only non-index
 * keys (Node has no other public way to skip a million index keys), and compare with a bare twin.
 */
export function hasExtraKeys(value: object, natural: number): boolean {
  const indexed = Array.isArray(value) || types.isTypedArray(value);
  const length = indexed ? (value as Uint8Array).length : 0;
  if (length <= SMALL_INDEXED) return Reflect.ownKeys(value).length !== natural;
  if (Object.getOwnPropertySymbols(value).length > 0) return true;
  const twin = Array.isArray(value) ? Object.assign([], { length }) : (value as Uint8Array).subarray(0);
  return inspect(value, INSPECT_KEYS) !== inspect(twin, INSPECT_KEYS);
}
