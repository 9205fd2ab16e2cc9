// The default fingerprinter's byte encoding (spec v3, docs/fingerprint-spec.md): writes a value as
// a compact, type-tagged, self-delimiting byte string into one growable buffer, asking custom
// fingerprinters first for every nested value. Everything JavaScript can observe is kept: key, Map
// and Set order, prototypes, arrays' extra properties, shared references. Change any byte here and
// FINGERPRINT_SPEC_VERSION must change with it (the golden vectors in @ham/conformance fail otherwise).
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { endianness } from "node:os";
import { types } from "node:util";
import type { Fingerprint, FingerprintContext, Fingerprinter } from "../contracts.js";
import { FingerprintError } from "../errors.js";
import { arrayExtraKeys, builtinOwnKey, hiddenKey, type HiddenKey } from "./own-keys.js";
import { hashBytes, hashEncoding, xxh64 } from "./bytes.js";
import { ObjectNumbers } from "./object-numbers.js";
import { SPECULATION_FAILED, Speculation } from "./speculation.js";

/**
 * Version of the byte encoding below. It seeds the hash of every fingerprint, and the cache puts it
 * into every context key, so fingerprints and entries of another version never match.
 */
export const FINGERPRINT_SPEC_VERSION = 3;

/**
 * The method a class defines to be fingerprinted: `[FINGERPRINT_METHOD]() { return state }`. The
 * default fingerprinter fingerprints what it returns (with the class name) instead of refusing an
 * instance whose state it cannot see (#private fields, closures).
 */
export const FINGERPRINT_METHOD: unique symbol = Symbol.for("ham.fingerprint") as never;

// One ASCII byte per type, so an encoding dump is readable next to the spec.
const TAG_UNDEFINED = 0x55; // U
const TAG_NULL = 0x4e; // N
const TAG_TRUE = 0x54; // T
const TAG_FALSE = 0x46; // F
const TAG_NUMBER = 0x64; // d
const TAG_STRING = 0x73; // s
const TAG_STRING_UTF16 = 0x77; // w
const TAG_BIGINT = 0x69; // i
const TAG_SYMBOL = 0x79; // y
const TAG_ARRAY = 0x41; // A
const TAG_HOLE = 0x68; // h
const TAG_OBJECT = 0x4f; // O
const TAG_NULL_PROTO_OBJECT = 0x6f; // o
const TAG_INSTANCE = 0x43; // C: class name + what its FINGERPRINT_METHOD returned
const TAG_VOUCHED_INSTANCE = 0x56; // V: class name + own fields (handed over by a custom fingerprinter)
const TAG_MAP = 0x4d; // M
const TAG_SET = 0x53; // S
const TAG_DATE = 0x44; // D
const TAG_REGEXP = 0x52; // R
const TAG_BYTES = 0x42; // B
const TAG_BOXED = 0x62; // b
const TAG_ERROR = 0x45; // E
const TAG_CANONICAL = 0x4b; // K
const TAG_BACKREF = 0x72; // r: an object met before in this fingerprint (by its number)
const TAG_OUTER_BACKREF = 0x5e; // ^: an enclosing object outside a nested ctx.fingerprint (levels up)
const TAG_CUSTOM = 0x58; // X
const TAG_INTEGRITY = 0x7a; // z: + 1 non-extensible, 2 sealed, 3 frozen; then the object itself

/** Element kinds of byte payloads (tag B). 0 is a view type this spec version does not know. */
const BYTE_KINDS: Readonly<Record<string, number>> = {
  Int8Array: 1,
  Uint8Array: 2,
  Uint8ClampedArray: 3,
  Int16Array: 4,
  Uint16Array: 5,
  Int32Array: 6,
  Uint32Array: 7,
  Float32Array: 8,
  Float64Array: 9,
  BigInt64Array: 10,
  BigUint64Array: 11,
  DataView: 12,
  ArrayBuffer: 13,
  SharedArrayBuffer: 14,
  Float16Array: 15,
};

const BIG_ENDIAN_HOST = endianness() === "BE";

// The built-in classes with their own rule, by prototype: a subclass (which may hold #private
// state) is a user class instead.
const Builtin = {
  Bytes: 1,
  Map: 2,
  Set: 3,
  Date: 4,
  RegExp: 5,
  Boxed: 6,
  Error: 7,
  URL: 8,
  URLSearchParams: 9,
} as const;
type Builtin = (typeof Builtin)[keyof typeof Builtin];
const BUILTINS = new Map<object, Builtin>();
for (const name of [...Object.keys(BYTE_KINDS), "Buffer"]) {
  const ctor = (globalThis as Record<string, unknown>)[name];
  if (typeof ctor === "function") BUILTINS.set(ctor.prototype as object, Builtin.Bytes);
}
BUILTINS.set(Map.prototype, Builtin.Map);
BUILTINS.set(Set.prototype, Builtin.Set);
BUILTINS.set(Date.prototype, Builtin.Date);
BUILTINS.set(RegExp.prototype, Builtin.RegExp);
for (const ctor of [Number, String, Boolean, BigInt, Symbol]) BUILTINS.set(ctor.prototype, Builtin.Boxed);
for (const name of [
  "Error",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "AggregateError",
  "DOMException",
]) {
  const ctor = (globalThis as Record<string, unknown>)[name];
  if (typeof ctor === "function") BUILTINS.set(ctor.prototype as object, Builtin.Error);
}
BUILTINS.set(URL.prototype, Builtin.URL);
BUILTINS.set(URLSearchParams.prototype, Builtin.URLSearchParams);

// Objects whose identity or state JavaScript cannot read synchronously: fingerprinting them by
// their (empty) own fields would make every instance look equal, which is worse than a miss.
const OPAQUE_TAGS = new Set([
  "Promise",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "Generator",
  "AsyncGenerator",
  "Blob",
  "File",
  "AbortSignal",
  "AbortController",
  "MessagePort",
  "BroadcastChannel",
]);

/**
 * Whether encoders number objects speculatively (speculation.ts). Internal: tests switch it off to
 * compare with the numbering path; both give the same bytes.
 */
export const speculativeNumbering = { enabled: true };

/** Thrown by an encoder in plain-only mode when a custom fingerprinter accepts a part of the value. */
const NOT_PLAIN: unique symbol = Symbol("ham.fingerprint.not-plain");

/** Thrown inside the encoder when a value cannot be fingerprinted; never escapes the registry. */
export class Unfingerprintable {
  constructor(
    readonly what: string,
    readonly path: string,
  ) {}
}

/** What the encoder needs from its registry. */
export interface EncoderOwner {
  readonly fingerprinters: readonly Fingerprinter[];
  readonly maxDepth: number;
  /** Called for each value that cannot be fingerprinted (the owner de-duplicates). */
  reportUnfingerprintable(node: string | undefined, problem: Unfingerprintable): void;
  /** Passes a custom fingerprinter's warning on. */
  warn(message: string): void;
}

/** A fresh, random fingerprint that no other value will ever get (22 url-safe base64 chars). */
export function uniqueFingerprint(): Fingerprint {
  // "~" never occurs in a real fingerprint, so isUniqueFingerprint can tell these apart.
  return `~${randomBytes(16).toString("base64url")}`;
}

// Errors thrown on behalf of a custom fingerprinter; re-thrown as they are by outer levels so a
// nested failure is reported once, naming the innermost fingerprinter.
const wrappedErrors = new WeakSet<object>();

const INITIAL_CAPACITY = 64 * 1024;
const MAX_RETAINED_CAPACITY = 4 * 1024 * 1024;

/**
 * Encodes values for one registry. Also the FingerprintContext handed to custom fingerprinters,
 * so their nested `ctx.fingerprint` calls share the depth and the enclosing objects of the outer value.
 */
export class Encoder implements FingerprintContext {
  node: string | undefined = undefined;
  mode: string | undefined = undefined;

  // A plain Uint8Array (slices and subarrays of a Buffer go through the slower FastBuffer
  // constructor), with a Buffer over the same memory for string writes.
  private buf: Uint8Array = new Uint8Array(INITIAL_CAPACITY);
  private text: Buffer = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private view: DataView = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private pos = 0;
  /** The containers being encoded, outermost first: depth, paths, and cycles across nested scopes. */
  private readonly ancestors: object[] = [];
  /** pathKeys[d] is the key under ancestors[d] being encoded (for warnings only). */
  private readonly pathKeys: (string | number)[] = [];
  /**
   * Every object met in the current scope (one fingerprint, or one nested `ctx.fingerprint`) → its
   * number in order of first meeting. Meeting it again writes a back-reference: linear time for
   * shared sub-objects, and shared differs from copied (the codec keeps sharing). Created lazily.
   */
  private seen: ObjectNumbers | undefined = undefined;
  /**
   * While a top-level value is encoded speculatively (until a custom fingerprinter accepts a part
   * of it, so encoding has no effect beyond reading the value): the objects met, instead of `seen`.
   * See speculation.ts.
   */
  private met: Speculation | undefined = undefined;
  private readonly speculation = new Speculation();
  /** Set by plainFingerprint: a part a custom fingerprinter accepts ends the encoding. */
  private plainOnly = false;
  /** ancestors[0 .. scopeBase) belong to enclosing scopes (0 in a top-level fingerprint). */
  private scopeBase = 0;
  private readonly customs: readonly Fingerprinter[];
  private readonly maxDepth: number;

  constructor(private readonly owner: EncoderOwner) {
    this.customs = owner.fingerprinters;
    this.maxDepth = owner.maxDepth;
  }

  /** Fingerprints a nested value with the whole registry (FingerprintContext member). */
  readonly fingerprint = (value: unknown): Fingerprint => this.subFingerprint(value, false);

  /** Bulk hash of raw bytes (FingerprintContext member). */
  readonly hashBytes = (bytes: Uint8Array): string => hashBytes(bytes);

  /** Passes a warning to the registry's logger (FingerprintContext member). */
  readonly warn = (message: string): void => this.owner.warn(message);

  /**
   * Fingerprint of a top-level value; a value it cannot fingerprint gets a unique one. `vouched`:
   * handed over by a custom fingerprinter (see encodeInstance).
   */
  fingerprintRoot(value: unknown, node: string | undefined, mode: string | undefined, vouched = false): Fingerprint {
    this.node = node;
    this.mode = mode;
    this.pos = 0;
    this.seen = undefined;
    this.scopeBase = 0;
    try {
      if (!speculativeNumbering.enabled || !this.speculate(value, vouched)) {
        this.pos = 0;
        this.encodeValue(value, vouched);
      }
      return hashEncoding(this.buf.subarray(0, this.pos), FINGERPRINT_SPEC_VERSION);
    } catch (error) {
      if (error === NOT_PLAIN) throw error;
      if (error instanceof Unfingerprintable) {
        if (!this.plainOnly) this.owner.reportUnfingerprintable(node, error);
        return uniqueFingerprint();
      }
      throw this.readFailure(error);
    } finally {
      if (this.ancestors.length !== 0) this.ancestors.length = 0;
      this.seen = undefined;
      this.pos = 0;
      if (this.buf.byteLength > MAX_RETAINED_CAPACITY) this.setBuffer(new Uint8Array(INITIAL_CAPACITY));
    }
  }

  /**
   * The fingerprint of a top-level value without a part any custom fingerprinter accepts, as
   * fingerprintRoot gives it but without warnings (a value it cannot fingerprint gets a unique
   * one); undefined as soon as a custom fingerprinter accepts a part, before it runs. For taking a
   * value's fingerprint again where running custom fingerprinters (serialising a table) would cost
   * too much.
   */
  plainFingerprint(value: unknown, node: string | undefined, mode: string | undefined): Fingerprint | undefined {
    this.plainOnly = true;
    try {
      return this.fingerprintRoot(value, node, mode);
    } catch (error) {
      if (error === NOT_PLAIN) return undefined;
      throw error;
    } finally {
      this.plainOnly = false;
    }
  }

  /**
   * Encodes `value` as if no object in it repeated, which gives the numbering path's bytes when
   * that holds (back-references are written only for repeats). Returns false when an object repeats
   * (shared or cyclic): the caller encodes again with ObjectNumbers. An error thrown while no object
   * has repeated is the one the numbering path would throw at the same point (it read the same
   * properties in the same order), so it is thrown as it is, and nothing the value does runs twice.
   */
  private speculate(value: unknown, vouched: boolean): boolean {
    const met = this.speculation;
    this.met = met;
    try {
      this.encodeValue(value, vouched);
      return met.holds();
    } catch (error) {
      if (error === NOT_PLAIN) throw error;
      // A repeat may have caused the error (a cycle followed past maxDepth).
      if (error === SPECULATION_FAILED || !met.holds()) return false;
      // Named with its path now, while the ancestors are still there.
      throw error instanceof Unfingerprintable ? error : this.readFailure(error);
    } finally {
      this.met = undefined;
      met.clear();
      if (this.ancestors.length !== 0) this.ancestors.length = 0;
    }
  }

  /**
   * Fingerprint of a value nested in the one being encoded (a custom fingerprinter's
   * `ctx.fingerprint`, or the default fingerprinter called by a custom one with `vouched`, so it
   * does not hand the value straight back to that custom fingerprinter). A scope of its own: its
   * objects are numbered from 0, so the result does not depend on what the outer value held before.
   */
  subFingerprint(value: unknown, vouched: boolean): Fingerprint {
    const start = this.pos;
    // A custom fingerprinter handing its own value to the default one: that value is on top of
    // the ancestor stack (pushed by tryCustom), and must be encoded, not taken for a cycle.
    const top = this.ancestors.length - 1;
    const handedBack = vouched && top >= 0 && this.ancestors[top] === value ? this.ancestors.pop() : undefined;
    const depth = this.ancestors.length;
    const outerSeen = this.seen;
    const outerMet = this.met;
    const outerBase = this.scopeBase;
    this.seen = undefined;
    this.met = undefined;
    this.scopeBase = depth;
    try {
      this.encodeValue(value, vouched);
      return hashEncoding(this.buf.subarray(start, this.pos), FINGERPRINT_SPEC_VERSION);
    } catch (error) {
      if (error instanceof Unfingerprintable) {
        this.owner.reportUnfingerprintable(this.node, error);
        return uniqueFingerprint();
      }
      throw this.readFailure(error);
    } finally {
      if (this.ancestors.length !== depth) this.ancestors.length = depth;
      if (handedBack !== undefined) this.ancestors.push(handedBack);
      this.seen = outerSeen;
      this.met = outerMet;
      this.scopeBase = outerBase;
      this.pos = start;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Buffer management
  // -------------------------------------------------------------------------------------------

  private setBuffer(buf: Uint8Array): void {
    this.buf = buf;
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Makes room for `bytes` more bytes (doubling, so appends stay amortised O(1)). */
  /** Makes room for `bytes` more bytes (small enough to be inlined at every write). */
  private ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.byteLength) this.grow(this.pos + bytes);
  }

  /** Grows the buffer to hold `needed` bytes (doubling, so appends stay amortised O(1)). */
  private grow(needed: number): void {
    let capacity = this.buf.byteLength * 2;
    while (capacity < needed) capacity *= 2;
    // Uninitialised memory is fine: only bytes below `pos` are ever read.
    const grown = Buffer.allocUnsafeSlow(capacity);
    const next = new Uint8Array(grown.buffer, grown.byteOffset, capacity);
    next.set(this.buf.subarray(0, this.pos));
    this.setBuffer(next);
  }

  private writeTag(tag: number): void {
    this.ensure(1);
    this.buf[this.pos++] = tag;
  }

  private writeU32(n: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }

  private writeF64(n: number): void {
    this.ensure(8);
    if (n !== n) {
      // Canonical quiet NaN, so every NaN (whatever its payload) is the same value.
      this.view.setUint32(this.pos, 0, true);
      this.view.setUint32(this.pos + 4, 0x7ff80000, true);
    } else {
      this.view.setFloat64(this.pos, n, true);
    }
    this.pos += 8;
  }

  private writeNumber(n: number): void {
    this.ensure(9);
    this.buf[this.pos++] = TAG_NUMBER;
    this.writeF64(n);
  }

  /** A string value: `s` + u32 UTF-8 length + UTF-8, or `w` + u32 byte length + UTF-16LE if ill-formed. */
  private writeString(s: string): void {
    const n = s.length;
    if (n <= 64) {
      // ASCII fast path: most keys and small strings never reach Buffer.write.
      this.ensure(5 + n);
      const buf = this.buf;
      let p = this.pos + 5;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[this.pos] = TAG_STRING;
        this.view.setUint32(this.pos + 1, n, true);
        this.pos = p;
        return;
      }
    }
    // A lone surrogate has no UTF-8 form (it would become U+FFFD and collide with other strings),
    // so ill-formed strings keep their exact UTF-16 code units under their own tag.
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      this.ensure(5 + 2 * n);
      this.buf[this.pos] = TAG_STRING_UTF16;
      this.view.setUint32(this.pos + 1, 2 * n, true);
      this.text.write(s, this.pos + 5, 2 * n, "utf16le");
      this.pos += 5 + 2 * n;
      return;
    }
    const room = n > 4096 ? Buffer.byteLength(s, "utf8") : 3 * n;
    this.ensure(5 + room);
    const written = this.text.write(s, this.pos + 5, room, "utf8");
    this.buf[this.pos] = TAG_STRING;
    this.view.setUint32(this.pos + 1, written, true);
    this.pos += 5 + written;
  }

  // -------------------------------------------------------------------------------------------
  // Values
  // -------------------------------------------------------------------------------------------

  /** `vouched`: a custom fingerprinter handed this value to the default rules (see encodeOther). */
  private encodeValue(value: unknown, vouched: boolean): void {
    if (typeof value === "object" && value !== null) {
      this.encodeObject(value, vouched);
      return;
    }
    if (!vouched && this.customs.length !== 0 && this.tryCustom(value)) return;
    switch (typeof value) {
      case "number":
        this.writeNumber(value);
        return;
      case "string":
        this.writeString(value);
        return;
      case "boolean":
        this.writeTag(value ? TAG_TRUE : TAG_FALSE);
        return;
      case "undefined":
        this.writeTag(TAG_UNDEFINED);
        return;
      case "bigint":
        this.writeTag(TAG_BIGINT);
        this.writeString(value.toString(10));
        return;
      case "symbol": {
        // Only registered symbols (Symbol.for) mean the same thing in another process.
        const key = Symbol.keyFor(value);
        if (key === undefined) throw this.unfingerprintable(`a symbol (${String(value)})`);
        this.writeTag(TAG_SYMBOL);
        this.writeString(key);
        return;
      }
      case "function":
        throw this.unfingerprintable(`a function${value.name ? ` (${value.name})` : ""}`);
      default:
        // null (typeof "object" was handled above only for non-null values)
        this.writeTag(TAG_NULL);
    }
  }

  private encodeObject(value: object, vouched: boolean): void {
    if (this.scopeBase !== 0) {
      // Inside a nested ctx.fingerprint: an enclosing object from outside is a cycle. (Such an
      // object is never numbered in this scope, so looking here first changes nothing.)
      const at = this.ancestors.lastIndexOf(value, this.scopeBase - 1);
      if (at !== -1) {
        this.writeTag(TAG_OUTER_BACKREF);
        this.writeU32(this.ancestors.length - at);
        return;
      }
    }
    const met = this.met;
    const index = met !== undefined ? met.meet(value) : (this.seen ??= new ObjectNumbers()).meet(value);
    if (index !== -1) {
      // Met before (shared or cyclic): refer to it by number, as the codec keeps the sharing.
      this.writeTag(TAG_BACKREF);
      this.writeU32(index);
      return;
    }
    if (!vouched && this.customs.length !== 0 && this.tryCustom(value)) return;
    // Frozen and sealed objects are non-extensible too: one cheap check for the common case.
    if (!Object.isExtensible(value)) this.writeIntegrity(value);
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype) {
      this.writeTag(TAG_OBJECT);
      this.encodeFields(value, true);
      return;
    }
    if (Array.isArray(value) && (proto === Array.prototype || isForeignIntrinsic(proto, "Array"))) {
      this.encodeArray(value);
      return;
    }
    if (proto === null) {
      // Differs from a plain object: `"x" in o`, `o.toString`, `o instanceof Object` all tell.
      this.writeTag(TAG_NULL_PROTO_OBJECT);
      this.encodeFields(value, true);
      return;
    }
    this.encodeOther(value, proto as object, vouched);
  }

  private enter(value: object): number {
    const depth = this.ancestors.length;
    if (depth >= this.maxDepth) {
      throw this.unfingerprintable(`a value nested deeper than maxDepth (${this.maxDepth})`);
    }
    this.ancestors.push(value);
    return depth;
  }

  /** `A`, u32 length, the items (holes as `h`), then u32 count + (key, value) of extra properties. */
  private encodeArray(array: unknown[]): void {
    this.writeTag(TAG_ARRAY);
    const n = array.length;
    this.writeU32(n);
    const depth = this.enter(array);
    const fast = this.customs.length === 0;
    let holes = 0;
    for (let i = 0; i < n; i++) {
      const item = array[i];
      if (fast && typeof item === "number") {
        i = this.writeNumberRun(array, i, n) - 1;
      } else if (item === undefined && !(i in array)) {
        this.writeTag(TAG_HOLE);
        holes++;
      } else {
        this.pathKeys[depth] = i;
        this.encodeValue(item, false);
      }
    }
    const extras = arrayExtraKeys(array, n, holes);
    if ("symbol" in extras) throw this.hidden("an array", extras);
    this.writeU32(extras.length);
    for (const key of extras) {
      this.writeString(key);
      this.pathKeys[depth] = key;
      this.encodeValue((array as unknown as Record<string, unknown>)[key], false);
    }
    this.ancestors.pop();
  }

  /**
   * Writes the numbers array[start], array[start + 1], … up to the first non-number, in one tight
   * loop with one capacity check: arrays of numbers are the common large case. Returns the index
   * after the run.
   */
  private writeNumberRun(array: unknown[], start: number, n: number): number {
    let end = start;
    while (end < n && typeof array[end] === "number") end++;
    this.ensure((end - start) * 9);
    const buf = this.buf;
    const view = this.view;
    let p = this.pos;
    for (let i = start; i < end; i++) {
      const item = array[i] as number;
      buf[p] = TAG_NUMBER;
      if (item !== item) {
        view.setUint32(p + 1, 0, true);
        view.setUint32(p + 5, 0x7ff80000, true);
      } else {
        view.setFloat64(p + 1, item, true);
      }
      p += 9;
    }
    this.pos = p;
    return end;
  }

  /**
   * u32 count, then each own enumerable string key, in the object's own order (`Object.keys`), and
   * its value. `strict`: a non-enumerable or symbol-keyed own property makes the value
   * unfingerprintable (the codec cannot keep it either); errors skip this (their `stack` and
   * `message` are non-enumerable own properties).
   */
  private encodeFields(value: object, strict: boolean): void {
    const keys = Object.keys(value);
    const n = keys.length;
    if (strict) {
      const hidden = hiddenKey(value, n);
      if (hidden !== undefined)
        throw this.hidden(proto(value) === null ? "a null-prototype object" : "an object", hidden);
    }
    this.writeU32(n);
    const depth = this.enter(value);
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      this.writeString(key);
      this.pathKeys[depth] = key;
      this.encodeValue((value as Record<string, unknown>)[key], false);
    }
    this.ancestors.pop();
  }

  private encodeOther(value: object, proto: object, vouched: boolean): void {
    const builtin = BUILTINS.get(proto);
    // (A typed array's own keys are its indices: its extra properties are not looked for.)
    if (
      builtin !== undefined &&
      builtin !== Builtin.Error &&
      (builtin !== Builtin.Bytes || !types.isTypedArray(value))
    ) {
      const extra = builtinOwnKey(value);
      if (extra !== undefined) throw this.extraProperty(withArticle(constructorName(proto)), extra);
    }
    switch (builtin) {
      case Builtin.Bytes:
        if (ArrayBuffer.isView(value)) {
          if (proto !== Buffer.prototype) this.checkOwnsBuffer(value);
          this.encodeBytes(value, value.byteLength, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
          return;
        }
        if (types.isAnyArrayBuffer(value)) {
          this.encodeBytes(value, value.byteLength, new Uint8Array(value));
          return;
        }
        break;
      case Builtin.Map:
        if (types.isMap(value)) {
          this.encodeMap(value as Map<unknown, unknown>);
          return;
        }
        break;
      case Builtin.Set:
        if (types.isSet(value)) {
          this.encodeSet(value as Set<unknown>);
          return;
        }
        break;
      case Builtin.Date:
        if (types.isDate(value)) {
          this.writeTag(TAG_DATE);
          this.writeF64((value as Date).getTime());
          return;
        }
        break;
      case Builtin.RegExp:
        if (types.isRegExp(value)) {
          const regexp = value as RegExp;
          this.writeTag(TAG_REGEXP);
          this.writeString(regexp.source);
          this.writeString(regexp.flags);
          // Where the next exec/test of a global or sticky RegExp starts: observable.
          this.writeNumber(regexp.lastIndex);
          return;
        }
        break;
      case Builtin.Boxed:
        if (types.isBoxedPrimitive(value)) {
          this.writeTag(TAG_BOXED);
          this.encodeValue((value as { valueOf(): unknown }).valueOf(), true);
          return;
        }
        break;
      case Builtin.Error:
        this.encodeError(value as Error, proto);
        return;
      case Builtin.URL:
        this.writeCanonical("URL", (value as URL).href);
        return;
      case Builtin.URLSearchParams:
        this.writeCanonical("URLSearchParams", (value as URLSearchParams).toString());
        return;
      default:
        break;
    }
    const opaque = opaqueKind(value, proto);
    if (opaque !== undefined) throw this.unfingerprintable(opaque);
    const name = constructorName(proto);
    if (isForeignIntrinsic(proto, "Object")) {
      // A plain object from another realm (vm, worker-made structures).
      this.writeTag(TAG_OBJECT);
      this.encodeFields(value, true);
      return;
    }
    this.encodeInstance(value, name, vouched);
  }

  /**
   * An instance of a user class (or of a subclass of a built-in): its state may sit where ham cannot
   * look (#private fields, closures), so it is fingerprinted through its FINGERPRINT_METHOD, by its
   * own fields when a custom fingerprinter vouched for it, and is unfingerprintable otherwise.
   */
  private encodeInstance(value: object, name: string, vouched: boolean): void {
    if (vouched) {
      this.writeTag(TAG_VOUCHED_INSTANCE);
      this.writeString(name);
      this.encodeFields(value, true);
      return;
    }
    const method = (value as { [FINGERPRINT_METHOD]?: unknown })[FINGERPRINT_METHOD];
    if (typeof method !== "function") {
      throw this.unfingerprintable(
        `an instance of class ${name || "(anonymous)"} without a [Symbol.for("ham.fingerprint")]() method (its state may sit in #private fields or closures ham cannot see; add the method, returning the state to fingerprint)`,
      );
    }
    this.writeTag(TAG_INSTANCE);
    this.writeString(name);
    const depth = this.enter(value);
    this.pathKeys[depth] = "<ham.fingerprint>";
    this.encodeValue(method.call(value) as unknown, false);
    this.ancestors.pop();
  }

  /** `z` + the integrity level of a non-extensible object (written before the object). */
  private writeIntegrity(value: object): void {
    this.ensure(2);
    this.buf[this.pos++] = TAG_INTEGRITY;
    this.buf[this.pos++] = Object.isFrozen(value) ? 3 : Object.isSealed(value) ? 2 : 1;
  }

  /**
   * A view of part of a larger ArrayBuffer shows the rest through `.buffer`, which its bytes do not
   * tell: unfingerprintable, as the codec refuses it too. A Buffer is its bytes (Node's pool is not
   * part of it).
   */
  private checkOwnsBuffer(view: ArrayBufferView): void {
    const { byteOffset, byteLength } = view;
    const total = view.buffer.byteLength;
    if (byteOffset !== 0 || byteLength !== total) {
      throw this.unfingerprintable(
        `${withArticle(constructorName(Object.getPrototypeOf(view)) || "view")} viewing bytes ${byteOffset}–${byteOffset + byteLength} of a ${total}-byte ArrayBuffer (pass a copy, x.slice(), to fingerprint its bytes)`,
      );
    }
  }

  private writeCanonical(type: string, text: string): void {
    this.writeTag(TAG_CANONICAL);
    this.writeString(type);
    this.writeString(text);
  }

  /** `B`, kind, u64 byte length, u64 xxh64 of the bytes (little-endian elements), class name. */
  private encodeBytes(value: object, byteLength: number, bytes: Uint8Array): void {
    const intrinsic = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
    const intrinsicName = typeof intrinsic === "string" ? intrinsic : constructorName(Object.getPrototypeOf(value));
    const kind = BYTE_KINDS[intrinsicName] ?? 0;
    const name = constructorName(Object.getPrototypeOf(value));
    let payload = bytes;
    if (BIG_ENDIAN_HOST) payload = littleEndianCopy(value, bytes);
    this.ensure(18);
    this.buf[this.pos++] = TAG_BYTES;
    this.buf[this.pos++] = kind;
    this.view.setBigUint64(this.pos, BigInt(byteLength), true);
    this.view.setBigUint64(this.pos + 8, xxh64(payload), true);
    this.pos += 16;
    // Buffer keeps its class name; the standard classes write "".
    this.writeString(kind === 0 ? intrinsicName : name === intrinsicName ? "" : name);
  }

  /** `M`, u32 size, then each entry's key and value in insertion order (iteration order is observable). */
  private encodeMap(map: Map<unknown, unknown>): void {
    this.writeTag(TAG_MAP);
    this.writeU32(map.size);
    const depth = this.enter(map);
    let i = 0;
    for (const [key, item] of map) {
      this.pathKeys[depth] = i++;
      this.encodeValue(key, false);
      this.encodeValue(item, false);
    }
    this.ancestors.pop();
  }

  /** `S`, u32 size, then each element in insertion order. */
  private encodeSet(set: Set<unknown>): void {
    this.writeTag(TAG_SET);
    this.writeU32(set.size);
    const depth = this.enter(set);
    let i = 0;
    for (const item of set) {
      this.pathKeys[depth] = i++;
      this.encodeValue(item, false);
    }
    this.ancestors.pop();
  }

  /** `E`, class name, name, message, cause flag (+ cause), AggregateError's errors, own fields. */
  private encodeError(error: Error, proto: object): void {
    this.writeTag(TAG_ERROR);
    this.writeString(constructorName(proto));
    this.writeString(String(error.name));
    this.writeString(String(error.message));
    const depth = this.enter(error);
    if (Object.hasOwn(error, "cause")) {
      this.writeTag(TAG_TRUE);
      this.pathKeys[depth] = "cause";
      this.encodeValue(error.cause, false);
    } else {
      this.writeTag(TAG_FALSE);
    }
    const errors = error instanceof AggregateError ? error.errors : undefined;
    if (Array.isArray(errors)) {
      this.writeTag(TAG_TRUE);
      this.pathKeys[depth] = "errors";
      this.encodeValue(errors, false);
    } else {
      this.writeTag(TAG_FALSE);
    }
    this.ancestors.pop();
    this.writeTag(TAG_OBJECT);
    this.encodeFields(error, false);
  }

  // -------------------------------------------------------------------------------------------
  // Custom fingerprinters
  // -------------------------------------------------------------------------------------------

  /** Asks the custom fingerprinters in order; writes `X` + name + output for the first that accepts. */
  private tryCustom(value: unknown): boolean {
    for (const fingerprinter of this.customs) {
      let accepted: boolean;
      try {
        accepted = fingerprinter.accepts(value);
      } catch (cause) {
        throw this.customFailure(fingerprinter, "accepts()", cause);
      }
      if (!accepted) continue;
      if (this.plainOnly) throw NOT_PLAIN;
      // A custom fingerprinter may warn or be costly: it runs once, on the numbering path.
      if (this.met !== undefined) throw SPECULATION_FAILED;
      const isObject = (typeof value === "object" && value !== null) || typeof value === "function";
      const depth = this.ancestors.length;
      // The value encloses whatever the fingerprinter hands back to ctx.fingerprint, so a value
      // that contains itself gives a back-reference instead of endless recursion.
      if (isObject) {
        this.enter(value);
        this.pathKeys[depth] = `<${fingerprinter.name}>`;
      }
      let output: unknown;
      try {
        output = fingerprinter.fingerprint(value, this);
      } catch (cause) {
        throw this.customFailure(fingerprinter, "fingerprint()", cause);
      } finally {
        this.ancestors.length = depth;
      }
      if (typeof output !== "string") {
        throw this.customFailure(
          fingerprinter,
          "fingerprint()",
          new TypeError(`it returned ${output === null ? "null" : typeof output}, not a string`),
        );
      }
      this.writeTag(TAG_CUSTOM);
      this.writeString(fingerprinter.name);
      this.writeString(output);
      return true;
    }
    return false;
  }

  private customFailure(fingerprinter: Fingerprinter, step: string, cause: unknown): unknown {
    if (typeof cause === "object" && cause !== null && wrappedErrors.has(cause)) return cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new FingerprintError(
      `fingerprinter "${fingerprinter.name}" failed in ${step}${this.node === undefined ? "" : ` on node "${this.node}"`} at ${this.path()}: ${reason}. Fix the fingerprinter or remove it from the registry`,
      { cause },
    );
    wrappedErrors.add(error);
    return error;
  }

  // -------------------------------------------------------------------------------------------
  // Problems
  // -------------------------------------------------------------------------------------------

  /** Wraps an error thrown while reading the value (a throwing getter, a revoked Proxy, …). */
  private readFailure(cause: unknown): unknown {
    if (typeof cause === "object" && cause !== null && wrappedErrors.has(cause)) return cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new FingerprintError(
      `could not fingerprint ${this.node === undefined ? "a value" : `node "${this.node}"`}: reading it at ${this.path()} threw: ${reason}. Return plain data, or register a Fingerprinter for this type`,
      { cause },
    );
    wrappedErrors.add(error);
    return error;
  }

  private unfingerprintable(what: string): Unfingerprintable {
    return new Unfingerprintable(what, this.path());
  }

  /** An own property on a built-in that normally has none (a Map's `meta`, …), named in the warning. */
  private extraProperty(what: string, key: HiddenKey): Unfingerprintable {
    const name = typeof key.key === "symbol" ? `[${String(key.key)}]` : JSON.stringify(key.key);
    return this.unfingerprintable(`${what} with an own property ${name}`);
  }

  /** An own property the codec cannot keep (non-enumerable or symbol-keyed), named in the warning. */
  private hidden(what: string, key: HiddenKey): Unfingerprintable {
    const name = typeof key.key === "symbol" ? `[${String(key.key)}]` : JSON.stringify(key.key);
    return this.unfingerprintable(
      `${what} with a ${key.symbol ? "symbol-keyed" : "non-enumerable"} own property ${name}`,
    );
  }

  /** Where the encoder is, e.g. `$.rows[3].handler` (Map and Set entries count in insertion order). */
  private path(): string {
    let text = "$";
    for (let d = 0; d < this.ancestors.length; d++) {
      const key = this.pathKeys[d];
      if (key === undefined) break;
      if (typeof key === "number") text += `[${key}]`;
      else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
      else if (key.startsWith("<"))
        text += key; // inside a custom fingerprinter's value
      else text += `[${JSON.stringify(key)}]`;
    }
    return text;
  }
}

function proto(value: object): unknown {
  return Object.getPrototypeOf(value);
}

/** `proto` is another realm's `Object.prototype` or `Array.prototype` (vm contexts). */
function isForeignIntrinsic(proto: unknown, name: "Object" | "Array"): boolean {
  if (proto === null || typeof proto !== "object" || constructorName(proto) !== name) return false;
  const parent: unknown = Object.getPrototypeOf(proto);
  return name === "Object"
    ? parent === null
    : parent !== null && Object.getPrototypeOf(parent) === null && constructorName(parent) === "Object";
}

/** "a Map", "an ArrayBuffer", "a Uint8Array" (U as in "you"). */
function withArticle(name: string): string {
  return `${/^[AEIO]/.test(name) ? "an" : "a"} ${name}`;
}

function constructorName(proto: unknown): string {
  if (proto === null || proto === undefined) return "";
  const ctor = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === "function" ? ctor.name : "";
}

/** Why an object is opaque (cannot be fingerprinted), or undefined when it can be. */
function opaqueKind(value: object, proto: object): string | undefined {
  if (types.isPromise(value)) return "a Promise";
  if (types.isWeakMap(value)) return "a WeakMap";
  if (types.isWeakSet(value)) return "a WeakSet";
  if (types.isGeneratorObject(value)) return "a generator";
  if (types.isExternal(value)) return "a native external value";
  if (value instanceof EventEmitter)
    return `an EventEmitter or stream (${constructorName(proto) || "anonymous class"})`;
  const tag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof tag === "string" && (OPAQUE_TAGS.has(tag) || tag.endsWith("Iterator"))) return `a ${tag}`;
  return undefined;
}

/** On a big-endian host, the bytes of a multi-byte view swapped to little-endian (the spec's order). */
function littleEndianCopy(value: object, bytes: Uint8Array): Uint8Array {
  const size = (value as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  if (size === 1) return bytes;
  const copy = Buffer.from(bytes);
  if (size === 2) copy.swap16();
  else if (size === 4) copy.swap32();
  else if (size === 8) copy.swap64();
  return copy;
}
