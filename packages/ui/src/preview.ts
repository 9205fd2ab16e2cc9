// A short, read-only text preview of a stored result: only results up to a size limit are read and
// decoded, and the text is cut, so a big value never leaves the server whole.
import { inspect } from "node:util";
import type { ResultStore } from "@ham/core";
import { formatBytes } from "@ham/core/lifecycle";
import { hashingReady } from "@ham/core/fingerprint";
import { ResultCodec } from "@ham/core/codec";

/** The preview of one result: `text` when shown, else `note` says why not. */
export interface Preview {
  readonly bytes: number | undefined;
  readonly text?: string;
  readonly truncated?: boolean;
  readonly note?: string;
}

/** Longest preview text sent to the page. */
export const PREVIEW_CHARS = 4000;
const codec = new ResultCodec();

/** Reads and decodes the result under `fingerprint` when it is at most `maxBytes` (its size known from the listing). */
export async function previewResult(
  store: ResultStore,
  fingerprint: string,
  size: number | undefined,
  maxBytes: number,
): Promise<Preview> {
  if (size !== undefined && size > maxBytes) {
    return {
      bytes: size,
      note: `${formatBytes(size)} is over the preview limit of ${formatBytes(maxBytes)} (--preview-bytes); not read`,
    };
  }
  const bytes = await store.get(fingerprint);
  if (bytes === undefined)
    return { bytes: undefined, note: "not in the result store (removed by gc or clear, or never stored)" };
  if (bytes.byteLength > maxBytes)
    return {
      bytes: bytes.byteLength,
      note: `${formatBytes(bytes.byteLength)} is over the preview limit of ${formatBytes(maxBytes)}`,
    };
  let value: unknown;
  try {
    await hashingReady(); // the envelope's checksum
    value = codec.decode(bytes);
  } catch (error) {
    return {
      bytes: bytes.byteLength,
      note: `cannot be previewed here: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    };
  }
  const text = inspect(value, {
    depth: 4,
    maxArrayLength: 50,
    maxStringLength: 500,
    breakLength: 100,
    compact: 3,
    sorted: false,
    getters: false,
    customInspect: false,
  });
  const truncated = text.length > PREVIEW_CHARS;
  return { bytes: bytes.byteLength, text: truncated ? `${text.slice(0, PREVIEW_CHARS)}…` : text, truncated };
}
