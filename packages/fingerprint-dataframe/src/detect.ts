// Duck-typed detection of table values, so no table library is imported to recognise its values.

/** The kinds of table this package understands. */
export type TableKind =
  | "arrow-table"
  | "arrow-record-batch"
  | "arrow-vector"
  | "flechette-table"
  | "arquero"
  | "polars-dataframe"
  | "polars-series"
  | "danfo-like";

type AnyRecord = Record<string, any>;

const isObject = (value: unknown): value is AnyRecord => typeof value === "object" && value !== null;
const isFn = (value: unknown): boolean => typeof value === "function";

function hasArrowSchema(value: AnyRecord): boolean {
  return isObject(value.schema) && Array.isArray(value.schema.fields);
}

/** An apache-arrow Data (as opposed to a flechette Batch): it has `nullBitmap` and `offset`. */
function isArrowData(value: unknown): boolean {
  return isObject(value) && "nullBitmap" in value && typeof value.offset === "number" && isObject(value.type);
}

/** Which kind of table `value` is, or undefined. Cheap: a few property checks. */
export function tableKind(value: unknown): TableKind | undefined {
  if (!isObject(value)) return undefined;
  // Arquero first: its tables also have `columnNames` and `numRows`, but as methods.
  if (isFn(value.columnNames) && isFn(value.numRows) && isFn(value.toArrow) && isFn(value.isFiltered)) return "arquero";
  // polars before Arrow: a polars DataFrame's `schema` is a getter that builds a Series per column.
  const tag = Object.prototype.toString.call(value);
  if (tag === "[object DataFrame]" && isFn(value.writeIPCStream) && isObject(value._df)) return "polars-dataframe";
  if (isObject(value._s) && isFn(value.toFrame) && typeof value.name === "string" && "dtype" in value)
    return "polars-series";
  if (hasArrowSchema(value)) {
    if (Array.isArray(value.batches) && Array.isArray(value.data) && isFn(value.getChildAt)) return "arrow-table";
    if (isArrowData(value.data) && isFn(value.getChildAt)) return "arrow-record-batch";
    if (Array.isArray(value.children) && !Array.isArray(value.batches) && isFn(value.getChildAt))
      return "flechette-table";
  }
  if (Array.isArray(value.data) && isObject(value.type) && isFn(value.toArray) && typeof value.length === "number") {
    const first: unknown = value.data[0];
    if (first === undefined || isArrowData(first)) return "arrow-vector";
  }
  if (Array.isArray(value.columns) && Array.isArray(value.values) && Array.isArray(value.index)) return "danfo-like";
  return undefined;
}

/** A flechette Column (Arquero's Arrow layer): batches in `data` without apache-arrow's `nullBitmap`. */
export function isFlechetteColumn(value: unknown): boolean {
  return (
    isObject(value) &&
    Array.isArray(value.data) &&
    isObject(value.type) &&
    isFn(value.toArray) &&
    value.data.every((batch: unknown) => isObject(batch) && "validity" in batch)
  );
}

/** An apache-arrow Vector. */
export function isArrowVector(value: unknown): boolean {
  return tableKind(value) === "arrow-vector";
}
