// A Codec that stores tables as Arrow IPC streams and gives back the same kind of object.
//
// Bytes: "HAMDF" 0x01 (magic + format version), one kind byte, one compression byte (0: none, so
// the IPC stream starts 8-byte aligned; 1: zlib; 2: brotli — compression.ts), then an Arrow IPC
// stream, compressed as that byte says. The kind byte says what to rebuild on decode:
// an apache-arrow Table, RecordBatch or Vector, an Arquero table or a nodejs-polars DataFrame or
// Series. Decoding only parses Arrow IPC: it never runs code.
//
// Alignment matters: Arrow readers view column buffers as typed arrays in place, which needs the
// IPC bytes at a multiple of 8. When the bytes handed to decode sit at an unaligned offset (inside
// a larger envelope), the IPC part is copied once to an aligned buffer.
import { type Codec, HamError } from "@ham/core";
import { CodecError, CorruptResultError } from "@ham/core/codec";
import { type TableKind, tableKind } from "./detect.js";
import {
  type ArrowIpcCompression,
  type Compression,
  DEFAULT_COMPRESSION,
  decompress,
  parseCompression,
} from "./compression.js";
import { takeIpc } from "./ipc-memo.js";
import { type FramedIpc, joinedBehind, joinedStream, polarsIpc } from "./polars-ipc.js";
import { type DataframeLibraries, arqueroModule, arrowModule, polarsModule } from "./libraries.js";
import { Rehomer, isFromModule } from "./rehome.js";

type AnyRecord = Record<string, any>;

const MAGIC = [0x48, 0x41, 0x4d, 0x44, 0x46, 0x01]; // "HAMDF" v1
const HEADER = MAGIC.length + 2; // polars-ipc.ts leaves room (HEADROOM) for this and the envelope header in front of a frame's IPC

const KIND_BYTES: Partial<Record<TableKind, number>> = {
  "arrow-table": 1,
  "arrow-record-batch": 2,
  "arrow-vector": 3,
  arquero: 4,
  "polars-dataframe": 5,
  "polars-series": 6,
};

/** Options of `arrowIpcCodec`. */
export interface ArrowIpcCodecOptions {
  /** Library modules to use instead of loading the installed ones. */
  readonly libraries?: DataframeLibraries;
  /** How stored tables are compressed (default `"none"`; see docs/dataframes.md for the measured trade-off). */
  readonly compression?: ArrowIpcCompression;
}

/** The codec's name, written with every result it encodes. */
export const ARROW_IPC_CODEC_NAME = "arrow-ipc";

class ArrowIpcCodec implements Codec {
  readonly name = ARROW_IPC_CODEC_NAME;
  constructor(
    private readonly libraries: DataframeLibraries,
    private readonly compression: Compression,
  ) {}

  accepts(value: unknown): boolean {
    const kind = tableKind(value);
    return kind !== undefined && KIND_BYTES[kind] !== undefined;
  }

  encode(value: unknown): Uint8Array {
    return this.encodeWithRoom(value, 0);
  }

  /** The bytes of `encode(value)` behind `room` free bytes for the cache's envelope header (Codec.encodeWithRoom). */
  encodeWithRoom(value: unknown, room: number): Uint8Array {
    const [kind, kindByte] = this.kindOf(value);
    return this.framed(this.toIpc(kind, value as AnyRecord), room, kindByte, false)[0] as Uint8Array;
  }

  /**
   * Codec.encodeChunks: a polars frame's stream in the pieces its native writer made them (the
   * record batches' bodies uncopied, polars-ipc.ts), the headers in place in front of the first;
   * other tables, and compressed ones, as one array.
   */
  encodeChunks(value: unknown, room: number): Uint8Array[] {
    const [kind, kindByte] = this.kindOf(value);
    return this.framed(this.toIpc(kind, value as AnyRecord), room, kindByte, true);
  }

  private kindOf(value: unknown): [TableKind, number] {
    const kind = tableKind(value);
    const kindByte = kind === undefined ? undefined : KIND_BYTES[kind];
    if (kind === undefined || kindByte === undefined) {
      throw new CodecError(
        this.name,
        undefined,
        `cannot encode ${Object.prototype.toString.call(value)}: it stores apache-arrow, Arquero and nodejs-polars tables only`,
      );
    }
    return [kind, kindByte];
  }

  /**
   * The codec's header behind `room` bytes, then the stream (compressed, if so configured). One
   * array: in place in front of the stream when it was written behind room, else after one copy.
   * In pieces (`inPieces`): the stream's own arrays, never copied, behind the header written in place
   * or, when there is no room in front of them, in a small array of its own.
   */
  private framed(ipc: FramedIpc, room: number, kindByte: number, inPieces: boolean): Uint8Array[] {
    const front = room + HEADER;
    const compressed = this.compression.byte !== 0;
    const stream: FramedIpc = compressed
      ? { pieces: [this.compression.compress(joinedStream(ipc))], headroom: 0 }
      : ipc;
    const first = stream.pieces[0] as Uint8Array;
    let out: Uint8Array[];
    if (stream.headroom >= front && (inPieces || stream.pieces.length === 1)) {
      // The stream was written behind free room (polars-ipc.ts): both headers go in place, no copy.
      out = [
        new Uint8Array(first.buffer, first.byteOffset - front, front + first.byteLength),
        ...stream.pieces.slice(1),
      ];
    } else if (inPieces) {
      // The stream's arrays are this codec's own (written or compressed for this call): not copied.
      out = [new Uint8Array(front), ...stream.pieces];
    } else {
      out = [joinedBehind(stream.pieces, front)];
    }
    const head = out[0] as Uint8Array;
    head.set(MAGIC, room);
    head[room + MAGIC.length] = kindByte;
    head[room + MAGIC.length + 1] = this.compression.byte;
    return out;
  }

  decode(bytes: Uint8Array): unknown {
    if (bytes.byteLength < HEADER || MAGIC.some((b, i) => bytes[i] !== b)) {
      throw new CorruptResultError(
        `codec "${this.name}" cannot decode these bytes: they do not start with its header (corrupt or written by another codec)`,
      );
    }
    const kindByte = bytes[MAGIC.length];
    try {
      let ipc = decompress(bytes[MAGIC.length + 1], bytes.subarray(HEADER), this.name);
      if (ipc.byteOffset % 8 !== 0) ipc = ipc.slice();
      switch (kindByte) {
        case 1:
          return this.arrow("decode Arrow tables").tableFromIPC(ipc);
        case 2: {
          const table = this.arrow("decode Arrow record batches").tableFromIPC(ipc) as AnyRecord;
          return table.batches[0] ?? emptyBatch(this.arrow("decode Arrow record batches"), table);
        }
        case 3: {
          const table = this.arrow("decode Arrow vectors").tableFromIPC(ipc) as AnyRecord;
          return table.getChildAt(0);
        }
        case 4:
          return arqueroModule(this.libraries, "decode Arquero tables").fromArrow(ipc);
        case 5:
          return polarsModule(this.libraries, "decode nodejs-polars frames").readIPCStream(asBuffer(ipc));
        case 6: {
          const df = polarsModule(this.libraries, "decode nodejs-polars series").readIPCStream(
            asBuffer(ipc),
          ) as AnyRecord;
          return (df.getColumns() as unknown[])[0];
        }
        default:
          throw new CorruptResultError(
            `codec "${this.name}" found unknown table kind ${String(kindByte)}: the result was written by a newer version of @ham/fingerprint-dataframe, or is damaged`,
          );
      }
    } catch (cause) {
      if (cause instanceof HamError) throw cause;
      throw new CorruptResultError(
        `codec "${this.name}" could not decode an Arrow IPC stream: ${(cause as Error).message}`,
        { cause },
      );
    }
  }

  private arrow(purpose: string): AnyRecord {
    return arrowModule(this.libraries, purpose);
  }

  private toIpc(kind: TableKind, value: AnyRecord): FramedIpc {
    switch (kind) {
      case "arrow-table":
      case "arrow-record-batch":
      case "arrow-vector": {
        const arrow = this.arrow("encode Arrow tables");
        // Vectors and batches are written as one-column / one-batch tables. Tables from another copy
        // of apache-arrow are re-wrapped first (see rehome.ts).
        const local = isFromModule(arrow, value);
        const rehomer = local ? undefined : new Rehomer(arrow);
        let table: AnyRecord;
        if (kind === "arrow-table") table = rehomer ? rehomer.table(value) : value;
        else if (kind === "arrow-record-batch") {
          table = new arrow.Table(
            rehomer
              ? [
                  new arrow.RecordBatch(
                    rehomer.schema(value.schema as AnyRecord),
                    rehomer.data(value.data as AnyRecord),
                  ),
                ]
              : [value],
          );
        } else {
          const vector = rehomer ? new arrow.Vector((value.data as AnyRecord[]).map((d) => rehomer.data(d))) : value;
          table = new arrow.Table({ value: vector });
        }
        return { pieces: [arrow.tableToIPC(table, "stream") as Uint8Array], headroom: 0 };
      }
      case "arquero":
        // Arquero writes IPC itself (through flechette); no extra library needed to encode.
        return { pieces: [value.toArrowIPC({ format: "stream" }) as Uint8Array], headroom: 0 };
      // A frame just fingerprinted hands back the IPC bytes the fingerprint read (ipc-memo.ts).
      case "polars-dataframe":
        return takeIpc(value) ?? polarsIpc(value);
      case "polars-series":
        return takeIpc(value) ?? polarsIpc(value.toFrame() as AnyRecord);
      default:
        throw new Error(`unreachable table kind ${kind}`);
    }
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function emptyBatch(arrow: AnyRecord, table: AnyRecord): unknown {
  // A zero-row batch writes no record batch message; rebuild one with the schema.
  return new arrow.RecordBatch(table.schema);
}

/** Arrow IPC codec for apache-arrow, Arquero and nodejs-polars tables. */
export function arrowIpcCodec(options: ArrowIpcCodecOptions = {}): Codec {
  return new ArrowIpcCodec(options.libraries ?? {}, parseCompression(options.compression ?? DEFAULT_COMPRESSION));
}
