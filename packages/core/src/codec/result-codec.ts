// ResultCodec: picks a codec per value and wraps its bytes in a verified envelope (magic, codec
// name, the fingerprint it was written for, xxh64 checksum, length), so damaged, truncated or
// misplaced results are detected, never returned.
import { constants as bufferConstants } from "node:buffer";
import type { Codec, Fingerprint } from "../contracts.js";
import { ConfigurationError, errorMessage } from "../errors.js";
import { xxh64, xxh64Chunks } from "../fingerprint/bytes.js";
import { CodecError, CorruptResultError } from "./errors.js";
import { v8Codec } from "./v8-codec.js";

/** Options of ResultCodec. */
export interface ResultCodecOptions {
  /** Custom codecs, asked in order before the default v8 codec; the first that accepts encodes. */
  codecs?: readonly Codec[];
  /**
   * Largest payload encoded or accepted on decode (default: the largest Buffer Node can make).
   * Encoding a bigger value throws a CodecError; bytes claiming more are corrupt.
   */
  maxResultBytes?: number;
}

/**
 * Envelope format version written after the magic bytes. Version 2 added the fingerprint the result
 * was written for; version 1 envelopes (which cannot say whose bytes they are) are reported corrupt,
 * so a cache recomputes them once after an upgrade rather than trusting them.
 */
export const RESULT_FORMAT_VERSION = 2;

// Layout: "HAM" | version (1) | name length (1) | name (UTF-8) | key length (2, big-endian) | key
//         (the fingerprint the result is stored under, ASCII; empty when written for no key) | zero
//         padding to align the payload to 8 bytes | xxh64 of payload, seeded with xxh64 of the key
//         (8, big-endian) | payload length (8, big-endian) | payload.
// About 48 bytes for "v8" and a default fingerprint; no compression, which would cost more per
// small value than the whole warm-path budget (DESIGN.md).
const MAGIC = [0x48, 0x41, 0x4d] as const;
const FIXED_HEADER = 5;
const KEY_LENGTH_BYTES = 2;
const MAX_KEY_BYTES = 0xffff;
const TRAILER = 16;
const TWO_32 = 2 ** 32;

interface Registered {
  readonly codec: Codec;
  /** The start of the header, precomputed: magic, version, name length, name. */
  readonly prefix: Buffer;
}

/** Encodes values to self-describing, checksummed bytes and verifies them on the way back. */
export class ResultCodec {
  readonly maxResultBytes: number;
  readonly #custom: readonly Registered[];
  readonly #byName = new Map<string, Registered>();
  readonly #default: Registered;

  constructor(options: ResultCodecOptions = {}) {
    const { codecs = [], maxResultBytes = bufferConstants.MAX_LENGTH } = options;
    if (!Array.isArray(codecs)) throw new ConfigurationError(`ResultCodec: option "codecs" must be an array of codecs`);
    if (!Number.isSafeInteger(maxResultBytes) || maxResultBytes <= 0) {
      throw new ConfigurationError(
        `ResultCodec: option "maxResultBytes" must be a positive integer, got ${String(maxResultBytes)}`,
      );
    }
    this.maxResultBytes = Math.min(maxResultBytes, bufferConstants.MAX_LENGTH);
    this.#default = register(v8Codec);
    this.#byName.set(v8Codec.name, this.#default);
    const custom: Registered[] = [];
    for (const [index, codec] of (codecs as readonly unknown[]).entries()) {
      if (codec === v8Codec) continue;
      validateCodec(codec, index);
      if (this.#byName.has(codec.name)) {
        throw new ConfigurationError(
          `ResultCodec: two codecs are named "${codec.name}"${codec.name === v8Codec.name ? " (the name of the default codec)" : ""}; codec names pick the decoder, so each must be unique`,
        );
      }
      const registered = register(codec);
      this.#byName.set(codec.name, registered);
      custom.push(registered);
    }
    this.#custom = custom;
  }

  /** True when no custom codec and no size limit are set: any ResultCodec with default options encodes (and accepts) the same. */
  get builtInOnly(): boolean {
    return this.#custom.length === 0 && this.maxResultBytes === bufferConstants.MAX_LENGTH;
  }

  /** Names of the codecs this instance can decode, custom ones first. */
  get codecNames(): string[] {
    return [...this.#custom.map((r) => r.codec.name), v8Codec.name];
  }

  /**
   * Encodes `value` with the first custom codec that accepts it, else v8. `fingerprint` is the key
   * the bytes will be stored under: the envelope names it, and `decode(bytes, fingerprint)` refuses
   * bytes written for another key. Throws a CodecError naming the codec (and `node`, when given)
   * if the value cannot be encoded or is too large.
   */
  encode(value: unknown, node?: string, fingerprint?: Fingerprint): Uint8Array {
    return this.#frame(value, node, fingerprint, false)[0] as Uint8Array;
  }

  /**
   * Like `encode`, but keeps a payload that its codec writes in pieces (`Codec.encodeChunks`) in
   * pieces: the first array holds the envelope header and the payload's start, the others follow
   * it; their concatenation is what `encode` returns. For `ResultStore.setChunks`. Codecs without
   * `encodeChunks` give one array.
   */
  encodeChunks(value: unknown, node?: string, fingerprint?: Fingerprint): Uint8Array[] {
    return this.#frame(value, node, fingerprint, true);
  }

  #frame(
    value: unknown,
    node: string | undefined,
    fingerprint: Fingerprint | undefined,
    pieces: boolean,
  ): Uint8Array[] {
    const { codec, prefix: namePart } = this.#choose(value, node);
    const key = keyBytes(fingerprint, codec.name, node);
    const prefix = headerOf(namePart, key);
    const room = prefix.length + TRAILER;
    // The first array is always a Buffer (the header is written with its methods); the others are the codec's own.
    let out: Uint8Array[];
    let payloadLength: number;
    try {
      if (pieces && codec.encodeChunks !== undefined) {
        out = framedChunks(codec, codec.encodeChunks(value, room), room, node);
        payloadLength = -room;
        for (const chunk of out) payloadLength += chunk.byteLength;
        prefix.copy(out[0] as Buffer, 0);
      } else if (codec.encodeWithRoom !== undefined) {
        // The codec leaves room for the header in front of its payload (the default v8 codec does):
        // the header is written in place, the payload is not copied. Same bytes as the branch below.
        const framed: unknown = codec.encodeWithRoom(value, room);
        if (!(framed instanceof Uint8Array) || framed.byteLength < room) {
          const got = framed instanceof Uint8Array ? `${framed.byteLength} bytes` : describe(framed);
          throw new CodecError(
            codec.name,
            node,
            `returned ${got} from encodeWithRoom(value, ${room}); it must return the ${room} bytes of room asked for, then the payload`,
          );
        }
        payloadLength = framed.byteLength - room;
        out = [Buffer.from(framed.buffer, framed.byteOffset, framed.byteLength)];
        prefix.copy(out[0] as Buffer, 0);
      } else {
        const payload: unknown = codec.encode(value);
        if (!(payload instanceof Uint8Array)) {
          throw new CodecError(codec.name, node, `returned ${describe(payload)} from encode instead of a Uint8Array`);
        }
        payloadLength = payload.byteLength;
        if (payloadLength <= this.maxResultBytes) {
          const whole = Buffer.allocUnsafe(room + payloadLength);
          prefix.copy(whole, 0);
          whole.set(payload, room);
          out = [whole];
        } else {
          out = [];
        }
      }
    } catch (error) {
      if (error instanceof CodecError) throw error;
      const reason = errorMessage(error);
      throw new CodecError(
        codec.name,
        node,
        `cannot encode the result (${describe(value)}): ${reason}. Return serialisable data, register a codec for this type, or give the node cache({ behavior: "disable" })`,
        { cause: error },
      );
    }
    if (payloadLength > this.maxResultBytes) {
      throw new CodecError(
        codec.name,
        node,
        `encoded the result to ${payloadLength} bytes, above maxResultBytes (${this.maxResultBytes}); raise the limit or disable caching for this node`,
      );
    }
    const head = out[0] as Buffer;
    const checksumAt = prefix.length;
    const seed = keySeed(key);
    const checksum =
      out.length === 1 ? xxh64(head.subarray(room), seed) : xxh64Chunks([head.subarray(room), ...out.slice(1)], seed);
    head.writeBigUInt64BE(checksum, checksumAt);
    head.writeUInt32BE(Math.floor(payloadLength / TWO_32), checksumAt + 8);
    head.writeUInt32BE(payloadLength % TWO_32, checksumAt + 12);
    return out;
  }

  /**
   * Verifies the envelope and decodes the payload with the codec named in it. Throws
   * CorruptResultError for wrong magic bytes, unknown versions or codecs, sizes that do not match
   * (checked before anything is allocated), checksum mismatches, payloads the codec rejects and —
   * when `fingerprint` is given — bytes written for another fingerprint (or for none): a result
   * file copied or restored to the wrong name, an object written under the wrong key.
   */
  decode(bytes: Uint8Array, fingerprint?: Fingerprint): unknown {
    if (!(bytes instanceof Uint8Array)) {
      throw new CorruptResultError(`stored result is ${describe(bytes)}, not bytes; it will be recomputed`);
    }
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.length < FIXED_HEADER || view[0] !== MAGIC[0] || view[1] !== MAGIC[1] || view[2] !== MAGIC[2]) {
      throw new CorruptResultError(
        view.length < FIXED_HEADER
          ? `stored result is truncated: ${view.length} bytes, shorter than the envelope header`
          : `stored result does not start with the "HAM" magic bytes: it is not a ham result or is damaged`,
      );
    }
    const version = view[3];
    if (version !== RESULT_FORMAT_VERSION) {
      throw new CorruptResultError(
        `stored result has envelope format version ${String(version)}, this ham reads version ${RESULT_FORMAT_VERSION} (written by another ham version, or damaged)`,
      );
    }
    const nameLength = view[4] ?? 0;
    const keyAt = FIXED_HEADER + nameLength + KEY_LENGTH_BYTES;
    if (nameLength === 0 || view.length < keyAt) {
      throw new CorruptResultError(
        `stored result is truncated: ${view.length} bytes, shorter than its header (${keyAt} bytes)`,
      );
    }
    const keyLength = view.readUInt16BE(keyAt - KEY_LENGTH_BYTES);
    const checksumAt = keyAt + keyLength + padding(keyAt + keyLength);
    const payloadStart = checksumAt + TRAILER;
    if (view.length < payloadStart) {
      throw new CorruptResultError(
        `stored result is truncated: ${view.length} bytes, shorter than its header (${payloadStart} bytes)`,
      );
    }
    const codecName = view.toString("utf8", FIXED_HEADER, FIXED_HEADER + nameLength);
    for (let i = keyAt + keyLength; i < checksumAt; i++) {
      if (view[i] !== 0)
        throw new CorruptResultError(`stored result has a damaged header (non-zero padding at byte ${i})`);
    }
    const key = view.subarray(keyAt, keyAt + keyLength);
    if (fingerprint !== undefined && key.toString("latin1") !== fingerprint) {
      throw new CorruptResultError(
        keyLength === 0
          ? `stored result under "${fingerprint}" names no fingerprint: it was not written by the cache for this key (copied or restored to the wrong name, or written under the wrong key)`
          : `stored result under "${fingerprint}" was written for "${key.toString("latin1")}": its bytes belong to another entry (copied or restored to the wrong name, or written under the wrong key)`,
      );
    }
    const registered = this.#byName.get(codecName);
    if (registered === undefined) {
      throw new CorruptResultError(
        `stored result was written by codec "${codecName}", which is not registered (known: ${this.codecNames.join(", ")}); pass it in the cache's codecs option`,
      );
    }
    const claimed = view.readUInt32BE(checksumAt + 8) * TWO_32 + view.readUInt32BE(checksumAt + 12);
    const actual = view.length - payloadStart;
    if (claimed > this.maxResultBytes) {
      throw new CorruptResultError(
        `stored result claims a payload of ${claimed} bytes, above maxResultBytes (${this.maxResultBytes}): damaged`,
      );
    }
    if (claimed !== actual) {
      throw new CorruptResultError(
        claimed > actual
          ? `stored result is truncated: its payload should be ${claimed} bytes but only ${actual} are there`
          : `stored result has ${actual - claimed} unexpected bytes after its ${claimed}-byte payload`,
      );
    }
    const payload = view.subarray(payloadStart);
    if (xxh64(payload, keySeed(key)) !== view.readBigUInt64BE(checksumAt)) {
      throw new CorruptResultError(
        `stored result (codec "${codecName}", ${claimed} bytes) fails its checksum: the bytes were damaged`,
      );
    }
    try {
      return registered.codec.decode(payload);
    } catch (error) {
      throw new CorruptResultError(
        `codec "${codecName}" could not decode a stored result that passed its checksum: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }

  #choose(value: unknown, node: string | undefined): Registered {
    for (const registered of this.#custom) {
      let accepted: boolean;
      try {
        accepted = registered.codec.accepts(value);
      } catch (error) {
        throw new CodecError(registered.codec.name, node, `threw from accepts(): ${errorMessage(error)}`, {
          cause: error,
        });
      }
      if (accepted) return registered;
    }
    return this.#default;
  }
}

/**
 * A codec's `encodeChunks` answer, checked: at least one array, each bytes, the first holding the room
 * asked for. The first comes back as a Buffer over the same memory; the others as the codec gave them.
 */
function framedChunks(codec: Codec, chunks: unknown, room: number, node: string | undefined): Uint8Array[] {
  const list: readonly unknown[] | undefined = Array.isArray(chunks) ? chunks : undefined;
  const first = list?.[0];
  if (!(first instanceof Uint8Array) || first.byteLength < room || !list!.every((c) => c instanceof Uint8Array)) {
    const got = list
      ? `[${list.map((c) => (c instanceof Uint8Array ? `${c.byteLength} bytes` : describe(c))).join(", ")}]`
      : describe(chunks);
    throw new CodecError(
      codec.name,
      node,
      `returned ${got} from encodeChunks(value, ${room}); it must return byte arrays, the first starting with the ${room} bytes of room asked for`,
    );
  }
  return [Buffer.from(first.buffer, first.byteOffset, first.byteLength), ...(list as Uint8Array[]).slice(1)];
}

function validateCodec(codec: unknown, index: number): asserts codec is Codec {
  const c = codec as Partial<Codec> | null;
  const where = `ResultCodec: codecs[${index}]`;
  if (typeof c !== "object" || c === null)
    throw new ConfigurationError(`${where} must be a codec object, got ${describe(codec)}`);
  if (typeof c.name !== "string" || c.name === "" || Buffer.byteLength(c.name) > 255) {
    throw new ConfigurationError(
      `${where} needs a "name" of 1–255 bytes (it is written with every result to pick the decoder)`,
    );
  }
  for (const method of ["accepts", "encode", "decode"] as const) {
    if (typeof c[method] !== "function")
      throw new ConfigurationError(`${where} ("${c.name}") has no ${method}() method`);
  }
  for (const method of ["encodeWithRoom", "encodeChunks"] as const) {
    if (c[method] !== undefined && typeof c[method] !== "function") {
      throw new ConfigurationError(
        `${where} ("${c.name}") has an ${method} that is not a method: make it a function, or leave it out`,
      );
    }
  }
}

/**
 * Zero bytes after the key so the payload starts at a multiple of 8: decoders can then read typed
 * arrays (v8's Float64Array, Arrow buffers) in place instead of copying them to align them.
 */
function padding(headerBytes: number): number {
  return (8 - ((headerBytes + TRAILER) % 8)) % 8;
}

function register(codec: Codec): Registered {
  const name = Buffer.from(codec.name, "utf8");
  const prefix = Buffer.alloc(FIXED_HEADER + name.length);
  prefix.set(MAGIC, 0);
  prefix[3] = RESULT_FORMAT_VERSION;
  prefix[4] = name.length;
  name.copy(prefix, FIXED_HEADER);
  return { codec, prefix };
}

/** The header up to the checksum: the codec's precomputed part, the key and the padding. */
function headerOf(namePart: Buffer, key: Buffer): Buffer {
  const keyAt = namePart.length + KEY_LENGTH_BYTES;
  const header = Buffer.alloc(keyAt + key.length + padding(keyAt + key.length));
  namePart.copy(header, 0);
  header.writeUInt16BE(key.length, namePart.length);
  key.copy(header, keyAt);
  return header;
}

const NO_KEY = Buffer.alloc(0);

function keyBytes(fingerprint: Fingerprint | undefined, codec: string, node: string | undefined): Buffer {
  if (fingerprint === undefined) return NO_KEY;
  const key = Buffer.from(String(fingerprint), "latin1");
  if (key.length > MAX_KEY_BYTES || key.toString("latin1") !== fingerprint) {
    throw new CodecError(
      codec,
      node,
      `cannot name fingerprint ${JSON.stringify(String(fingerprint).slice(0, 80))} in the envelope: fingerprints are up to ${MAX_KEY_BYTES} ASCII characters`,
    );
  }
  return key;
}

/** The checksum's seed: ties the payload to the key named in the header (0 when none is). */
function keySeed(key: Uint8Array): bigint {
  return key.length === 0 ? 0n : xxh64(key);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `a ${value.constructor?.name ?? "Object"}`;
  if (typeof value === "function") return "a function";
  return `a ${typeof value}`;
}
