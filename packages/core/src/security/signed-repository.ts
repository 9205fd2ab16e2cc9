// SignedFingerprintRepository: a decorator that signs every context key → fingerprint record, meta
// included, with HMAC-SHA256 and treats a record whose signature is missing or wrong as a miss.
import type {
  Fingerprint,
  FingerprintEntry,
  FingerprintMeta,
  FingerprintRepository,
  ReleaseLock,
  RunRecord,
  StoreOpenOptions,
} from "../contracts.js";
import { forwardOptional } from "../stores/forward-optional.js";
import { hmac, type ResolvedKey, sameMac, sha256, shortKey } from "./signing-keys.js";

const DOMAIN = "ham-record-v2\u0000";
const META_DOMAIN = "ham-record-meta-v2\u0000";
/**
 * Stored fingerprint = fingerprint + MARK + META + MAC, all base64url (url-safe, as repositories
 * require). META is a digest of the record's meta (createdAt, codeVersion, node), so the MAC over
 * (context key, fingerprint, META) covers the meta too while `get` can check it without the meta.
 */
const MARK = "_s2";
const META_CHARS = 22; // base64url of 16 bytes (a SHA-256 prefix), no padding
const MAC_CHARS = 43; // base64url of 32 bytes, no padding
const SUFFIX = MARK.length + META_CHARS + MAC_CHARS;
/** Records signed by ham before meta was signed: their createdAt is unprotected, so they are misses. */
const OLD_MARK = "_s1";
const OLD_SUFFIX = OLD_MARK.length + MAC_CHARS;

/**
 * Wraps any FingerprintRepository. `set` stores `fingerprint + "_s2" + META + HMAC(contextKey,
 * fingerprint, META)` under the context key, so a record copied to another key, pointed at another
 * fingerprint, or given another createdAt (which decides maxAge), codeVersion or node no longer
 * verifies; `get` strips and checks the signature, `getEntry` and `entries` check the meta as well.
 * The first key signs, every key verifies (rotation). Records signed in the "_s1" format (before
 * meta was signed) are misses. Run history passes through unsigned: it feeds `explain`, never a hit.
 */
export class SignedFingerprintRepository implements FingerprintRepository {
  readonly name: string;
  readonly inner: FingerprintRepository;
  readonly #keys: readonly ResolvedKey[];
  readonly #warn: (message: string) => void;
  // Optional members exist only when the wrapped repository has them (the cache checks for them).
  readonly open?: (options?: StoreOpenOptions) => Promise<void>;
  readonly close?: () => Promise<void>;
  readonly getMany?: (contextKeys: readonly string[]) => Promise<(Fingerprint | undefined)[]>;
  readonly setMany?: (entries: readonly FingerprintEntry[]) => Promise<void>;
  readonly getEntry?: (contextKey: string) => Promise<FingerprintEntry | undefined>;
  readonly delete?: (contextKey: string) => Promise<void>;
  readonly entries?: () => AsyncIterable<FingerprintEntry>;
  readonly saveRun?: (run: RunRecord) => Promise<void>;
  readonly listRuns?: (options?: { limit?: number }) => Promise<RunRecord[]>;
  readonly getRun?: (runId: string) => Promise<RunRecord | undefined>;
  readonly deleteRuns?: (runIds: readonly string[]) => Promise<void>;
  readonly acquireLock?: (contextKey: string) => Promise<ReleaseLock>;

  constructor(inner: FingerprintRepository, keys: readonly ResolvedKey[], warn: (message: string) => void) {
    this.inner = inner;
    this.name = inner.name;
    this.#keys = keys;
    this.#warn = warn;
    const verifyEntry = (entry: FingerprintEntry) => this.#verifyEntry(entry);
    // Records are signed on the way in and verified on the way out; run history and housekeeping pass through.
    forwardOptional<FingerprintRepository>(this, inner, {
      open: "forward",
      close: "forward",
      getMany: (getMany) => async (keys) =>
        (await getMany(keys)).map((stored, n) => this.#verify(keys[n] as string, stored)),
      setMany: (setMany) => (entries) =>
        setMany(
          entries.map((e) => {
            const meta = normalMeta(e);
            return { ...meta, contextKey: e.contextKey, fingerprint: this.#sign(e.contextKey, e.fingerprint, meta) };
          }),
        ),
      getEntry: (getEntry) => async (contextKey) => {
        const entry = await getEntry(contextKey);
        return entry === undefined ? undefined : this.#verifyEntry(entry);
      },
      delete: "forward",
      entries: (entries) =>
        async function* () {
          for await (const entry of entries()) {
            const verified = verifyEntry(entry);
            if (verified !== undefined) yield verified;
          }
        },
      saveRun: "forward",
      listRuns: "forward",
      getRun: "forward",
      deleteRuns: "forward",
      acquireLock: "forward",
    });
  }

  async get(contextKey: string): Promise<Fingerprint | undefined> {
    return this.#verify(contextKey, await this.inner.get(contextKey));
  }

  set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void> {
    const signed = normalMeta(meta);
    return this.inner.set(contextKey, this.#sign(contextKey, fingerprint, signed), signed);
  }

  #sign(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): string {
    const key = this.#keys[0] as ResolvedKey;
    const digest = metaDigest(meta);
    return `${fingerprint}${MARK}${digest}${hmac(key, DOMAIN, [contextKey, fingerprint, digest]).toString("base64url")}`;
  }

  /** The fingerprint and meta digest of a stored record when its signature verifies; otherwise a miss, with a warning. */
  #unseal(contextKey: string, stored: string | undefined): { fingerprint: Fingerprint; digest: string } | undefined {
    if (stored === undefined) return undefined;
    if (
      typeof stored !== "string" ||
      stored.length <= SUFFIX ||
      stored.slice(-SUFFIX, -SUFFIX + MARK.length) !== MARK
    ) {
      if (
        typeof stored === "string" &&
        stored.length > OLD_SUFFIX &&
        stored.slice(-OLD_SUFFIX, -MAC_CHARS) === OLD_MARK
      ) {
        // One warning per store, not one per record: after an upgrade every old record says the same.
        this.#warn(
          `store "${this.name}": records signed by an older ham (format "_s1", whose signature did not cover createdAt) are treated as misses; they are recomputed and signed again`,
        );
      } else {
        this.#reject(contextKey, "has no signature");
      }
      return undefined;
    }
    const fingerprint = stored.slice(0, -SUFFIX);
    const digest = stored.slice(-SUFFIX + MARK.length, -MAC_CHARS);
    const given = Buffer.from(stored.slice(-MAC_CHARS), "base64url");
    for (const key of this.#keys) {
      if (sameMac(given, hmac(key, DOMAIN, [contextKey, fingerprint, digest]))) return { fingerprint, digest };
    }
    this.#reject(contextKey, "has a wrong signature");
    return undefined;
  }

  #verify(contextKey: string, stored: string | undefined): Fingerprint | undefined {
    return this.#unseal(contextKey, stored)?.fingerprint;
  }

  /** The entry when its signature verifies and its meta is the meta that was signed; otherwise a miss. */
  #verifyEntry(entry: FingerprintEntry): FingerprintEntry | undefined {
    const opened = this.#unseal(entry.contextKey, entry.fingerprint);
    if (opened === undefined) return undefined;
    if (metaDigest(entry) !== opened.digest) {
      this.#reject(entry.contextKey, "has meta (createdAt, codeVersion or node) that differs from what was signed");
      return undefined;
    }
    return { ...entry, fingerprint: opened.fingerprint };
  }

  #reject(contextKey: string, problem: string): void {
    this.#warn(
      `store "${this.name}": the fingerprint record for context key "${shortKey(contextKey)}" ${problem}; treated as a miss (signing is on: only records signed with one of this cache's keys are used — it was tampered with, written without signing, or signed with a key not in signingKey)`,
    );
  }
}

/** The meta as it is signed and stored: whole milliseconds (what every store keeps), strings. */
function normalMeta(meta: FingerprintMeta): FingerprintMeta {
  const createdAt = Number.isFinite(meta?.createdAt) ? Math.trunc(meta.createdAt) : Date.now();
  return { node: String(meta?.node), codeVersion: String(meta?.codeVersion), createdAt };
}

/** A 128-bit digest of the meta; the record's MAC covers it, so changing any meta field breaks the MAC. */
function metaDigest(meta: FingerprintMeta): string {
  return sha256(META_DOMAIN, [String(meta.createdAt), String(meta.codeVersion), String(meta.node)])
    .subarray(0, 16)
    .toString("base64url");
}
