// Patches stored beside a v8-serialized value for what v8 drops (prototypes of null-prototype objects
// and built-in errors, own properties of errors and built-ins, attributes, frozen/sealed state), and
// their application on decode. Patches refer to their objects directly: v8 keeps identity.

/** [object, prototype, props, integrity]: see PROTO_NULL, propsOf in faithful.ts, Integrity. */
export type Patch = [target: object, proto: number, props: unknown[] | 0, integrity: Integrity];

/** Prototype codes: -1 keep the one v8 gives, 0 null, n ≥ 1 ERROR_PROTOTYPES[n - 1]. */
export const PROTO_NULL = 0;
export const ERROR_PROTOTYPES: readonly object[] = [
  Error.prototype,
  EvalError.prototype,
  RangeError.prototype,
  ReferenceError.prototype,
  SyntaxError.prototype,
  TypeError.prototype,
  URIError.prototype,
  AggregateError.prototype,
];

export const FLAG_WRITABLE = 1;
export const FLAG_ENUMERABLE = 2;
export const FLAG_CONFIGURABLE = 4;

/** Integrity level of an object, set again after its properties. */
export const Integrity = { Extensible: 0, NonExtensible: 1, Sealed: 2, Frozen: 3 } as const;
export type Integrity = (typeof Integrity)[keyof typeof Integrity];

/** Applies patches to freshly decoded objects, in the order they were planned. */
export function applyPatches(patches: readonly Patch[]): void {
  for (const [target, proto, props, integrity] of patches) {
    if (props !== 0) {
      // Errors come back from v8 with whatever own properties it recreated: start from none.
      if (proto > 0) for (const key of Reflect.ownKeys(target)) deleteConfigurable(target, key);
      else for (let i = 0; i < props.length; i += 3) deleteConfigurable(target, props[i] as string);
      for (let i = 0; i < props.length; i += 3) {
        const flags = props[i + 2] as number;
        Object.defineProperty(target, props[i] as string, {
          value: props[i + 1],
          writable: (flags & FLAG_WRITABLE) !== 0,
          enumerable: (flags & FLAG_ENUMERABLE) !== 0,
          configurable: (flags & FLAG_CONFIGURABLE) !== 0,
        });
      }
    }
    if (proto >= 0)
      Object.setPrototypeOf(target, proto === PROTO_NULL ? null : (ERROR_PROTOTYPES[proto - 1] ?? Error.prototype));
    if (integrity === Integrity.Frozen) Object.freeze(target);
    else if (integrity === Integrity.Sealed) Object.seal(target);
    else if (integrity === Integrity.NonExtensible) Object.preventExtensions(target);
  }
}

function deleteConfigurable(target: object, key: string | symbol): void {
  if (Object.getOwnPropertyDescriptor(target, key)?.configurable === true) Reflect.deleteProperty(target, key);
}
