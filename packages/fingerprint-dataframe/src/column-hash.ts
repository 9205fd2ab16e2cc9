// Content hashing of one Arrow column from its buffers, the same for any chunking of the column.
//
// Each buffer role (validity, values, offsets, string data, children) is its own chunk-independent
// stream (see streams.ts). What needs normalising, and how:
// - validity bitmaps start at arbitrary bit offsets and chunks end mid-byte: they are re-packed
//   densely by BitStream (a loop step per 8 rows only where a chunk is misaligned). A column
//   without nulls hashes no bitmap at all, whether or not its chunks carry all-ones bitmaps.
// - bytes under null slots are undefined in Arrow: a chunk with nulls is copied and its null slots
//   zeroed before hashing (chunks without nulls are hashed in place, no copy).
// - offsets are chunk-relative: the stream is the offsets of the concatenated column. The first
//   chunk (when it starts at 0) is hashed in place; later chunks are rebased in a scratch copy.
// - dictionary columns are hashed by value (per-entry hashes gathered per row), because every chunk
//   may carry its own dictionary; this is the one per-row loop, and it runs over 32-bit integers.
import { BitStream, ByteStream, type HashBytes, hashText } from "./streams.js";
import { type ChunkView, type TypeInfo, TypeId, isListLike, isVarWidth, sliceChunk } from "./model.js";

/** Per-call cache of dictionary entry hashes, keyed by the dictionary object. */
export type DictionaryCache = Map<object, Uint32Array>;

function isValid(bitmap: Uint8Array, bit: number): boolean {
  return ((bitmap[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

/** Null count of a chunk, counted from its bitmap when the chunk does not know it. */
export function chunkNulls(chunk: ChunkView): number {
  if (!chunk.validity) return 0;
  if (chunk.nullCount >= 0) return chunk.nullCount;
  let nulls = 0;
  for (let i = 0; i < chunk.length; i++) if (!isValid(chunk.validity, chunk.validityBit + i)) nulls++;
  return nulls;
}

/** Calls `visit(row)` for each null row; skips whole all-valid bitmap bytes. */
function forEachNull(chunk: ChunkView, visit: (row: number) => void): void {
  const bitmap = chunk.validity;
  if (!bitmap) return;
  const base = chunk.validityBit;
  for (let i = 0; i < chunk.length; ) {
    const bit = base + i;
    if ((bit & 7) === 0 && i + 8 <= chunk.length && bitmap[bit >> 3] === 0xff) {
      i += 8;
      continue;
    }
    if (!isValid(bitmap, bit)) visit(i);
    i++;
  }
}

/** A bitmap of `count` bits starting at bit 0, copied out of `source` at `bitOffset`. */
function alignedBits(source: Uint8Array, bitOffset: number, count: number): Uint8Array {
  const out = new Uint8Array((count + 7) >> 3);
  const shift = bitOffset & 7;
  const base = bitOffset >> 3;
  for (let j = 0; j < out.length; j++) {
    const lo = source[base + j] ?? 0;
    const hi = source[base + j + 1] ?? 0;
    out[j] = ((lo | (hi << 8)) >>> shift) & 0xff;
  }
  return out;
}

/** Streams one column's chunks into per-buffer hashes; `digest()` gives the column hash. */
export class ColumnHasher {
  private rows = 0;
  private nulls = 0;
  private validRowsBeforeFirstNull = 0;
  private readonly validity: BitStream;
  private readonly values: ByteStream | undefined;
  private readonly bits: BitStream | undefined;
  private readonly offsets: ByteStream | undefined;
  private readonly data: ByteStream | undefined;
  private readonly children: ColumnHasher[];
  private offsetBase: number | bigint = 0;

  constructor(
    private readonly type: TypeInfo,
    private readonly hashBytes: HashBytes,
    private readonly dictionaries: DictionaryCache,
  ) {
    const id = type.typeId;
    this.validity = new BitStream(hashBytes);
    this.bits = id === TypeId.Bool ? new BitStream(hashBytes) : undefined;
    this.values = type.byteWidth > 0 || id === TypeId.Dictionary ? new ByteStream(hashBytes) : undefined;
    const offsetted = isVarWidth(id) || isListLike(id);
    this.offsets = offsetted ? new ByteStream(hashBytes) : undefined;
    this.data = isVarWidth(id) ? new ByteStream(hashBytes) : undefined;
    this.children = type.children.map((child) => new ColumnHasher(child.type, hashBytes, dictionaries));
    if (this.offsets) this.offsets.write(new Uint8Array(this.isLarge() ? 8 : 4)); // the leading 0
    if (typeof this.offsetBase === "number" && this.isLarge()) this.offsetBase = 0n;
  }

  private isLarge(): boolean {
    const id = this.type.typeId;
    return id === TypeId.LargeUtf8 || id === TypeId.LargeBinary || id === TypeId.LargeList;
  }

  /** Adds one chunk (rows continue where the previous chunk ended). */
  feed(input: ChunkView): void {
    let chunk = input;
    const length = chunk.length;
    if (length === 0) return;
    const nulls = chunkNulls(chunk);
    this.rows += length;
    this.nulls += nulls;
    if (nulls > 0) {
      if (this.validRowsBeforeFirstNull >= 0) {
        this.validity.appendOnes(this.validRowsBeforeFirstNull);
        this.validRowsBeforeFirstNull = -1;
      }
      this.validity.append(chunk.validity!, chunk.validityBit, length);
    } else if (this.validRowsBeforeFirstNull >= 0) {
      this.validRowsBeforeFirstNull += length;
    } else {
      this.validity.appendOnes(length);
    }

    const { type } = this;
    switch (type.typeId) {
      case TypeId.Null:
        return;
      case TypeId.Bool: {
        const values = chunk.values ?? new Uint8Array((length + 7) >> 3);
        if (nulls === 0) {
          this.bits!.append(values, chunk.valuesBit, length);
        } else {
          const masked = alignedBits(values, chunk.valuesBit, length);
          const valid = alignedBits(chunk.validity!, chunk.validityBit, length);
          for (let j = 0; j < masked.length; j++) masked[j] = masked[j]! & valid[j]!;
          this.bits!.append(masked, 0, length);
        }
        return;
      }
      case TypeId.Dictionary:
        this.values!.write(this.gatherDictionary(chunk, nulls));
        return;
      case TypeId.Struct:
        chunk.children.forEach((child, i) => this.children[i]!.feed(sliceChunk(child, 0, length)));
        return;
      case TypeId.FixedSizeList: {
        const size = type.listSize;
        this.children[0]!.feed(sliceChunk(chunk.children[0]!, 0, length * size));
        return;
      }
      default:
        break;
    }
    if (type.byteWidth > 0) {
      const width = type.byteWidth;
      let bytes = chunk.values!.subarray(0, length * width);
      if (nulls > 0) {
        bytes = bytes.slice();
        const zeroed = bytes;
        forEachNull(chunk, (row) => zeroed.fill(0, row * width, (row + 1) * width));
      }
      this.values!.write(bytes);
      return;
    }
    if (isVarWidth(type.typeId)) {
      if (nulls > 0) chunk = dropNullSlotBytes(chunk);
      const offsets = chunk.offsets!;
      const first = Number(offsets[0]);
      const last = Number(offsets[length]);
      this.writeOffsets(offsets, length);
      this.data!.write(chunk.data!.subarray(first, last));
      return;
    }
    if (isListLike(type.typeId)) {
      // Null list slots are expected to be empty (Arrow writers emit them so); their child ranges
      // are hashed as they are.
      const offsets = chunk.offsets!;
      const first = Number(offsets[0]);
      const last = Number(offsets[length]);
      this.writeOffsets(offsets, length);
      this.children[0]!.feed(sliceChunk(chunk.children[0]!, first, last - first));
    }
  }

  private writeOffsets(offsets: Int32Array | BigInt64Array, length: number): void {
    const stream = this.offsets!;
    if (offsets instanceof BigInt64Array) {
      const first = offsets[0]!;
      const base = this.offsetBase as bigint;
      if (first === 0n && base === 0n) {
        stream.write(new Uint8Array(offsets.buffer, offsets.byteOffset + 8, length * 8));
      } else {
        const out = new BigInt64Array(length);
        for (let i = 0; i < length; i++) out[i] = offsets[i + 1]! - first + base;
        stream.write(new Uint8Array(out.buffer));
      }
      this.offsetBase = base + offsets[length]! - first;
      return;
    }
    const first = offsets[0]!;
    const base = this.offsetBase as number;
    if (first === 0 && base === 0) {
      stream.write(new Uint8Array(offsets.buffer, offsets.byteOffset + 4, length * 4));
    } else {
      const out = new Int32Array(length);
      const delta = base - first;
      for (let i = 0; i < length; i++) out[i] = offsets[i + 1]! + delta;
      stream.write(new Uint8Array(out.buffer));
    }
    this.offsetBase = base + offsets[length]! - first;
  }

  private gatherDictionary(chunk: ChunkView, nulls: number): Uint8Array {
    const dictionary = chunk.dictionary;
    const entries = dictionary ? this.entryHashes(dictionary) : new Uint32Array(0);
    const indices = chunk.indices!;
    const length = chunk.length;
    const out = new Uint32Array(length * 2);
    const size = entries.length >> 1;
    for (let i = 0; i < length; i++) {
      const k = Number(indices[i]);
      if (k >= 0 && k < size) {
        out[2 * i] = entries[2 * k]!;
        out[2 * i + 1] = entries[2 * k + 1]!;
      }
    }
    // Index slots under nulls may hold anything: clear them.
    if (nulls > 0) forEachNull(chunk, (row) => out.fill(0, 2 * row, 2 * row + 2));
    return new Uint8Array(out.buffer);
  }

  private entryHashes(dictionary: NonNullable<ChunkView["dictionary"]>): Uint32Array {
    const cached = this.dictionaries.get(dictionary.key);
    if (cached) return cached;
    const total = dictionary.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint32Array(total * 2);
    let at = 0;
    for (const entry of dictionary.chunks) {
      const type = entry.type;
      for (let i = 0; i < entry.length; i++, at++) {
        if (entry.validity && !isValid(entry.validity, entry.validityBit + i)) continue; // null entry: 0
        let bytes: Uint8Array;
        if (type.typeId === TypeId.Bool) {
          bytes = Uint8Array.of(isValid(entry.values!, entry.valuesBit + i) ? 1 : 0);
        } else if (type.byteWidth > 0) {
          bytes = entry.values!.subarray(i * type.byteWidth, (i + 1) * type.byteWidth);
        } else {
          bytes = entry.data!.subarray(Number(entry.offsets![i]), Number(entry.offsets![i + 1]));
        }
        const digest = Buffer.from(this.hashBytes(bytes), "base64url");
        out[2 * at] = digest.readUInt32LE(0);
        out[2 * at + 1] = digest.readUInt32LE(4) | 1; // never 0,0: that marks nulls
      }
    }
    this.dictionaries.set(dictionary.key, out);
    return out;
  }

  /** The column hash: type, row and null counts, and every buffer stream. */
  digest(): string {
    const parts = [
      this.type.desc,
      String(this.rows),
      this.nulls > 0 ? `${this.nulls}/${this.validity.digest()}` : "-",
      this.values?.digest() ?? "",
      this.bits?.digest() ?? "",
      this.offsets?.digest() ?? "",
      this.data?.digest() ?? "",
      ...this.children.map((child) => child.digest()),
    ];
    return hashText(this.hashBytes, parts.join("|"));
  }
}

/** A var-width chunk with the bytes under null slots removed (null slots become empty). */
function dropNullSlotBytes(chunk: ChunkView): ChunkView {
  const offsets = chunk.offsets!;
  let dirty = false;
  forEachNull(chunk, (row) => {
    if (offsets[row] !== offsets[row + 1]) dirty = true;
  });
  if (!dirty) return chunk;
  const length = chunk.length;
  const large = offsets instanceof BigInt64Array;
  const nextOffsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
  const source = chunk.data!;
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (let i = 0; i < length; i++) {
    const valid = isValid(chunk.validity!, chunk.validityBit + i);
    if (valid) {
      const piece = source.subarray(Number(offsets[i]), Number(offsets[i + 1]));
      pieces.push(piece);
      total += piece.byteLength;
    }
    if (large) (nextOffsets as BigInt64Array)[i + 1] = BigInt(total);
    else (nextOffsets as Int32Array)[i + 1] = total;
  }
  const data = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    data.set(piece, at);
    at += piece.byteLength;
  }
  return { ...chunk, offsets: nextOffsets, data };
}
