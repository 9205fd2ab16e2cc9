// Errors of the result codec layer: a value that cannot be encoded, and bytes that do not verify.
import { HamError, type HamErrorOptions } from "../errors.js";

/** A value could not be encoded (or a codec misbehaved); names the codec and, when known, the node. */
export class CodecError extends HamError {
  override name = "CodecError";
  constructor(
    readonly codec: string,
    readonly node: string | undefined,
    message: string,
    options: HamErrorOptions = {},
  ) {
    super(`${node === undefined ? "" : `node "${node}": `}codec "${codec}" ${message}`, options);
  }
}

/**
 * Stored result bytes are damaged, truncated, from an unknown codec or fail their checksum. The
 * cache treats it as a miss: it warns and recomputes, never returning the value.
 */
export class CorruptResultError extends HamError {
  override name = "CorruptResultError";
}
