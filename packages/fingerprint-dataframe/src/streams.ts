// Chunk-independent streaming hashes over ctx.hashBytes: byte and bit streams cut into fixed blocks.
//
// Why blocks: the fingerprint context only offers one-shot `hashBytes`. Hashing every input chunk
// separately would make the result depend on how a table happens to be chunked; concatenating the
// chunks would copy the whole column. Cutting the *logical* stream at fixed 4 MiB boundaries gives
// the same block list for any chunking, copies only the bytes that straddle a boundary, and the
// digest is a hash over the block hashes (a two-level tree).
// (An empty piece list never reaches flushBlock: it runs only with pendingBytes > 0.)

/** Bytes per block. Large enough that per-block overhead is noise, small enough to bound scratch. */
export const BLOCK_BYTES = 4 << 20;

/** One-shot byte hash, as handed over by the fingerprint context. */
export type HashBytes = (bytes: Uint8Array) => string;

const encoder = new TextEncoder();

/** Hashes a short descriptive string (schemas, digests lists) with the bulk hash. */
export function hashText(hashBytes: HashBytes, text: string): string {
  return hashBytes(encoder.encode(text));
}

// One scratch buffer for all streams: a block is assembled and hashed synchronously, so no two
// streams use it at the same time, and no per-column allocation is needed.
let scratch: Uint8Array | undefined;

/**
 * A byte stream hashed block by block; the same bytes in any split give the same digest.
 * Written bytes are kept as views (no copy) until a block is complete: a block that lies inside one
 * written piece is hashed in place; only a block assembled from several pieces is copied once.
 * Callers must not modify bytes they wrote before `digest()`.
 */
export class ByteStream {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly hashes: string[] = [];
  private total = 0;

  constructor(private readonly hashBytes: HashBytes) {}

  /** Bytes written so far. */
  get length(): number {
    return this.total;
  }

  /** Appends `bytes` (kept by reference until its block is hashed). */
  write(bytes: Uint8Array): void {
    const n = bytes.byteLength;
    this.total += n;
    let at = 0;
    while (at < n) {
      if (this.pendingBytes === 0 && n - at >= BLOCK_BYTES) {
        this.hashes.push(this.hashBytes(bytes.subarray(at, at + BLOCK_BYTES)));
        at += BLOCK_BYTES;
        continue;
      }
      const take = Math.min(BLOCK_BYTES - this.pendingBytes, n - at);
      this.pending.push(bytes.subarray(at, at + take));
      this.pendingBytes += take;
      at += take;
      if (this.pendingBytes === BLOCK_BYTES) this.flushBlock();
    }
  }

  /** Digest of everything written: total length plus the block hashes. */
  digest(): string {
    if (this.pendingBytes > 0) this.flushBlock();
    return `${this.total}:${this.hashes.join(",")}`;
  }

  private flushBlock(): void {
    if (this.pending.length === 1) {
      this.hashes.push(this.hashBytes(this.pending[0]!));
    } else {
      scratch ??= new Uint8Array(BLOCK_BYTES);
      let at = 0;
      for (const piece of this.pending) {
        scratch.set(piece, at);
        at += piece.byteLength;
      }
      this.hashes.push(this.hashBytes(scratch.subarray(0, at)));
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

const ONES = new Uint8Array(1 << 16).fill(0xff);

/**
 * A bit stream (validity bitmaps, booleans) on top of a ByteStream. Arrow bitmaps are LSB-first
 * and may start at any bit offset; chunks of any length are packed densely, so the stream is the
 * bitmap of the whole column no matter where chunks begin and end. Bits past the end are zero.
 */
export class BitStream {
  private readonly bytes: ByteStream;
  private acc = 0;
  private pending = 0;
  private bits = 0;

  constructor(hashBytes: HashBytes) {
    this.bytes = new ByteStream(hashBytes);
  }

  /** Bits written so far. */
  get length(): number {
    return this.bits;
  }

  /** Appends `count` bits of `source` starting at bit `bitOffset`. */
  append(source: Uint8Array, bitOffset: number, count: number): void {
    if (count <= 0) return;
    this.bits += count;
    if (this.pending === 0 && (bitOffset & 7) === 0) {
      // Fast path: both sides byte-aligned, hash the bitmap bytes as they are.
      const start = bitOffset >> 3;
      const whole = count >> 3;
      if (whole > 0) this.bytes.write(source.subarray(start, start + whole));
      const rest = count & 7;
      if (rest > 0) {
        this.acc = (source[start + whole] ?? 0) & ((1 << rest) - 1);
        this.pending = rest;
      }
      return;
    }
    // Slow path (misaligned chunk boundary): shift into a scratch buffer, one loop step per 8 rows.
    const pending = this.pending;
    const totalBits = pending + count;
    const out = new Uint8Array((totalBits + 7) >> 3);
    out[0] = this.acc;
    const shift = bitOffset & 7;
    const base = bitOffset >> 3;
    const alignedBytes = (count + 7) >> 3;
    for (let j = 0; j < alignedBytes; j++) {
      const lo = source[base + j] ?? 0;
      const hi = source[base + j + 1] ?? 0;
      let byte = ((lo | (hi << 8)) >>> shift) & 0xff;
      if (j === alignedBytes - 1 && (count & 7) !== 0) byte &= (1 << (count & 7)) - 1;
      if (pending === 0) {
        out[j] = byte;
      } else {
        out[j] = out[j]! | ((byte << pending) & 0xff);
        if (j + 1 < out.length) out[j + 1] = byte >>> (8 - pending);
      }
    }
    const whole = totalBits >> 3;
    if (whole > 0) this.bytes.write(out.subarray(0, whole));
    this.pending = totalBits & 7;
    this.acc = this.pending > 0 ? out[whole]! & ((1 << this.pending) - 1) : 0;
  }

  /** Appends `count` set bits (rows that have no validity bitmap are all valid). */
  appendOnes(count: number): void {
    const step = ONES.byteLength * 8;
    for (let left = count; left > 0; left -= step) this.append(ONES, 0, Math.min(left, step));
  }

  /** Digest of the bits written (the last partial byte is zero-padded). */
  digest(): string {
    if (this.pending > 0) {
      this.bytes.write(Uint8Array.of(this.acc));
      this.pending = 0;
      this.acc = 0;
    }
    return `${this.bits}b:${this.bytes.digest()}`;
  }
}
