// A nodejs-polars frame's Arrow IPC stream as the native writer hands it out: large record-batch bodies
// as they are, small pieces (message headers) joined behind room for the headers in front of it.
//
// polars' own `writeIPCStream()` collects the native writer's chunks and concatenates them (a full
// copy of the table into fresh memory: 0.25–0.3 s for 70 MB on this project's benchmark machine).
// Here the large chunks — one per record batch, the table's bytes — are kept as they are; only the
// small ones between them (each message's few hundred bytes of metadata) are copied, the first run
// straight behind `HEADROOM` free bytes, so the codec and the envelope (Codec.encodeChunks) write
// their headers in place and a store with `setChunks` writes the pieces without joining them.
import { Writable } from "node:stream";

type AnyRecord = Record<string, any>;

/**
 * Free bytes in front of the IPC stream: the codec's 8-byte header and the cache's envelope header
 * (56 bytes for "arrow-ipc" and a 22-character fingerprint; 120 leaves room for keys of up to 88
 * characters, and codec.ts copies once when a longer one does not fit). A multiple of 8, so the
 * stream stays 8-byte aligned for Arrow readers.
 */
export const HEADROOM = 128;

/** Chunks of the native writer at least this large stay pieces of their own; smaller neighbours are joined. */
export const PIECE_MIN_BYTES = 256 * 1024;

/**
 * An IPC stream in pieces (its concatenation is the stream), and how many free bytes the first
 * piece's buffer holds right before it (0 or HEADROOM).
 */
export interface FramedIpc {
  readonly pieces: readonly Uint8Array[];
  readonly headroom: number;
}

/** The frame's IPC stream, in pieces behind HEADROOM free bytes when polars' native writer is reachable, else as polars returns it. */
export function polarsIpc(df: AnyRecord): FramedIpc {
  const native = df._df as AnyRecord | undefined;
  if (typeof native?.writeIpcStream !== "function") return { pieces: [df.writeIPCStream() as Uint8Array], headroom: 0 };
  const chunks: Uint8Array[] = [];
  // The native writer calls write() synchronously for every chunk (polars' writeIPCStream relies on it too).
  const sink = new Writable({
    write(chunk: Uint8Array, _encoding, done) {
      if (chunk.byteLength > 0) chunks.push(chunk);
      done(null);
    },
  });
  native.writeIpcStream(sink, "uncompressed");
  sink.end();
  return { pieces: joinSmall(chunks), headroom: HEADROOM };
}

/**
 * Keeps chunks of PIECE_MIN_BYTES or more (when 8-byte aligned, as Arrow readers view them in place)
 * and joins each run of smaller ones into one piece; the first piece always starts behind HEADROOM
 * free bytes (it is empty when the stream starts with a large chunk).
 */
function joinSmall(chunks: readonly Uint8Array[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  const flush = (): void => {
    const room = pieces.length === 0 ? HEADROOM : 0;
    pieces.push(joinedBehind(run, room).subarray(room));
    run = [];
  };
  for (const chunk of chunks) {
    if (chunk.byteLength >= PIECE_MIN_BYTES && chunk.byteOffset % 8 === 0) {
      if (pieces.length === 0 || run.length > 0) flush();
      pieces.push(chunk);
    } else {
      run.push(chunk);
    }
  }
  if (pieces.length === 0 || run.length > 0) flush();
  return pieces;
}

/** `chunks` copied into one new buffer (8-byte aligned) behind `room` zeroed bytes; the whole buffer. */
export function joinedBehind(chunks: readonly Uint8Array[], room: number): Uint8Array {
  let total = room;
  for (const chunk of chunks) total += chunk.byteLength;
  // Never pooled, so it starts at offset 0 and the stream sits 8-byte aligned for readers.
  const out = Buffer.allocUnsafeSlow(total);
  out.fill(0, 0, room);
  let at = room;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The stream in one buffer: the only piece as it is, or the pieces joined (one copy, 8-byte aligned). */
export function joinedStream(framed: FramedIpc): Uint8Array {
  return framed.pieces.length === 1 ? (framed.pieces[0] as Uint8Array) : joinedBehind(framed.pieces, 0);
}
