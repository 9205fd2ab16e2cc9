// SignedFingerprintRepository: a decorator that signs every context key → fingerprint record with
// HMAC-SHA256 and treats a record with a missing or wrong signature as a miss (with a warning).
import type { Fingerprint, FingerprintEntry, FingerprintMeta, FingerprintRepository, ReleaseLock, RunRecord, StoreOpenOptions } from "../contracts.js";
import { hmac, type ResolvedKey, sameMac, shortKey } from "./signing-keys.js";

const DOMAIN = "ham-record-v1\u0000";
/** Stored fingerprint = fingerprint + MARK + base64url(HMAC): url-safe, as repositories require. */
const MARK = "_s1";
const MAC_CHARS = 43; // base64url of 32 bytes, no padding
const SUFFIX = MARK.length + MAC_CHARS;

/**
 * Wraps any FingerprintRepository. `set` stores `fingerprint + "_s1" + HMAC(contextKey, fingerprint)`
 * under the context key, so a record copied to another key or pointed at another fingerprint no
 * longer verifies; `get` strips and checks it. The first key signs, every key verifies (rotation).
 * Run history passes through unsigned: it only feeds `explain`, never a result.
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
    const i = inner;
    if (i.open) this.open = (options) => i.open!(options);
    if (i.close) this.close = () => i.close!();
    if (i.getMany) this.getMany = async (keys) => (await i.getMany!(keys)).map((stored, n) => this.#verify(keys[n] as string, stored));
    if (i.setMany) this.setMany = (entries) => i.setMany!(entries.map((e) => ({ ...e, fingerprint: this.#sign(e.contextKey, e.fingerprint) })));
    if (i.getEntry) {
      this.getEntry = async (contextKey) => {
        const entry = await i.getEntry!(contextKey);
        return entry === undefined ? undefined : this.#verifyEntry(entry);
      };
    }
    if (i.delete) this.delete = (contextKey) => i.delete!(contextKey);
    if (i.entries) {
      const entries = i.entries.bind(i);
      const verifyEntry = (entry: FingerprintEntry) => this.#verifyEntry(entry);
      this.entries = async function* () {
        for await (const entry of entries()) {
          const verified = verifyEntry(entry);
          if (verified !== undefined) yield verified;
        }
      };
    }
    if (i.saveRun) this.saveRun = (run) => i.saveRun!(run);
    if (i.listRuns) this.listRuns = (options) => i.listRuns!(options);
    if (i.getRun) this.getRun = (runId) => i.getRun!(runId);
    if (i.deleteRuns) this.deleteRuns = (runIds) => i.deleteRuns!(runIds);
    if (i.acquireLock) this.acquireLock = (contextKey) => i.acquireLock!(contextKey);
  }

  async get(contextKey: string): Promise<Fingerprint | undefined> {
    return this.#verify(contextKey, await this.inner.get(contextKey));
  }

  set(contextKey: string, fingerprint: Fingerprint, meta: FingerprintMeta): Promise<void> {
    return this.inner.set(contextKey, this.#sign(contextKey, fingerprint), meta);
  }

  #sign(contextKey: string, fingerprint: Fingerprint): string {
    const key = this.#keys[0] as ResolvedKey;
    return `${fingerprint}${MARK}${hmac(key, DOMAIN, [contextKey, fingerprint]).toString("base64url")}`;
  }

  /** The fingerprint of a stored record when its signature verifies; otherwise a miss, with a warning. */
  #verify(contextKey: string, stored: string | undefined): Fingerprint | undefined {
    if (stored === undefined) return undefined;
    if (stored.length <= SUFFIX || stored.slice(-SUFFIX, -MAC_CHARS) !== MARK) {
      this.#reject(contextKey, "has no signature");
      return undefined;
    }
    const fingerprint = stored.slice(0, -SUFFIX);
    const given = Buffer.from(stored.slice(-MAC_CHARS), "base64url");
    for (const key of this.#keys) {
      if (sameMac(given, hmac(key, DOMAIN, [contextKey, fingerprint]))) return fingerprint;
    }
    this.#reject(contextKey, "has a wrong signature");
    return undefined;
  }

  #verifyEntry(entry: FingerprintEntry): FingerprintEntry | undefined {
    const fingerprint = this.#verify(entry.contextKey, entry.fingerprint);
    return fingerprint === undefined ? undefined : { ...entry, fingerprint };
  }

  #reject(contextKey: string, problem: string): void {
    this.#warn(
      `store "${this.name}": the fingerprint record for context key "${shortKey(contextKey)}" ${problem}; treated as a miss (signing is on: only records signed with one of this cache's keys are used — it was tampered with, written without signing, or signed with a key not in signingKey)`,
    );
  }
}
