// Test tables: the same data built in different ways (chunking, libraries), and small variations.
import * as arrow from "apache-arrow";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";

export type Row = { id: number; x: number | null; s: string | null; b: boolean | null };

export const ROWS: Row[] = [
  { id: 1, x: 1.5, s: "alpha", b: true },
  { id: 2, x: null, s: "beta", b: false },
  { id: 3, x: 3.25, s: null, b: null },
  { id: 4, x: 4, s: "delta", b: true },
  { id: 5, x: 5.5, s: "", b: false },
  { id: 6, x: -6, s: "zeta", b: true },
  { id: 7, x: 7, s: "eta", b: null },
  { id: 8, x: 8, s: "theta", b: true },
  { id: 9, x: 9.75, s: "iota", b: false },
  { id: 10, x: null, s: "kappa", b: true },
  { id: 11, x: 11, s: "lambda", b: true },
];

/** An Arrow table of `rows` (one record batch), columns in the given order. */
export function arrowTable(
  rows: readonly Row[] = ROWS,
  order: readonly (keyof Row)[] = ["id", "x", "s", "b"],
): arrow.Table {
  const vectors: Record<string, arrow.Vector> = {};
  for (const key of order) {
    const values = rows.map((r) => r[key]);
    const type =
      key === "id"
        ? new arrow.Int32()
        : key === "x"
          ? new arrow.Float64()
          : key === "s"
            ? new arrow.Utf8()
            : new arrow.Bool();
    vectors[key] = arrow.vectorFromArray(values, type as arrow.DataType);
  }
  return new arrow.Table(vectors);
}

/** The same data as arrowTable(rows), as one record batch per part (split at the given row counts). */
export function chunkedArrowTable(sizes: readonly number[], rows: readonly Row[] = ROWS): arrow.Table {
  const batches: arrow.RecordBatch[] = [];
  let at = 0;
  for (const size of sizes) {
    batches.push(...arrowTable(rows.slice(at, at + size)).batches);
    at += size;
  }
  if (at < rows.length) batches.push(...arrowTable(rows.slice(at)).batches);
  return new arrow.Table(batches);
}

/** The same data as a table of zero-copy slices of one batch (validity bitmaps start mid-byte). */
export function slicedArrowTable(cuts: readonly number[], rows: readonly Row[] = ROWS): arrow.Table {
  const whole = arrowTable(rows);
  const bounds = [0, ...cuts, rows.length];
  const batches: arrow.RecordBatch[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) batches.push(...whole.slice(bounds[i], bounds[i + 1]).batches);
  return new arrow.Table(batches);
}

export function withRow(row: Row, rows: readonly Row[] = ROWS): Row[] {
  return [...rows, row];
}

export function withCell(index: number, patch: Partial<Row>, rows: readonly Row[] = ROWS): Row[] {
  return rows.map((r, i) => (i === index ? { ...r, ...patch } : r));
}

/** Arquero's `fromArrow` over an apache-arrow table (its typings only name flechette's tables). */
export function arqueroFromArrow(table: arrow.Table): ColumnTable {
  return aq.fromArrow(table as unknown as Parameters<typeof aq.fromArrow>[0]);
}
