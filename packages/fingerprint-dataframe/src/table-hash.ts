// Table fingerprints from a TableSource: schema plus every column (content) or the index columns.
import { FingerprintError } from "@ham/core";
import { ColumnHasher, type DictionaryCache } from "./column-hash.js";
import type { ColumnSource, TableSource } from "./sources.js";
import { type HashBytes, hashText } from "./streams.js";

/** Bumped when the hashing scheme changes, so old and new fingerprints never meet. */
const SCHEME = "ham-table/1";

/** Canonical schema text: names, types, nullability, in order. */
export function schemaText(source: TableSource): string {
  return source.columns
    .map(({ field }) => `${JSON.stringify(field.name)}${field.nullable ? "?" : "!"}:${field.type.desc}`)
    .join(",");
}

/** Column hash from the buffers; types content hashing cannot read in bulk go through values. */
export function columnDigest(
  column: ColumnSource,
  hashBytes: HashBytes,
  dictionaries: DictionaryCache,
  slowPath: (column: ColumnSource) => string,
): string {
  if (!column.field.type.bulk) return slowPath(column);
  const hasher = new ColumnHasher(column.field.type, hashBytes, dictionaries);
  for (const chunk of column.chunks()) hasher.feed(chunk);
  return hasher.digest();
}

export interface TableHashOptions {
  readonly hashBytes: HashBytes;
  /** "content": every column; "index": the `index` columns only. */
  readonly mode: "content" | "index";
  /** Index column names (index mode). */
  readonly index: readonly string[];
  /** Fingerprint for columns whose type has no bulk path (gets the column, returns a string). */
  readonly slowPath: (column: ColumnSource) => string;
  /** For error messages. */
  readonly node: string | undefined;
}

/** The fingerprint of a table: scheme, mode, schema, row count and the selected column hashes. */
export function tableFingerprint(source: TableSource, options: TableHashOptions): string {
  const dictionaries: DictionaryCache = new Map();
  let selected: readonly ColumnSource[] = source.columns;
  if (options.mode === "index") {
    selected = options.index.map((name) => {
      const column = source.columns.find((c) => c.field.name === name);
      if (!column) {
        const where = options.node ? ` of node "${options.node}"` : "";
        throw new FingerprintError(
          `index mode: the table${where} has no column "${name}" (columns: ${source.columns.map((c) => c.field.name).join(", ")}); pass an existing column as the index option`,
        );
      }
      return column;
    });
  }
  const digests = selected.map((column) => columnDigest(column, options.hashBytes, dictionaries, options.slowPath));
  const indexPart = options.mode === "index" ? JSON.stringify(options.index) : "";
  return hashText(
    options.hashBytes,
    [SCHEME, options.mode, indexPart, schemaText(source), String(source.numRows), ...digests].join("\n"),
  );
}
