// CRC-32 of bytes: Node's native zlib.crc32 where it exists (Node ≥ 20.15), a table-driven fallback otherwise.
import zlib from "node:zlib";

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;

/** CRC-32 (IEEE, as zlib and gzip compute it) of `bytes`, continuing from `value`. */
export const crc32: (bytes: Uint8Array, value?: number) => number = native ?? crc32Js;

/** The portable implementation (exported so a test can check it equals the native one). */
export function crc32Js(bytes: Uint8Array, value = 0): number {
  table ??= makeTable();
  let crc = ~value >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = (table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return ~crc >>> 0;
}

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
