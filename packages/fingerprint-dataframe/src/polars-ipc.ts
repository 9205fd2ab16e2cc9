// A nodejs-polars frame's Arrow IPC stream, written once into a buffer that leaves room for the codec's header.
//
// polars' own `writeIPCStream()` collects the native writer's chunks and concatenates them (a full
// copy), and the codec then copied the result again behind its 8-byte header. Here the chunks are
// copied once, straight behind `HEADROOM` free bytes, so the codec writes its header in place and
// stores the buffer as it is: one copy of a table's bytes fewer, twice over, on every cold run.
import { Writable } from "node:stream";

type AnyRecord = Record<string, any>;

/** Free bytes in front of the IPC stream: exactly the codec's header (codec.ts checks this). */
export const HEADROOM = 8;

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
