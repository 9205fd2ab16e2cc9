// Checks that v8 serialization will give back an equivalent value: it keeps built-in types but
// drops prototypes, so a class instance would come back as a plain object — a wrong result.

const BUILTIN_LEAVES: readonly (abstract new (...args: never[]) => unknown)[] = [
  Date,
  RegExp,
  ArrayBuffer,
  DataView,
  Buffer,
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
];

const BUILTIN_ERRORS: readonly unknown[] = [
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
];

/**
 * The path and class name of the first value inside `value` that v8 would not give back as the same
 * kind of object (a class instance, a custom Error subclass, a boxed primitive…), or undefined.
 */
export function findUnfaithful(value: unknown): { path: string; kind: string } | undefined {
  const seen = new Set<object>();
  const stack: { value: unknown; path: string }[] = [{ value, path: "$" }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop() as { value: unknown; path: string };
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const proto = Object.getPrototypeOf(current) as object | null;
    if (Array.isArray(current)) {
      if (proto !== Array.prototype) return { path, kind: className(current) };
      for (let i = current.length - 1; i >= 0; i--) {
        const item: unknown = current[i];
        if (typeof item === "object" && item !== null) stack.push({ value: item, path: `${path}[${i}]` });
      }
      continue;
    }
    if (proto === Object.prototype || proto === null) {
      for (const key of Object.keys(current)) stack.push({ value: (current as Record<string, unknown>)[key], path: `${path}.${key}` });
      continue;
    }
    if (current instanceof Map && proto === Map.prototype) {
      let i = 0;
      for (const [k, v] of current) {
        stack.push({ value: k, path: `${path}<key ${i}>` }, { value: v, path: `${path}<value ${i}>` });
        i++;
      }
      continue;
    }
    if (current instanceof Set && proto === Set.prototype) {
      let i = 0;
      for (const item of current) stack.push({ value: item, path: `${path}<item ${i++}>` });
      continue;
    }
    if (BUILTIN_ERRORS.includes(proto)) continue;
    if (BUILTIN_LEAVES.some((type) => proto === type.prototype)) continue;
    return { path, kind: className(current) };
  }
  return undefined;
}

function className(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "an object with a custom prototype";
}
