// Reads an Arrow IPC stream given in pieces (polars-ipc.ts) with flechette, without joining the pieces.
//
// flechette's `tableFromIPC` takes a list of buffers, each holding whole messages; a record batch's
// metadata and its body arrive from polars as separate chunks, so a message never sits in one
// buffer. Each message is handed to flechette as a `MessageView`: a Uint8Array over a copy of its
// few hundred bytes of framing and metadata that answers flechette's one request for the body that
// follows (`subarray(end, end + bodyLength)`) with the body piece itself, so column buffers are views
// of polars' chunks as they would be of one joined buffer. Any other access past the metadata
// throws, and any failure falls back to reading the joined stream (one copy): a different reader can
// never make a different fingerprint, only a slower one.
import type * as Flechette from "@uwdata/flechette";
import { type FramedIpc, joinedStream } from "./polars-ipc.js";

type AnyRecord = Record<string, any>;

const CONTINUATION = 0xffffffff;

/** A message's framing and metadata, followed (for flechette) by its body, which lives elsewhere. */
class MessageView extends Uint8Array {
  // Slices and maps of a MessageView are plain Uint8Arrays (flechette's metadata reads take them).
  static get [Symbol.species](): Uint8ArrayConstructor {
    return Uint8Array;
  }

  readonly #body: Uint8Array;

  constructor(head: Uint8Array<ArrayBuffer>, body: Uint8Array) {
    super(head.buffer, head.byteOffset, head.byteLength);
    this.#body = body;
  }

  override subarray(begin = 0, end: number = this.length): Uint8Array<ArrayBuffer> {
    // The body's buffer may be any ArrayBuffer polars made; flechette only views it.
    if (begin === this.length && end === begin + this.#body.byteLength) return this.#body as Uint8Array<ArrayBuffer>;
    if (begin > this.length || end > this.length) {
      throw new RangeError(`MessageView: bytes ${begin}–${end} lie past the message metadata and are not its body`);
    }
    return super.subarray(begin, end);
  }
}

/** Reads consecutive byte ranges of a stream given in pieces: a view when a range lies in one piece, else a copy. */
class PieceReader {
  #piece = 0;
  #at = 0;
  constructor(private readonly pieces: readonly Uint8Array[]) {}

  get done(): boolean {
    while (this.#piece < this.pieces.length && this.#at === (this.pieces[this.#piece] as Uint8Array).byteLength) {
      this.#piece++;
      this.#at = 0;
    }
    return this.#piece === this.pieces.length;
  }

  take(length: number): Uint8Array {
    if (this.done && length > 0) throw new RangeError(`IPC stream ends ${length} bytes early`);
    const piece = this.pieces[this.#piece] as Uint8Array;
    if (this.#at + length <= piece.byteLength) {
      const view = piece.subarray(this.#at, this.#at + length);
      this.#at += length;
      return view;
    }
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; ) {
      if (this.done) throw new RangeError(`IPC stream ends ${length - filled} bytes early`);
      const from = this.pieces[this.#piece] as Uint8Array;
      const n = Math.min(length - filled, from.byteLength - this.#at);
      out.set(from.subarray(this.#at, this.#at + n), filled);
      filled += n;
      this.#at += n;
    }
    return out;
  }
}

const int32 = (bytes: Uint8Array, at: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(at, true);

/** The bodyLength field (index 3, an int64) of an IPC Message flatbuffer; 0 when absent. */
function bodyLength(metadata: Uint8Array): number {
  const view = new DataView(metadata.buffer, metadata.byteOffset, metadata.byteLength);
  const table = view.getUint32(0, true);
  const vtable = table - view.getInt32(table, true);
  const vtableBytes = view.getUint16(vtable, true);
  const slot = 4 + 2 * 3;
  if (slot + 2 > vtableBytes) return 0;
  const field = view.getUint16(vtable + slot, true);
  return field === 0 ? 0 : Number(view.getBigInt64(table + field, true));
}

/** The stream's messages, each self-contained for flechette (a MessageView when it has a body). */
export function ipcMessages(pieces: readonly Uint8Array[]): Uint8Array[] {
  const reader = new PieceReader(pieces);
  const messages: Uint8Array[] = [];
  while (!reader.done) {
    let length = int32(reader.take(4), 0);
    if (length === -1) length = int32(reader.take(4), 0); // the continuation marker, then the length
    if (length === 0) break; // end of stream
    const head = new Uint8Array(8 + length);
    const framing = new DataView(head.buffer);
    framing.setUint32(0, CONTINUATION, true);
    framing.setInt32(4, length, true);
    const metadata = reader.take(length);
    head.set(metadata, 8);
    const body = bodyLength(metadata);
    messages.push(body === 0 ? head : new MessageView(head, reader.take(body)));
  }
  return messages;
}

/**
 * The table flechette reads from the stream: from its pieces in place when there are several (rows
 * checked against `rows`), else — or when that fails — from the joined stream.
 */
export function tableOfIpc(flechette: typeof Flechette, framed: FramedIpc, rows: number | undefined): AnyRecord {
  if (framed.pieces.length > 1) {
    try {
      const table = flechette.tableFromIPC(ipcMessages(framed.pieces)) as unknown as AnyRecord;
      if (rows === undefined || table.numRows === rows) return table;
    } catch {
      // Read joined below.
    }
  }
  return flechette.tableFromIPC(joinedStream(framed)) as unknown as AnyRecord;
}
