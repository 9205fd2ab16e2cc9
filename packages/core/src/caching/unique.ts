// Recognises the one-time fingerprints given to values that cannot be fingerprinted.

/** One-time fingerprints start with "~", a character the fingerprint alphabet never uses. */
export function isUniqueFingerprint(fingerprint: string): boolean {
  return fingerprint.startsWith("~");
}
