// The table fingerprinters: Arrow, Arquero, nodejs-polars and danfo-like frames, by content or index.
import { type Fingerprint, type FingerprintContext, type Fingerprinter, FingerprintError } from "@ham/core";
import { type TableKind, tableKind } from "./detect.js";
import { rememberIpc } from "./ipc-memo.js";
import { checkLibraries, flechetteModule } from "./libraries.js";
import { tableOfIpc } from "./ipc-messages.js";
import { polarsIpc } from "./polars-ipc.js";
import {
  type DataframeFingerprintMode,
  type DataframeFingerprintOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import {
  type ColumnSource,
  type TableSource,
  arqueroSource,
  arrowRecordBatchSource,
  arrowTableSource,
  arrowVectorSource,
  flechetteTableSource,
} from "./sources.js";
import { hashText } from "./streams.js";
import { tableFingerprint } from "./table-hash.js";

type AnyRecord = Record<string, any>;

/** Library families a fingerprinter can be limited to. */
export type DataframeLibrary = "arrow" | "arquero" | "polars" | "danfo";

const KINDS: Record<DataframeLibrary, readonly TableKind[]> = {
  arrow: ["arrow-table", "arrow-record-batch", "arrow-vector", "flechette-table"],
  arquero: ["arquero"],
  polars: ["polars-dataframe", "polars-series"],
  danfo: ["danfo-like"],
};

/**
 * Every table fingerprinter is named "dataframe": they write fingerprints in one space (an Arrow
 * table and an Arquero table with the same columns get the same fingerprint), so they must not be
 * told apart by name.
 */
export const DATAFRAME_FINGERPRINTER_NAME = "dataframe";

class DataframeFingerprinter implements Fingerprinter {
  readonly name = DATAFRAME_FINGERPRINTER_NAME;
  private readonly kinds: ReadonlySet<TableKind>;
  private readonly options: ResolvedOptions;
  private readonly warned = new Set<string>();

  constructor(options: DataframeFingerprintOptions, libraries: readonly DataframeLibrary[], where: string) {
    this.options = resolveOptions(options, where);
    this.kinds = new Set(libraries.flatMap((library) => KINDS[library]));
  }

  accepts(value: unknown): boolean {
    const kind = tableKind(value);
    return kind !== undefined && this.kinds.has(kind);
  }

  /** Called by build(): fails there when polars is installed but flechette (which reads its IPC) cannot be found. */
  check(): void {
    checkLibraries(this.options.libraries, { polarsFingerprints: this.kinds.has("polars-dataframe") });
  }

  fingerprint(value: unknown, ctx: FingerprintContext): Fingerprint {
    const kind = tableKind(value);
    if (kind === undefined) {
      // The registry only hands us accepted values; anything else goes to the default fingerprinter.
      return ctx.fingerprint(value);
    }
    const frame = value as AnyRecord;
    const mode = this.modeFor(ctx);
    if (kind === "danfo-like") return this.danfoFingerprint(frame, mode, ctx);
    const source = this.sourceOf(kind, frame);
    let index: readonly string[] | undefined;
    let effective = mode;
    if (mode === "index") {
      if (kind === "arrow-vector" || kind === "polars-series") {
        effective = "content"; // a single column is its own index
      } else {
        index = this.options.index ?? pandasIndex(kind, frame);
        if (!index) {
          this.warnOnce(
            ctx,
            `no-index:${ctx.node}`,
            `index mode${ctx.node ? ` for node "${ctx.node}"` : ""}: the table has no index and no index option was given, so it is fingerprinted by content; pass dataframeCaching({ index: "id" }) or arrowFingerprinter({ index: "id" })`,
          );
          effective = "content";
        }
      }
    }
    return tableFingerprint(source, {
      hashBytes: (bytes) => ctx.hashBytes(bytes),
      mode: effective,
      index: index ?? [],
      node: ctx.node,
      slowPath: (column) => this.slowColumn(column, ctx),
    });
  }

  private modeFor(ctx: FingerprintContext): DataframeFingerprintMode {
    if (ctx.mode === "content" || ctx.mode === "index") return ctx.mode;
    if (ctx.mode !== undefined) {
      this.warnOnce(
        ctx,
        `mode:${ctx.mode}`,
        `unknown fingerprint mode "${ctx.mode}"${ctx.node ? ` on node "${ctx.node}"` : ""}: tables support "content" and "index"; using "${this.options.mode}"`,
      );
    }
    return this.options.mode;
  }

  private sourceOf(kind: TableKind, frame: AnyRecord): TableSource {
    switch (kind) {
      case "arrow-table":
        return arrowTableSource(frame);
      case "arrow-record-batch":
        return arrowRecordBatchSource(frame);
      case "arrow-vector":
        return arrowVectorSource(frame);
      case "flechette-table":
        return flechetteTableSource(frame);
      case "arquero":
        return arqueroSource(frame);
      case "polars-dataframe":
      case "polars-series": {
        // Polars hands its buffers out as Arrow IPC (a native, bulk copy); flechette views them in
        // place (libraries.ts: no apache-arrow needed). The bytes are kept for the codec
        // (ipc-memo.ts), which then stores them without writing again.
        const df = kind === "polars-series" ? (frame.toFrame() as AnyRecord) : frame;
        const flechette = flechetteModule("fingerprint nodejs-polars frames");
        const framed = polarsIpc(df);
        rememberIpc(frame, framed);
        return flechetteTableSource(tableOfIpc(flechette, framed, df.height as number | undefined));
      }
      default:
        throw new Error(`unreachable table kind ${kind}`);
    }
  }

  private slowColumn(column: ColumnSource, ctx: FingerprintContext): string {
    this.warnOnce(
      ctx,
      `slow:${column.field.type.desc}`,
      `column "${column.field.name}"${ctx.node ? ` of node "${ctx.node}"` : ""} has type ${column.field.type.desc}, which is fingerprinted value by value (slow): cast it to a plain Arrow type for bulk hashing`,
    );
    return ctx.fingerprint(column.values());
  }

  private danfoFingerprint(frame: AnyRecord, mode: DataframeFingerprintMode, ctx: FingerprintContext): Fingerprint {
    const columns = (frame.columns as unknown[]).map(String);
    const dtypes: unknown = Array.isArray(frame.dtypes) ? frame.dtypes : null;
    const rows = frame.values as unknown[];
    // Tuples, not objects: an object with columns/values/index would be a danfo-like frame again.
    let payload: unknown;
    if (mode === "content") {
      payload = [columns, dtypes, frame.index, rows];
    } else if (this.options.index) {
      const picks = this.options.index.map((name) => {
        const at = columns.indexOf(name);
        if (at < 0) {
          throw new FingerprintError(
            `index mode${ctx.node ? ` for node "${ctx.node}"` : ""}: the frame has no column "${name}" (columns: ${columns.join(", ")}); pass an existing column as the index option`,
          );
        }
        return rows.map((row) => (Array.isArray(row) ? row[at] : row));
      });
      payload = [columns, dtypes, this.options.index, picks];
    } else {
      payload = [columns, dtypes, frame.index];
    }
    return hashText((bytes) => ctx.hashBytes(bytes), `ham-danfo/1|${mode}|${ctx.fingerprint(payload)}`);
  }

  private warnOnce(ctx: FingerprintContext, key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    ctx.warn(`[ham] ${message}`);
  }
}

/** Index columns named in pandas metadata of an Arrow schema (tables written by pandas/pyarrow). */
function pandasIndex(kind: TableKind, frame: AnyRecord): readonly string[] | undefined {
  if (kind !== "arrow-table" && kind !== "arrow-record-batch") return undefined;
  const metadata = frame.schema?.metadata as Map<string, string> | undefined;
  const text = metadata?.get?.("pandas");
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { index_columns?: unknown[] };
    const names = (parsed.index_columns ?? []).filter((c): c is string => typeof c === "string");
    return names.length > 0 ? names : undefined;
  } catch {
    return undefined;
  }
}

/** One fingerprinter for every supported table library (the one `dataframeCaching` installs). */
export function dataframeFingerprinter(options: DataframeFingerprintOptions = {}): Fingerprinter {
  return new DataframeFingerprinter(options, ["arrow", "arquero", "polars", "danfo"], "dataframeFingerprinter");
}

/** Fingerprinter for apache-arrow `Table`, `RecordBatch` and `Vector`. */
export function arrowFingerprinter(options: DataframeFingerprintOptions = {}): Fingerprinter {
  return new DataframeFingerprinter(options, ["arrow"], "arrowFingerprinter");
}

/** Fingerprinter for Arquero tables. */
export function arqueroFingerprinter(options: DataframeFingerprintOptions = {}): Fingerprinter {
  return new DataframeFingerprinter(options, ["arquero"], "arqueroFingerprinter");
}

/** Fingerprinter for nodejs-polars `DataFrame` and `Series` (reads them through Arrow IPC, with flechette). */
export function polarsFingerprinter(options: DataframeFingerprintOptions = {}): Fingerprinter {
  return new DataframeFingerprinter(options, ["polars"], "polarsFingerprinter");
}

/** Fingerprinter for danfo-like frames (`columns` + `values` + `index`), without depending on danfo. */
export function danfoFingerprinter(options: DataframeFingerprintOptions = {}): Fingerprinter {
  return new DataframeFingerprinter(options, ["danfo"], "danfoFingerprinter");
}

/** The fingerprinters `dataframeCaching` installs (one that handles every library). */
export function dataframeFingerprinters(options: DataframeFingerprintOptions = {}): Fingerprinter[] {
  return [dataframeFingerprinter(options)];
}
