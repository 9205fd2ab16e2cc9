// The default context key, remembered per node: a reused driver's warm run does not encode the same key again.
import type { Fingerprint } from "../contracts.js";
import { encodeDict, encodePair } from "./encode-dict.js";

/** The default context key: `encodeDict({ [codeVersion]: encodeDict(inputFingerprints) })`; no node name. */
export function defaultContextKey(
  codeVersion: string,
  inputFingerprints: Readonly<Record<string, Fingerprint>>,
): string {
  return encodePair(codeVersion, encodeDict(inputFingerprints));
}

/** What a node's key was last made from, and the key. */
interface Remembered {
  readonly codeVersion: string;
  /** Parameter names and fingerprints, alternating, in the record's order. */
  readonly pairs: readonly string[];
  readonly key: string;
}

/**
 * Each node's last default context key with what it was made from. A node asked again with the same
 * code version and the same input fingerprints (same names, values and order) gets the key back
 * without encoding; anything else is encoded and remembered in its place. One entry per node name, so
 * the memo never grows with the number of runs.
 */
export class ContextKeyMemo {
  readonly #last = new Map<string, Remembered>();

  /** `defaultContextKey(codeVersion, inputFingerprints)`, remembered for `node`. */
  key(node: string, codeVersion: string, inputFingerprints: Readonly<Record<string, Fingerprint>>): string {
    const names = Object.keys(inputFingerprints);
    const last = this.#last.get(node);
    if (last !== undefined && last.codeVersion === codeVersion && samePairs(last.pairs, names, inputFingerprints))
      return last.key;
    const pairs: string[] = [];
    for (const name of names) pairs.push(name, inputFingerprints[name] as string);
    const key = defaultContextKey(codeVersion, inputFingerprints);
    this.#last.set(node, { codeVersion, pairs, key });
    return key;
  }

  /** How many nodes have a key remembered (for tests). */
  get size(): number {
    return this.#last.size;
  }
}

function samePairs(
  pairs: readonly string[],
  names: readonly string[],
  record: Readonly<Record<string, Fingerprint>>,
): boolean {
  if (pairs.length !== names.length * 2) return false;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (pairs[2 * i] !== name || pairs[2 * i + 1] !== record[name]) return false;
  }
  return true;
}
