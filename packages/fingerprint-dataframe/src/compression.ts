// Optional compression of the arrow-ipc codec's bytes with node:zlib (zlib/deflate or brotli), and its header byte.
import { brotliCompressSync, brotliDecompressSync, constants, deflateSync, inflateSync } from "node:zlib";
import { ConfigurationError } from "@ham/core";
import { CorruptResultError } from "@ham/core/codec";

/** `"none"`, or an algorithm with an optional level: `"zlib"` (= `"zlib-1"`, levels 1–9), `"brotli"` (= `"brotli-1"`, 0–11). */
export type ArrowIpcCompression = "none" | "zlib" | "brotli" | `zlib-${number}` | `brotli-${number}`;

/** The compression the codec uses when none is given (chosen from the table in docs/dataframes.md). */
export const DEFAULT_COMPRESSION: ArrowIpcCompression = "none";

/** A parsed compression option: the header byte it writes and how to compress. */
export interface Compression {
  readonly byte: number;
  compress(ipc: Uint8Array): Uint8Array;
}

const NONE: Compression = { byte: 0, compress: (ipc) => ipc };

/** Parses the `compression` option; a bad one is a ConfigurationError saying what to pass. */
export function parseCompression(option: unknown): Compression {
  if (option === "none") return NONE;
  const match = typeof option === "string" ? /^(zlib|brotli)(?:-(\d{1,2}))?$/.exec(option) : null;
  const level = match?.[2] === undefined ? 1 : Number(match[2]);
  if (match?.[1] === "zlib" && level >= 1 && level <= 9)
    return { byte: 1, compress: (ipc) => deflateSync(ipc, { level }) };
  if (match?.[1] === "brotli" && level <= 11) {
    const params = { [constants.BROTLI_PARAM_QUALITY]: level, [constants.BROTLI_PARAM_SIZE_HINT]: 0 };
    return {
      byte: 2,
      compress: (ipc) =>
        brotliCompressSync(ipc, { params: { ...params, [constants.BROTLI_PARAM_SIZE_HINT]: ipc.byteLength } }),
    };
  }
  throw new ConfigurationError(
    `arrowIpcCodec: compression must be "none", "zlib", "zlib-1" … "zlib-9", "brotli" or "brotli-0" … "brotli-11", not ${JSON.stringify(option)}`,
  );
}

/** The IPC stream behind header byte `byte` (0: as stored; 1: zlib; 2: brotli). */
export function decompress(byte: number | undefined, body: Uint8Array, codec: string): Uint8Array {
  switch (byte) {
    case 0:
      return body;
    case 1:
      return inflateSync(body);
    case 2:
      return brotliDecompressSync(body);
    default:
      throw new CorruptResultError(
        `codec "${codec}" found unknown compression ${String(byte)}: the result was written by a newer version of @ham/fingerprint-dataframe, or is damaged`,
      );
  }
}
