// Read packs: the small results one getMany asked for, kept together in one object, so the next
// getMany of the same keys (the next warm run of the same dataflow) is one GET instead of one per
// result. A pack is only a copy: every result also stays its own object. Results are content-
// addressed (a key always names the same bytes), so a pack can never hand back a wrong value; the
// object's SHA-256 (metadata, as for results) is checked before any of it is used.
//
// Layout: "HAMPACK1", u32 count, then per entry u16 key length, the key (UTF-8), u32 byte length,
// the bytes; integers little-endian.
import { createHash } from "node:crypto";

/** Packs live in this folder under the store's prefix: "." never occurs in a result key (a fingerprint). */
export const PACK_FOLDER = ".packs";
/** A getMany of fewer keys reads them one by one and writes no pack. */
export const PACK_MIN_KEYS = 8;
/** A getMany whose results total more than this is not packed (large results gain little from it). */
export const PACK_MAX_BYTES = 4 * 1024 * 1024;

const MAGIC = Buffer.from("HAMPACK1", "latin1");

/** The pack's name for a set of keys: the same whatever their order or repeats. */
export function packName(keys: readonly string[]): string {
  const unique = [...new Set(keys)].sort();
  return createHash("sha256").update(JSON.stringify(unique)).digest("base64url");
}

/** One buffer holding `entries` (each key once). */
export function encodePack(entries: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const keys = [...entries.keys()].map((key) => Buffer.from(key, "utf8"));
  let size = MAGIC.byteLength + 4;
  let i = 0;
  for (const bytes of entries.values()) size += 2 + keys[i++]!.byteLength + 4 + bytes.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = MAGIC.copy(out, 0);
  at = out.writeUInt32LE(entries.size, at);
  i = 0;
  for (const bytes of entries.values()) {
    const key = keys[i++]!;
    at = out.writeUInt16LE(key.byteLength, at);
    at += key.copy(out, at);
    at = out.writeUInt32LE(bytes.byteLength, at);
    out.set(bytes, at);
    at += bytes.byteLength;
  }
  return out;
}

/** The entries of a pack (views into `pack`, no copies), or undefined when it is not a well-formed pack. */
export function decodePack(pack: Uint8Array): Map<string, Uint8Array> | undefined {
  const buf = Buffer.from(pack.buffer, pack.byteOffset, pack.byteLength);
  if (buf.byteLength < MAGIC.byteLength + 4 || !buf.subarray(0, MAGIC.byteLength).equals(MAGIC)) return undefined;
  const count = buf.readUInt32LE(MAGIC.byteLength);
  const entries = new Map<string, Uint8Array>();
  let at = MAGIC.byteLength + 4;
  for (let i = 0; i < count; i++) {
    if (at + 2 > buf.byteLength) return undefined;
    const keyLength = buf.readUInt16LE(at);
    at += 2;
    if (at + keyLength + 4 > buf.byteLength) return undefined;
    const key = buf.toString("utf8", at, at + keyLength);
    at += keyLength;
    const length = buf.readUInt32LE(at);
    at += 4;
    if (at + length > buf.byteLength) return undefined;
    entries.set(key, pack.subarray(at, at + length));
    at += length;
  }
  return at === buf.byteLength ? entries : undefined;
}
