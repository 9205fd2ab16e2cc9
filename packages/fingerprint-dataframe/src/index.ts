// Public API of @ham/fingerprint-dataframe, listed by name.
export {
  dataframeFingerprinter,
  dataframeFingerprinters,
  arrowFingerprinter,
  arqueroFingerprinter,
  polarsFingerprinter,
  danfoFingerprinter,
  DATAFRAME_FINGERPRINTER_NAME,
} from "./fingerprinters.js";
export type { DataframeLibrary } from "./fingerprinters.js";
export { arrowIpcCodec, ARROW_IPC_CODEC_NAME } from "./codec.js";
export type { ArrowIpcCodecOptions } from "./codec.js";
export type { ArrowIpcCompression } from "./compression.js";
export { dataframeCaching } from "./caching.js";
export type { DataframeCaching, DataframeCachingOptions } from "./caching.js";
export type { DataframeFingerprintMode, DataframeFingerprintOptions } from "./options.js";
export type { DataframeLibraries } from "./libraries.js";
export { tableKind } from "./detect.js";
export type { TableKind } from "./detect.js";
