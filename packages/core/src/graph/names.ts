// Records keyed by user-chosen names (nodes, inputs, overrides, config, tags, fields), safe for names Object.prototype also has.
// `valueOf`, `toString`, `constructor` or `__proto__` are fine names: a lookup must never find Object.prototype's member,
// and a write must make an own property (plain assignment to "__proto__" would change the prototype instead).

/** True when `record` has `name` as its own property (not inherited from Object.prototype). */
export function hasName(record: object, name: string): boolean {
  return Object.hasOwn(record, name);
}

/** `record[name]` when `name` is its own property, else undefined. */
export function named<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** Sets `record[name]` as an own, enumerable property — even when `name` is "__proto__". */
export function setNamed<T>(record: Record<string, T>, name: string, value: T): void {
  if (name === "__proto__")
    Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}

/** An ordinary object of name → value built from entries, every name an own property. */
export function namedRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, value] of entries) setNamed(out, name, value);
  return out;
}
