// SignedResultStore: a decorator that appends an HMAC-SHA256 trailer over (key, bytes) to every
// stored result and treats a result with a missing or wrong signature as absent (with a warning).
import type { Fingerprint, ResultStore, StoreOpenOptions } from "../contracts.js";
import { forwardOptional } from "../stores/forward-optional.js";
import { hmac, type ResolvedKey, sameMac, shortKey } from "./signing-keys.js";

const DOMAIN = "ham-result-v1\u0000";
/** Trailer: HMAC (32 bytes) | key id (8) | TAG (8). The tag tells "unsigned" from "wrongly signed". */
const TAG = Buffer.from("HAMSIG01", "latin1");
const MAC_BYTES = 32;
const ID_BYTES = 8;
const TRAILER = MAC_BYTES + ID_BYTES + TAG.length;

/**
 * Wraps any ResultStore. The signature binds the bytes to their key, so flipped, truncated or
 * swapped bytes (even another entry's validly signed bytes) are rejected. A key whose stored bytes
 * were rejected is reported absent by `has` and replaced on the next `set`, so a recomputed result
 * repairs the entry (content-addressed stores otherwise skip writing a key they already hold).
 */
export class SignedResultStore implements ResultStore {
  readonly name: string;
  readonly inner: ResultStore;
  readonly #keys: readonly ResolvedKey[];
  readonly #warn: (message: string) => void;
  /** Keys whose stored bytes failed verification in this process (replaced on the next set). */
  readonly #rejected = new Set<Fingerprint>();
  readonly open?: (options?: StoreOpenOptions) => Promise<void>;
  readonly close?: () => Promise<void>;
  readonly getMany?: (keys: readonly Fingerprint[]) => Promise<(Uint8Array | undefined)[]>;
  readonly list?: () => AsyncIterable<{ key: Fingerprint; bytes: number; lastAccess: number }>;
  readonly size?: () => Promise<number>;
  readonly setChunks?: (key: Fingerprint, chunks: readonly Uint8Array[]) => Promise<void>;

  constructor(inner: ResultStore, keys: readonly ResolvedKey[], warn: (message: string) => void) {
    this.inner = inner;
    this.name = inner.name;
    this.#keys = keys;
    this.#warn = warn;
    forwardOptional<ResultStore>(this, inner, {
      open: "forward",
      close: "forward",
      getMany: (getMany) => async (keys) =>
        (await getMany(keys)).map((bytes, n) => this.#verify(keys[n] as string, bytes)),
      list: "forward",
      size: "forward",
      setChunks: (setChunks) => (key, chunks) => this.#setChunks(setChunks, key, chunks),
    });
  }

  /**
   * True only when the stored bytes verify (so a bad entry is rewritten rather than kept). The cache
   * asks before writing a computed result, so this costs a read only where a write was due anyway.
   */
  async has(key: Fingerprint): Promise<boolean> {
    if (this.#rejected.has(key) || !(await this.inner.has(key))) return false;
    return this.#verify(key, await this.inner.get(key), false) !== undefined;
  }

  async get(key: Fingerprint): Promise<Uint8Array | undefined> {
    return this.#verify(key, await this.inner.get(key));
  }

  async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    const trailer = this.#trailer(key, bytes);
    const out = Buffer.allocUnsafe(bytes.byteLength + TRAILER);
    out.set(bytes, 0);
    trailer.copy(out, bytes.byteLength);
    await this.#replacingRejected(key);
    await this.inner.set(key, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  }

  /** setChunks, when the inner store has it: the same stored bytes as `set` of the concatenation, with no copy of the pieces. */
  async #setChunks(
    setChunks: (key: Fingerprint, chunks: readonly Uint8Array[]) => Promise<void>,
    key: Fingerprint,
    chunks: readonly Uint8Array[],
  ): Promise<void> {
    const trailer = this.#trailer(key, chunks);
    await this.#replacingRejected(key);
    await setChunks(key, [...chunks, new Uint8Array(trailer.buffer, trailer.byteOffset, trailer.byteLength)]);
  }

  /** The signature trailer of `bytes` (one array, or pieces signed as their concatenation) under `key`. */
  #trailer(key: Fingerprint, bytes: Uint8Array | readonly Uint8Array[]): Buffer {
    const signer = this.#keys[0] as ResolvedKey;
    const trailer = Buffer.allocUnsafe(TRAILER);
    hmac(signer, DOMAIN, [key, bytes]).copy(trailer, 0);
    signer.id.copy(trailer, MAC_BYTES);
    TAG.copy(trailer, MAC_BYTES + ID_BYTES);
    return trailer;
  }

  /** The stored bytes of a rejected key are bad: removed before the write, or a content-addressed store keeps them. */
  async #replacingRejected(key: Fingerprint): Promise<void> {
    if (!this.#rejected.has(key)) return;
    await this.inner.delete(key);
    this.#rejected.delete(key);
  }

  delete(key: Fingerprint): Promise<void> {
    this.#rejected.delete(key);
    return this.inner.delete(key);
  }

  /** The result bytes (a view, no copy) when the trailer verifies; otherwise absent, with a warning. */
  #verify(key: Fingerprint, stored: Uint8Array | undefined, warn = true): Uint8Array | undefined {
    if (stored === undefined) return undefined;
    const view = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (view.length < TRAILER || !view.subarray(view.length - TAG.length).equals(TAG)) {
      return this.#reject(key, "has no signature", warn);
    }
    const end = view.length - TRAILER;
    const bytes = stored.subarray(0, end);
    const mac = view.subarray(end, end + MAC_BYTES);
    const id = view.subarray(end + MAC_BYTES, end + MAC_BYTES + ID_BYTES);
    const signer = this.#keys.find((k) => k.id.equals(id));
    if (signer === undefined) return this.#reject(key, "is signed with a key this cache does not accept", warn);
    if (!sameMac(mac, hmac(signer, DOMAIN, [key, bytes]))) return this.#reject(key, "has a wrong signature", warn);
    return bytes;
  }

  #reject(key: Fingerprint, problem: string, warn: boolean): undefined {
    this.#rejected.add(key);
    if (warn)
      this.#warn(
        `store "${this.name}": result "${shortKey(key)}" ${problem}; treated as absent and recomputed (signing is on: only results signed with one of this cache's keys are used — it was tampered with, written without signing, or signed with a key not in signingKey)`,
      );
    return undefined;
  }
}
