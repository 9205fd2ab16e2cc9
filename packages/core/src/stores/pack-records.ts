// The binary record format of pack segments: encoding, and scanning records without reading their data.
import fs from "node:fs";
import { crc32 } from "./crc32.js";
import { readFrom } from "./fs-util.js";

/**
 * One record: a 36-byte header, the key (ASCII), then the data (PUT only). Little-endian header:
 * magic u32 · type u8 · key length u8 · zero u16 · data length u32 · time f64 (ms; write time, or
 * access time for ACCESS) · aux f64 (a PUT's last access, set by compaction) · data CRC-32 ·
 * header CRC-32 (of the 32 bytes before it and the key). A record is valid only when its header
 * CRC matches and all its bytes are in the file: a tail cut short by a crash is never read.
 */
const MAGIC = 0x504d4148; // "HAMP"
export const HEADER = 36;
export const PUT = 1;
export const DELETE = 2;
export const ACCESS = 3;
/** Window of segment bytes read at a time while scanning headers. */
const SCAN_WINDOW = 1 << 20;

/** A record as read from a segment (see the layout above); `at` is its first byte. */
export interface PackRecord {
  readonly type: "put" | "delete" | "access";
  readonly key: string;
  readonly at: number;
  /** Where the data starts, and its length (0 unless a put). */
  readonly dataAt: number;
  readonly length: number;
}

/** The complete, valid records of the pack segment `file`, in order (for tools and tests). */
export function readPackRecords(file: string): PackRecord[] {
  const fd = fs.openSync(file, "r");
  try {
    const types = { [PUT]: "put", [DELETE]: "delete", [ACCESS]: "access" } as const;
    return [...packRecords(fd, 0, fs.fstatSync(fd).size)].flatMap((r) => {
      const type = types[r.type as 1 | 2 | 3];
      return type === undefined
        ? []
        : [{ type, key: r.key, at: r.at, dataAt: r.at + HEADER + r.key.length, length: r.type === PUT ? r.length : 0 }];
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** A record's header fields, as scanned. */
export interface RawRecord {
  type: number;
  key: string;
  at: number;
  length: number;
  time: number;
  aux: number;
  crc: number;
}

/**
 * The records of `fd` from `from` to `size`, reading headers through a window (data is skipped, not
 * read). Stops at the first record that is incomplete (being written, or cut short by a crash) or
 * whose header fails its CRC (damaged): nothing after it is trusted.
 */
export function* packRecords(fd: number, from: number, size: number): Generator<RawRecord> {
  let window: Buffer = Buffer.alloc(0);
  let windowAt = 0;
  let at = from;
  while (at + HEADER <= size) {
    const windowEnd = windowAt + window.length;
    if (at < windowAt || (at + HEADER + 255 > windowEnd && windowEnd < size) || at + HEADER > windowEnd) {
      window = readFrom(fd, at, Math.min(SCAN_WINDOW, size - at));
      windowAt = at;
    }
    const p = at - windowAt;
    if (window.length - p < HEADER || window.readUInt32LE(p) !== MAGIC) return;
    const type = window[p + 4]!;
    const keyLength = window[p + 5]!;
    const length = window.readUInt32LE(p + 8);
    if (window.length - p < HEADER + keyLength) return;
    if (
      crc32(window.subarray(p + HEADER, p + HEADER + keyLength), crc32(window.subarray(p, p + 32))) !==
      window.readUInt32LE(p + 32)
    )
      return;
    const end = at + HEADER + keyLength + (type === PUT ? length : 0);
    if (end > size) return;
    yield {
      type,
      key: window.toString("latin1", p + HEADER, p + HEADER + keyLength),
      at,
      length,
      time: window.readDoubleLE(p + 12),
      aux: window.readDoubleLE(p + 20),
      crc: window.readUInt32LE(p + 28),
    };
    at = end;
  }
}

/** One record's bytes (see the layout above). */
export function encodeRecord(
  type: number,
  key: string,
  data: Uint8Array | undefined,
  time: number,
  aux: number,
): Buffer {
  const dataLength = data?.length ?? 0;
  const record = Buffer.allocUnsafe(HEADER + key.length + dataLength);
  record.writeUInt32LE(MAGIC, 0);
  record[4] = type;
  record[5] = key.length;
  record.writeUInt16LE(0, 6);
  record.writeUInt32LE(dataLength, 8);
  record.writeDoubleLE(time, 12);
  record.writeDoubleLE(aux, 20);
  record.writeUInt32LE(data === undefined ? 0 : crc32(data), 28);
  record.write(key, HEADER, "latin1");
  record.writeUInt32LE(crc32(record.subarray(HEADER, HEADER + key.length), crc32(record.subarray(0, 32))), 32);
  if (data !== undefined) record.set(data, HEADER + key.length);
  return record;
}
