// Options shared by the table fingerprinters and codec, validated when a factory is called.
import { ConfigurationError } from "@ham/core";
import type { DataframeLibraries } from "./libraries.js";

/** `content`: schema plus every column's data. `index`: schema plus the index column(s) only. */
export type DataframeFingerprintMode = "content" | "index";

/** Options of `dataframeFingerprinter`, `arrowFingerprinter`, … and `dataframeCaching`. */
export interface DataframeFingerprintOptions {
  /** Default mode when the node does not set one with `cache({ fingerprint })` (default "content"). */
  readonly mode?: DataframeFingerprintMode;
  /**
   * Index column name(s) for index mode. Without it, index mode uses the frame's own index
   * (danfo-like frames, Arrow schemas with pandas metadata) or falls back to content with a warning.
   */
  readonly index?: string | readonly string[];
  /** Library modules to use instead of loading the installed ones (see docs/dataframes.md). */
  readonly libraries?: DataframeLibraries;
}

/** Validated options. */
export interface ResolvedOptions {
  readonly mode: DataframeFingerprintMode;
  readonly index: readonly string[] | undefined;
  readonly libraries: DataframeLibraries;
}

const MODES: readonly string[] = ["content", "index"];

/** Checks options and fills defaults; throws ConfigurationError naming the bad option. */
export function resolveOptions(options: DataframeFingerprintOptions, where: string): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(`${where}: options must be an object, got ${String(options)}`);
  }
  const mode = options.mode ?? "content";
  if (!MODES.includes(mode)) {
    throw new ConfigurationError(`${where}: mode must be "content" or "index", got ${JSON.stringify(mode)}`);
  }
  let index: readonly string[] | undefined;
  if (options.index !== undefined) {
    index = typeof options.index === "string" ? [options.index] : options.index;
    if (
      !Array.isArray(index) ||
      index.length === 0 ||
      !index.every((name) => typeof name === "string" && name !== "")
    ) {
      throw new ConfigurationError(
        `${where}: index must be a column name or a non-empty list of column names, got ${JSON.stringify(options.index)}`,
      );
    }
    index = [...index];
  }
  const libraries = options.libraries ?? {};
  if (typeof libraries !== "object" || libraries === null) {
    throw new ConfigurationError(`${where}: libraries must be an object like { arrow, arquero, polars }`);
  }
  return { mode, index, libraries };
}
