// Key samples: every character the core can put in a fingerprint or an execution context key.

/** The url-safe base64 alphabet: every character a fingerprint (result store key) can hold. */
export const URL_SAFE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Extra characters context keys hold (encodeDict separators). */
export const CONTEXT_KEY_EXTRA = ".:~";

/** Result store keys that stress names: full alphabet, leading `-`/`_`, case twins, prefixes, long. */
export function resultStoreKeySamples(): string[] {
  return [
    URL_SAFE_ALPHABET,
    "-",
    "_",
    "-leading-dash",
    "_leading_underscore",
    "caseTwin",
    "casetwin",
    "CASETWIN",
    "prefix",
    "prefixAndMore",
    "0",
    "00",
    // The core never makes longer fingerprints; its own stores reject keys over 120 characters.
    repeatTo(URL_SAFE_ALPHABET, 120),
  ];
}

/** Context keys that stress names: the full alphabet, separators alone, case twins, prefixes, 4 KiB. */
export function contextKeySamples(): string[] {
  const all = URL_SAFE_ALPHABET + CONTEXT_KEY_EXTRA;
  return [
    all,
    ".",
    "..",
    ":",
    "~",
    "a.b:c~d",
    "~:.",
    "-._~",
    "caseTwin",
    "casetwin",
    "k",
    "k.",
    "k:",
    "k~",
    "k.sub:entry~1",
    repeatTo(all, 1024),
    // Long keys that share all but their last character: a store that truncates or hashes a prefix collides.
    `${repeatTo(all, 4095)}A`,
    `${repeatTo(all, 4095)}B`,
    repeatTo(`${all}~`, 4096),
  ];
}

/** `text` repeated (and cut) to exactly `length` characters. */
export function repeatTo(text: string, length: number): string {
  return text.repeat(Math.ceil(length / text.length)).slice(0, length);
}
