// Public names of the result codec layer, re-exported by @ham/core.
export { v8Codec } from "./v8-codec.js";
export { ResultCodec, RESULT_FORMAT_VERSION, type ResultCodecOptions } from "./result-codec.js";
export { CodecError, CorruptResultError } from "./errors.js";
