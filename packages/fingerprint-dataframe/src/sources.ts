// Turns a table of any supported library into a list of fields with their column chunks.
import { isArrowVector, isFlechetteColumn } from "./detect.js";
import {
  type ChunkView,
  type FieldInfo,
  chunkFromArrowData,
  chunkFromFlechetteBatch,
  fieldInfo,
  typeInfo,
} from "./model.js";

type AnyRecord = Record<string, any>;

/** One column: its field, its chunks (read lazily) and, for the slow fallback, its values. */
export interface ColumnSource {
  readonly field: FieldInfo;
  chunks(): ChunkView[];
  values(): unknown[];
}

/** A table as fields and columns in schema order. */
export interface TableSource {
  readonly numRows: number;
  readonly columns: readonly ColumnSource[];
}

function arrowColumn(field: FieldInfo, datas: () => AnyRecord[], vector: () => AnyRecord): ColumnSource {
  return {
    field,
    chunks: () => datas().map(chunkFromArrowData),
    values: () => Array.from(vector() as Iterable<unknown>),
  };
}

function flechetteColumn(field: FieldInfo, column: AnyRecord): ColumnSource {
  return {
    field,
    chunks: () => (column.data as AnyRecord[]).map((batch) => chunkFromFlechetteBatch(batch, column.type as AnyRecord)),
    values: () => Array.from(column as Iterable<unknown>),
  };
}

/** An apache-arrow Table (chunked: one Data per record batch). */
export function arrowTableSource(table: AnyRecord): TableSource {
  const fields = (table.schema.fields as AnyRecord[]).map(fieldInfo);
  return {
    numRows: table.numRows as number,
    columns: fields.map((field, i) =>
      arrowColumn(
        field,
        () => (table.data as AnyRecord[]).map((d) => d.children[i] as AnyRecord),
        () => table.getChildAt(i) as AnyRecord,
      ),
    ),
  };
}

/** An apache-arrow RecordBatch (one chunk per column). */
export function arrowRecordBatchSource(batch: AnyRecord): TableSource {
  const fields = (batch.schema.fields as AnyRecord[]).map(fieldInfo);
  return {
    numRows: batch.numRows as number,
    columns: fields.map((field, i) =>
      arrowColumn(
        field,
        () => [batch.data.children[i] as AnyRecord],
        () => batch.getChildAt(i) as AnyRecord,
      ),
    ),
  };
}

/** An apache-arrow Vector: a one-column table whose column has no name and counts as nullable. */
export function arrowVectorSource(vector: AnyRecord): TableSource {
  const field: FieldInfo = { name: "", nullable: true, type: typeInfo(vector.type as AnyRecord) };
  return {
    numRows: vector.length as number,
    columns: [
      arrowColumn(
        field,
        () => vector.data as AnyRecord[],
        () => vector,
      ),
    ],
  };
}

/** A flechette Table (what Arquero's `toArrow()` returns). */
export function flechetteTableSource(table: AnyRecord): TableSource {
  const fields = (table.schema.fields as AnyRecord[]).map(fieldInfo);
  return {
    numRows: table.numRows as number,
    columns: fields.map((field, i) => flechetteColumn(field, table.children[i] as AnyRecord)),
  };
}

/**
 * An Arquero table. Columns already backed by Arrow (from `fromArrow`/`loadArrow`) are read in
 * place when the table is neither filtered nor ordered; the others are converted with Arquero's own
 * `toArrow` (flechette), which infers the Arrow type from the values (see docs/dataframes.md).
 * Arquero has no per-column nullability, so its columns count as nullable.
 */
export function arqueroSource(input: AnyRecord): TableSource {
  // A filtered or ordered table is materialised first (typed-array columns keep their type).
  const table = input.isFiltered() || input.isOrdered() ? (input.reify() as AnyRecord) : input;
  const names = table.columnNames() as string[];
  const direct = new Map<string, ColumnSource>();
  const convert: string[] = [];
  for (const name of names) {
    const column = table.column(name) as unknown;
    if (isArrowVector(column)) {
      const vector = column as AnyRecord;
      const field: FieldInfo = { name, nullable: true, type: typeInfo(vector.type as AnyRecord) };
      direct.set(
        name,
        arrowColumn(
          field,
          () => vector.data as AnyRecord[],
          () => vector,
        ),
      );
    } else if (isFlechetteColumn(column)) {
      const col = column as AnyRecord;
      direct.set(name, flechetteColumn({ name, nullable: true, type: typeInfo(col.type as AnyRecord) }, col));
    } else {
      convert.push(name);
    }
  }
  let converted: AnyRecord | undefined;
  const columns = names.map((name): ColumnSource => {
    const found = direct.get(name);
    if (found) return found;
    converted ??= table.toArrow({ columns: convert }) as AnyRecord;
    const i = convert.indexOf(name);
    const field = fieldInfo(converted.schema.fields[i] as AnyRecord);
    return flechetteColumn({ ...field, nullable: true }, converted.children[i] as AnyRecord);
  });
  return { numRows: table.numRows() as number, columns };
}
