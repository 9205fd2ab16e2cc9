// MurmurHash3 x86 128-bit, bit-identical to murmurhash3js-revisited's `x86.hash128` (checked by
// murmur3.test.ts against the library over many lengths). Why our own loop: the library multiplies
// in 16-bit halves and builds a hex string, ~1 µs per small input and ~600 MB/s; `Math.imul` and a
// reused output array make it ~0.15 µs and ~1.9 GB/s, which the per-node budget (DESIGN.md) needs.

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const digest = Buffer.alloc(16);

/**
 * Hashes `bytes[start, end)` and writes the 16-byte digest (h1..h4, each big-endian, the byte
 * order of the library's hex string) into a shared buffer that the next call overwrites.
 */
export function murmur3x86128Into(bytes: Uint8Array, start: number, end: number, seed = 0): Buffer {
  const length = end - start;
  let h1 = seed | 0;
  let h2 = h1;
  let h3 = h1;
  let h4 = h1;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  const blocksEnd = start + (length & ~15);
  let i = start;
  // noUncheckedIndexedAccess types bytes[i] as number | undefined; every index here is in range,
  // and `undefined << n` would be 0 anyway, so the non-null assertions cost nothing at run time.
  for (; i < blocksEnd; i += 16) {
    k1 = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k2 = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    k3 = bytes[i + 8]! | (bytes[i + 9]! << 8) | (bytes[i + 10]! << 16) | (bytes[i + 11]! << 24);
    k4 = bytes[i + 12]! | (bytes[i + 13]! << 8) | (bytes[i + 14]! << 16) | (bytes[i + 15]! << 24);

    k1 = Math.imul(k1, C1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, C2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

    k2 = Math.imul(k2, C2);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, C3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;

    k3 = Math.imul(k3, C3);
    k3 = (k3 << 17) | (k3 >>> 15);
    k3 = Math.imul(k3, C4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;

    k4 = Math.imul(k4, C4);
    k4 = (k4 << 18) | (k4 >>> 14);
    k4 = Math.imul(k4, C1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }

  k1 = 0;
  k2 = 0;
  k3 = 0;
  k4 = 0;
  /* eslint-disable no-fallthrough -- the tail mixes bytes 15..1 in one fall-through, as the reference does */
  switch (length & 15) {
    case 15:
      k4 ^= bytes[i + 14]! << 16;
    case 14:
      k4 ^= bytes[i + 13]! << 8;
    case 13:
      k4 ^= bytes[i + 12]!;
      k4 = Math.imul(k4, C4);
      k4 = (k4 << 18) | (k4 >>> 14);
      k4 = Math.imul(k4, C1);
      h4 ^= k4;
    case 12:
      k3 ^= bytes[i + 11]! << 24;
    case 11:
      k3 ^= bytes[i + 10]! << 16;
    case 10:
      k3 ^= bytes[i + 9]! << 8;
    case 9:
      k3 ^= bytes[i + 8]!;
      k3 = Math.imul(k3, C3);
      k3 = (k3 << 17) | (k3 >>> 15);
      k3 = Math.imul(k3, C4);
      h3 ^= k3;
    case 8:
      k2 ^= bytes[i + 7]! << 24;
    case 7:
      k2 ^= bytes[i + 6]! << 16;
    case 6:
      k2 ^= bytes[i + 5]! << 8;
    case 5:
      k2 ^= bytes[i + 4]!;
      k2 = Math.imul(k2, C2);
      k2 = (k2 << 16) | (k2 >>> 16);
      k2 = Math.imul(k2, C3);
      h2 ^= k2;
    case 4:
      k1 ^= bytes[i + 3]! << 24;
    case 3:
      k1 ^= bytes[i + 2]! << 16;
    case 2:
      k1 ^= bytes[i + 1]! << 8;
    case 1:
      k1 ^= bytes[i]!;
      k1 = Math.imul(k1, C1);
      k1 = (k1 << 15) | (k1 >>> 17);
      k1 = Math.imul(k1, C2);
      h1 ^= k1;
  }
  /* eslint-enable no-fallthrough */

  // The reference xors the length as a 32-bit value.
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;

  // Plain byte stores: Buffer#writeUInt32BE range-checks every call, a measurable cost at 0.2 µs a hash.
  digest[0] = h1 >>> 24;
  digest[1] = h1 >>> 16;
  digest[2] = h1 >>> 8;
  digest[3] = h1;
  digest[4] = h2 >>> 24;
  digest[5] = h2 >>> 16;
  digest[6] = h2 >>> 8;
  digest[7] = h2;
  digest[8] = h3 >>> 24;
  digest[9] = h3 >>> 16;
  digest[10] = h3 >>> 8;
  digest[11] = h3;
  digest[12] = h4 >>> 24;
  digest[13] = h4 >>> 16;
  digest[14] = h4 >>> 8;
  digest[15] = h4;
  return digest;
}

/** murmur3 x86 128-bit of `bytes[start, end)` as 22 url-safe base64 characters (no padding). */
export function murmur3x86128Base64Url(bytes: Uint8Array, start = 0, end = bytes.byteLength): string {
  return murmur3x86128Into(bytes, start, end).toString("base64url");
}
