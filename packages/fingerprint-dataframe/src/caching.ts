// One call that wires table fingerprinting and storage into a cache: withCache({ ...dataframeCaching() }).
import type { Codec, Fingerprinter } from "@ham/core";
import { arrowIpcCodec } from "./codec.js";
import { dataframeFingerprinters } from "./fingerprinters.js";
import type { DataframeFingerprintOptions } from "./options.js";

/** Options of `dataframeCaching`: fingerprint mode and index, and optional library modules. */
export type DataframeCachingOptions = DataframeFingerprintOptions;

/** What `dataframeCaching` returns: spread it into `withCache({ … })`. */
export interface DataframeCaching {
  readonly fingerprinters: Fingerprinter[];
  readonly codecs: Codec[];
}

/** Table fingerprinters plus the Arrow IPC codec, ready to spread into `withCache`. */
export function dataframeCaching(options: DataframeCachingOptions = {}): DataframeCaching {
  const fingerprinters = dataframeFingerprinters(options);
  const codecs = [arrowIpcCodec(options.libraries ? { libraries: options.libraries } : {})];
  return { fingerprinters, codecs };
}
