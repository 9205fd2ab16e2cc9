// One call that wires table fingerprinting and storage into a cache: withCache({ ...dataframeCaching() }).
import type { Codec, Fingerprinter } from "@ham/core";
import { arrowIpcCodec } from "./codec.js";
import type { ArrowIpcCompression } from "./compression.js";
import { dataframeFingerprinters } from "./fingerprinters.js";
import type { DataframeFingerprintOptions } from "./options.js";

/** Options of `dataframeCaching`: fingerprint mode and index, optional library modules, and how stored tables are compressed. */
export interface DataframeCachingOptions extends DataframeFingerprintOptions {
  /** The codec's compression (default `"none"`): see arrowIpcCodec. */
  readonly compression?: ArrowIpcCompression;
}

/** What `dataframeCaching` returns: spread it into `withCache({ … })`. */
export interface DataframeCaching {
  readonly fingerprinters: Fingerprinter[];
  readonly codecs: Codec[];
}

/** Table fingerprinters plus the Arrow IPC codec, ready to spread into `withCache`. */
export function dataframeCaching(options: DataframeCachingOptions = {}): DataframeCaching {
  const fingerprinters = dataframeFingerprinters(options);
  const codecs = [
    arrowIpcCodec({
      ...(options.libraries ? { libraries: options.libraries } : {}),
      ...(options.compression !== undefined ? { compression: options.compression } : {}),
    }),
  ];
  return { fingerprinters, codecs };
}
