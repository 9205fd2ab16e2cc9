/**
 * `@ham/core/codec`: how results become bytes and back — the codec the cache uses (checksummed, with
 * the registered codecs first) and the errors a codec or a damaged stored result raises.
 * @packageDocumentation
 */
export { ResultCodec, CodecError, CorruptResultError, type ResultCodecOptions } from "../codec/index.js";
