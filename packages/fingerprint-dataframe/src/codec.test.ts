// The Arrow IPC codec: every table kind comes back as the same kind, with schema, types and values.
import { hashingReady } from "@ham/core/fingerprint";
import { CodecError, CorruptResultError, ResultCodec } from "@ham/core/codec";
import * as arrow from "apache-arrow";
import * as aq from "arquero";
import pl from "nodejs-polars";
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { arrowTable } from "../test/tables.js";
import { arrowIpcCodec, dataframeCaching, tableKind } from "./index.js";

beforeAll(() => hashingReady());

const codec = arrowIpcCodec();
const roundTrip = <T>(value: T): unknown => codec.decode(codec.encode(value));

function typedSchema(table: { schema: arrow.Schema }): string[] {
  return table.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);
}

describe("arrowIpcCodec", () => {
  it("an Arrow table round trips with its schema, types, nulls and values", () => {
    const table = new arrow.Table({
      ...Object.fromEntries(arrowTable().schema.fields.map((f) => [f.name, arrowTable().getChild(f.name)!])),
      big: arrow.vectorFromArray([1n, null, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n], new arrow.Int64()),
      day: arrow.vectorFromArray(
        Array.from({ length: 11 }, (_, i) => new Date(Date.UTC(2024, 0, i + 1))),
        new arrow.DateDay(),
      ),
      cat: arrow.vectorFromArray(
        ["a", "b", "a", "c", "a", "b", "a", "c", "a", "b", "a"],
        new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8()),
      ),
    });
    const back = roundTrip(table) as arrow.Table;
    expect(tableKind(back)).toBe("arrow-table");
    expect(typedSchema(back)).toEqual(typedSchema(table));
    expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
  });

  it("a RecordBatch comes back as a RecordBatch and a Vector as a Vector", () => {
    const batch = arrowTable().batches[0]!;
    const backBatch = roundTrip(batch) as arrow.RecordBatch;
    expect(tableKind(backBatch)).toBe("arrow-record-batch");
    expect(backBatch.numRows).toBe(batch.numRows);
    expect(backBatch.getChild("s")!.toArray()).toEqual(batch.getChild("s")!.toArray());
    const vector = arrowTable().getChild("x")!;
    const backVector = roundTrip(vector) as arrow.Vector;
    expect(tableKind(backVector)).toBe("arrow-vector");
    expect(String(backVector.type)).toBe(String(vector.type));
    expect([...backVector]).toEqual([...vector]);
  });

  it("an Arquero table comes back as an Arquero table with the same columns and rows", () => {
    const table = aq.table({ id: Int32Array.of(1, 2, 3), name: ["a", null, "c"], v: Float64Array.of(0.5, 1.5, 2.5) });
    const back = roundTrip(table) as aq.ColumnTable;
    expect(tableKind(back)).toBe("arquero");
    expect(back.columnNames()).toEqual(["id", "name", "v"]);
    expect(back.objects()).toEqual(table.objects());
  });

  it("a nodejs-polars DataFrame and Series come back as the same kind with the same dtypes", () => {
    const df = pl.DataFrame({ id: [1, 2, 3], s: ["x", null, "z"], f: [0.5, 1.5, null] });
    const back = roundTrip(df) as pl.DataFrame;
    expect(tableKind(back)).toBe("polars-dataframe");
    expect(back.dtypes.map(String)).toEqual(df.dtypes.map(String));
    expect(back.toRecords()).toEqual(df.toRecords());
    const series = df.getColumn("s");
    const backSeries = roundTrip(series) as pl.Series;
    expect(tableKind(backSeries)).toBe("polars-series");
    expect(backSeries.name).toBe("s");
    expect(backSeries.toArray()).toEqual(series.toArray());
  });

  it("works inside the core's ResultCodec envelope, and other values still go to v8", () => {
    const results = new ResultCodec({ codecs: dataframeCaching().codecs });
    const table = arrowTable();
    const back = results.decode(results.encode(table, "T")) as arrow.Table;
    expect(back.numRows).toBe(table.numRows);
    expect(results.decode(results.encode({ plain: [1, 2] }))).toEqual({ plain: [1, 2] });
  });

  it("encodes tables made by another copy of apache-arrow (the CJS build) without copying buffers", () => {
    const cjs = createRequire(import.meta.url)("apache-arrow") as typeof arrow;
    expect(cjs.Table).not.toBe(arrow.Table);
    const foreign = new cjs.Table({
      id: cjs.vectorFromArray([1, 2, 3], new cjs.Int32()),
      s: cjs.vectorFromArray(["a", null, "c"], new cjs.Utf8()),
      cat: cjs.vectorFromArray(["x", "y", "x"], new cjs.Dictionary(new cjs.Utf8(), new cjs.Int32())),
    });
    const back = roundTrip(foreign) as arrow.Table;
    expect(back.numRows).toBe(3);
    expect(typedSchema(back)).toEqual(typedSchema(foreign as unknown as arrow.Table));
    expect(back.getChild("s")!.toArray()).toEqual(["a", null, "c"]);
    expect([...back.getChild("cat")!]).toEqual(["x", "y", "x"]);
  });

  it("rejects what it cannot encode and bytes it did not write", () => {
    expect(codec.accepts({ columns: ["a"], values: [[1]], index: [0] })).toBe(false);
    expect(codec.accepts(42)).toBe(false);
    expect(() => codec.encode(42)).toThrow(CodecError);
    expect(() => codec.decode(Uint8Array.of(1, 2, 3))).toThrow(CorruptResultError);
    const bytes = codec.encode(arrowTable());
    expect(() => codec.decode(bytes.subarray(0, 40))).toThrow(CorruptResultError);
  });
});
