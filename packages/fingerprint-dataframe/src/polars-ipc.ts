// A nodejs-polars frame's Arrow IPC stream, written once into a buffer that leaves room for the headers in front of it.
//
// polars' own `writeIPCStream()` collects the native writer's chunks and concatenates them (a full
// copy), the codec then copied the result again behind its 8-byte header, and the cache's result
// envelope copied that behind its own. Here the chunks are copied once, straight behind `HEADROOM`
// free bytes, so the codec and the envelope (Codec.encodeWithRoom) write their headers in place and
// the buffer is stored as it is: three copies of a table's bytes fewer on every cold run.
import { Writable } from "node:stream";

type AnyRecord = Record<string, any>;

/**
 * Free bytes in front of the IPC stream: the codec's 8-byte header and the cache's envelope header
 * (56 bytes for "arrow-ipc" and a 22-character fingerprint; 120 leaves room for keys of up to 88
 * characters, and codec.ts copies once when a longer one does not fit). A multiple of 8, so the
 * stream stays 8-byte aligned for Arrow readers.
 */
export const HEADROOM = 128;

/** An IPC stream and how many free bytes its buffer holds right before it (0 or HEADROOM). */
export interface FramedIpc {
  readonly ipc: Uint8Array;
  readonly headroom: number;
}

/** The frame's IPC stream, behind HEADROOM free bytes when polars' native writer is reachable, else as polars returns it. */
export function polarsIpc(df: AnyRecord): FramedIpc {
  const native = df._df as AnyRecord | undefined;
  if (typeof native?.writeIpcStream !== "function") return { ipc: df.writeIPCStream() as Uint8Array, headroom: 0 };
  const chunks: Uint8Array[] = [];
  let total = 0;
  // The native writer calls write() synchronously for every chunk (polars' writeIPCStream relies on it too).
  const sink = new Writable({
    write(chunk: Uint8Array, _encoding, done) {
      if (chunk.byteLength > 0) chunks.push(chunk);
      total += chunk.byteLength;
      done(null);
    },
  });
  native.writeIpcStream(sink, "uncompressed");
  sink.end();
  // Never pooled, so it starts at offset 0 and the stream sits 8-byte aligned for readers.
  const out = Buffer.allocUnsafeSlow(HEADROOM + total);
  out.fill(0, 0, HEADROOM);
  let at = HEADROOM;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ipc: out.subarray(HEADROOM), headroom: HEADROOM };
}
