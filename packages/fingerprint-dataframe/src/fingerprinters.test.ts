// Behaviour of the table fingerprinters: what changes a content / index fingerprint and what does not.
import { ConfigurationError, FingerprintError, type Fingerprinter } from "@ham/core";
import { FingerprinterRegistry, hashingReady } from "@ham/core/fingerprint";
import * as arrow from "apache-arrow";
import * as aq from "arquero";
import pl from "nodejs-polars";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ROWS,
  arqueroFromArrow,
  arrowTable,
  chunkedArrowTable,
  slicedArrowTable,
  withCell,
  withRow,
} from "../test/tables.js";
import { arrowFingerprinter, dataframeFingerprinter, polarsFingerprinter } from "./index.js";

beforeAll(() => hashingReady());

/** Fingerprint through the core's registry, as the cache does. */
function fp(
  value: unknown,
  options: { mode?: string; fingerprinter?: Fingerprinter; warnings?: string[] } = {},
): string {
  const warnings = options.warnings ?? [];
  const registry = new FingerprinterRegistry({
    fingerprinters: [options.fingerprinter ?? dataframeFingerprinter({ index: "id" })],
    warn: (message) => warnings.push(message),
  });
  return registry.fingerprint(value, { node: "T", mode: options.mode });
}

const content = (value: unknown) => fp(value, { mode: "content" });
const index = (value: unknown) => fp(value, { mode: "index" });

describe("content and index modes", () => {
  it("a changed cell changes the content fingerprint and not the index one", () => {
    const changed = arrowTable(withCell(4, { x: 99 }));
    expect(content(changed)).not.toBe(content(arrowTable()));
    expect(index(changed)).toBe(index(arrowTable()));
  });

  it("a changed index value changes both fingerprints", () => {
    const changed = arrowTable(withCell(4, { id: 50 }));
    expect(content(changed)).not.toBe(content(arrowTable()));
    expect(index(changed)).not.toBe(index(arrowTable()));
  });

  it("a reordered schema changes both fingerprints", () => {
    const reordered = arrowTable(ROWS, ["id", "s", "x", "b"]);
    expect(content(reordered)).not.toBe(content(arrowTable()));
    expect(index(reordered)).not.toBe(index(arrowTable()));
  });

  it("a new row changes both fingerprints", () => {
    const longer = arrowTable(withRow({ id: 12, x: 12, s: "mu", b: false }));
    expect(content(longer)).not.toBe(content(arrowTable()));
    expect(index(longer)).not.toBe(index(arrowTable()));
  });

  it("a changed column type changes both fingerprints", () => {
    const base = new arrow.Table({ id: arrow.vectorFromArray([1, 2, 3], new arrow.Int32()) });
    const wider = new arrow.Table({ id: arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()) });
    const fpr = arrowFingerprinter({ index: "id" });
    expect(fp(wider, { fingerprinter: fpr })).not.toBe(fp(base, { fingerprinter: fpr }));
    expect(fp(wider, { fingerprinter: fpr, mode: "index" })).not.toBe(fp(base, { fingerprinter: fpr, mode: "index" }));
  });

  it("content and index fingerprints of the same table differ", () => {
    expect(index(arrowTable())).not.toBe(content(arrowTable()));
  });

  it("nulls and zeros fingerprint differently, also for strings and booleans", () => {
    expect(content(arrowTable(withCell(0, { x: 0 })))).not.toBe(content(arrowTable(withCell(0, { x: null }))));
    expect(content(arrowTable(withCell(0, { s: "" })))).not.toBe(content(arrowTable(withCell(0, { s: null }))));
    expect(content(arrowTable(withCell(0, { b: false })))).not.toBe(content(arrowTable(withCell(0, { b: null }))));
  });

  it("the node's mode (ctx.mode) overrides the fingerprinter's default", () => {
    const byIndex = dataframeFingerprinter({ mode: "index", index: "id" });
    const changed = arrowTable(withCell(2, { s: "changed" }));
    expect(fp(changed, { fingerprinter: byIndex })).toBe(fp(arrowTable(), { fingerprinter: byIndex }));
    expect(fp(changed, { fingerprinter: byIndex, mode: "content" })).not.toBe(
      fp(arrowTable(), { fingerprinter: byIndex, mode: "content" }),
    );
  });

  it("index mode without an index falls back to content and warns once", () => {
    const warnings: string[] = [];
    const noIndex = dataframeFingerprinter();
    const a = fp(arrowTable(), { fingerprinter: noIndex, mode: "index", warnings });
    const b = fp(arrowTable(withCell(3, { x: 1 })), { fingerprinter: noIndex, mode: "index", warnings });
    expect(a).not.toBe(b);
    expect(warnings.some((w) => w.includes("no index"))).toBe(true);
  });

  it("an index column the table does not have is a FingerprintError naming the column", () => {
    const registry = new FingerprinterRegistry({ fingerprinters: [dataframeFingerprinter({ index: "key" })] });
    expect(() => registry.fingerprint(arrowTable(), { node: "T", mode: "index" })).toThrow(FingerprintError);
    expect(() => registry.fingerprint(arrowTable(), { node: "T", mode: "index" })).toThrow(/"key"/);
  });

  it("several index columns: only those columns count", () => {
    const both = dataframeFingerprinter({ index: ["id", "s"] });
    const changedX = arrowTable(withCell(1, { x: 42 }));
    const changedS = arrowTable(withCell(1, { s: "other" }));
    expect(fp(changedX, { fingerprinter: both, mode: "index" })).toBe(
      fp(arrowTable(), { fingerprinter: both, mode: "index" }),
    );
    expect(fp(changedS, { fingerprinter: both, mode: "index" })).not.toBe(
      fp(arrowTable(), { fingerprinter: both, mode: "index" }),
    );
  });

  it("bad options are ConfigurationErrors at construction", () => {
    expect(() => arrowFingerprinter({ mode: "rows" as "content" })).toThrow(ConfigurationError);
    expect(() => arrowFingerprinter({ index: [] })).toThrow(ConfigurationError);
    expect(() => arrowFingerprinter({ index: [""] })).toThrow(ConfigurationError);
  });
});

describe("chunking and layout do not matter", () => {
  it("one batch, three batches and zero-copy slices at odd offsets fingerprint the same", () => {
    const one = content(arrowTable());
    expect(content(chunkedArrowTable([3, 4]))).toBe(one);
    expect(content(chunkedArrowTable([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))).toBe(one);
    expect(content(slicedArrowTable([3, 5, 9]))).toBe(one);
    expect(content(slicedArrowTable([7]))).toBe(one);
    expect(index(slicedArrowTable([2, 9]))).toBe(index(arrowTable()));
  });

  it("a LargeUtf8 column in one batch, in three batches and as slices fingerprints the same; a changed string does not", () => {
    const strings = Array.from({ length: 3000 }, (_, i) => `v${i}${"x".repeat(i % 7)}`);
    const vector = (values: string[]) => arrow.vectorFromArray(values, new arrow.LargeUtf8());
    const table = (...parts: string[][]) =>
      new arrow.Table(parts.map((p) => new arrow.RecordBatch({ s: vector(p).data[0]! })));
    const one = table(strings);
    const three = table(strings.slice(0, 1000), strings.slice(1000, 2500), strings.slice(2500));
    // Slices keep the whole offsets buffer: their first offset is not 0.
    const whole = vector(strings);
    const sliced = new arrow.Table({
      s: new arrow.Vector([whole.data[0]!.slice(0, 1234), whole.data[0]!.slice(1234, 1766)]),
    });
    expect(three.batches.length).toBe(3);
    expect(content(three)).toBe(content(one));
    expect(content(sliced)).toBe(content(one));
    const changed = [...strings];
    changed[2999] = "changed";
    expect(content(table(strings.slice(0, 1000), strings.slice(1000, 2500), changed.slice(2500)))).not.toBe(
      content(one),
    );
  });
  it("a RecordBatch, a one-batch Table and a Vector fingerprint consistently", () => {
    const table = arrowTable();
    expect(content(table.batches[0])).toBe(content(table));
    const x = table.getChild("x")!;
    const xSliced = new arrow.Vector([...slicedArrowTable([3, 5]).getChild("x")!.data]);
    expect(content(xSliced)).toBe(content(x));
    expect(content(x)).not.toBe(content(table.getChild("id")));
  });

  it("bytes under null slots do not matter (Arrow leaves them undefined)", () => {
    const values = new Float64Array([1, 2, 3, 4]);
    const garbage = new Float64Array([1, 777, 3, 4]);
    const validity = Uint8Array.of(0b1101);
    const make = (data: Float64Array) =>
      new arrow.Vector([
        arrow.makeData({ type: new arrow.Float64(), length: 4, nullCount: 1, nullBitmap: validity, data }),
      ]);
    expect(content(make(garbage))).toBe(content(make(values)));
    // And for strings: a null slot that covers bytes.
    const strings = (offsets: Int32Array, data: Uint8Array) =>
      new arrow.Vector([
        arrow.makeData({
          type: new arrow.Utf8(),
          length: 3,
          nullCount: 1,
          nullBitmap: Uint8Array.of(0b101),
          valueOffsets: offsets,
          data,
        }),
      ]);
    const clean = strings(Int32Array.of(0, 1, 1, 2), new TextEncoder().encode("ac"));
    const dirty = strings(Int32Array.of(0, 1, 4, 5), new TextEncoder().encode("axyzc"));
    expect(content(dirty)).toBe(content(clean));
  });

  it("dictionary columns fingerprint by value: different dictionaries, same values, same fingerprint", () => {
    const type = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    const a = new arrow.Vector([
      arrow.makeData({
        type: type(),
        length: 4,
        data: Int32Array.of(0, 1, 0, 1),
        dictionary: arrow.vectorFromArray(["red", "blue"], new arrow.Utf8()),
      }),
    ]);
    const b = new arrow.Vector([
      arrow.makeData({
        type: type(),
        length: 4,
        data: Int32Array.of(1, 0, 1, 0),
        dictionary: arrow.vectorFromArray(["blue", "red"], new arrow.Utf8()),
      }),
    ]);
    const c = new arrow.Vector([
      arrow.makeData({
        type: type(),
        length: 4,
        data: Int32Array.of(0, 0, 0, 1),
        dictionary: arrow.vectorFromArray(["red", "blue"], new arrow.Utf8()),
      }),
    ]);
    expect(content(b)).toBe(content(a));
    expect(content(c)).not.toBe(content(a));
  });

  it("nested lists and structs hash in bulk and are chunk-independent", () => {
    const rows = [
      { l: [1, 2], st: { a: 1, t: "x" } },
      { l: [], st: { a: 2, t: "y" } },
      { l: [3], st: { a: 3, t: "z" } },
      { l: [4, 5, 6], st: { a: 4, t: "w" } },
      { l: [7], st: { a: 5, t: "v" } },
    ];
    const listType = new arrow.List(new arrow.Field("item", new arrow.Int32(), true));
    const structType = new arrow.Struct([
      new arrow.Field("a", new arrow.Int32(), true),
      new arrow.Field("t", new arrow.Utf8(), true),
    ]);
    const make = (part: typeof rows) =>
      new arrow.Table({
        l: arrow.vectorFromArray(
          part.map((r) => r.l),
          listType,
        ),
        st: arrow.vectorFromArray(
          part.map((r) => r.st),
          structType,
        ),
      });
    const whole = make(rows);
    const chunked = new arrow.Table([...make(rows.slice(0, 2)).batches, ...make(rows.slice(2)).batches]);
    const sliced = new arrow.Table([...whole.slice(0, 3).batches, ...whole.slice(3).batches]);
    const warnings: string[] = [];
    expect(fp(chunked, { warnings })).toBe(fp(whole, { warnings }));
    expect(fp(sliced, { warnings })).toBe(fp(whole, { warnings }));
    expect(fp(make(rows.map((r, i) => (i === 3 ? { ...r, l: [4, 5, 7] } : r))))).not.toBe(fp(whole));
    expect(warnings).toEqual([]);
  });
});

describe("across libraries", () => {
  // "The same" means: same column names in the same order, same Arrow types (after each library's
  // own conversion), same nullability, same values. Arquero columns count as nullable.
  it("an Arrow table and the Arquero table made from it fingerprint the same", () => {
    const table = arrowTable();
    expect(content(arqueroFromArrow(table))).toBe(content(table));
    expect(index(arqueroFromArrow(table))).toBe(index(table));
  });

  it("Arquero tables built from typed arrays match Arrow tables with the same types", () => {
    const id = Int32Array.from({ length: 100 }, (_, i) => i);
    const x = Float64Array.from({ length: 100 }, (_, i) => i / 3);
    const fromArquero = aq.table({ id, x });
    const fromArrow = new arrow.Table({ id: arrow.makeVector(id), x: arrow.makeVector(x) });
    // makeVector marks typed-array columns non-nullable; Arquero has no nullability: rebuild the schema.
    const nullable = new arrow.Table(
      new arrow.Schema(fromArrow.schema.fields.map((f) => f.clone({ nullable: true }))),
      fromArrow.batches.map(
        (b) =>
          new arrow.RecordBatch(
            new arrow.Schema(fromArrow.schema.fields.map((f) => f.clone({ nullable: true }))),
            b.data,
          ),
      ),
    );
    expect(content(fromArquero)).toBe(content(nullable));
    expect(content(fromArquero)).not.toBe(content(fromArrow));
  });

  it("Arquero: a changed cell changes content, not index; filtered tables are converted first", () => {
    const base = arqueroFromArrow(arrowTable());
    const changed = arqueroFromArrow(arrowTable(withCell(2, { x: 0.5 })));
    expect(content(changed)).not.toBe(content(base));
    expect(index(changed)).toBe(index(base));
    const filtered = aq
      .table({ id: Int32Array.of(1, 2, 3, 4), v: Float64Array.of(1, 2, 3, 4) })
      .filter((d: { id: number }) => d.id > 2);
    const direct = aq.table({ id: Int32Array.of(3, 4), v: Float64Array.of(3, 4) });
    expect(content(filtered)).toBe(content(direct));
  });

  it("nodejs-polars frames: content and index modes, and they match the Arrow table polars exports", () => {
    const df = pl.DataFrame({ id: [1, 2, 3], x: [1.5, null, 3.5], s: ["a", "b", null] });
    const changed = pl.DataFrame({ id: [1, 2, 3], x: [1.5, null, 9.5], s: ["a", "b", null] });
    const fpr = polarsFingerprinter({ index: "id" });
    expect(fp(changed, { fingerprinter: fpr })).not.toBe(fp(df, { fingerprinter: fpr }));
    expect(fp(changed, { fingerprinter: fpr, mode: "index" })).toBe(fp(df, { fingerprinter: fpr, mode: "index" }));
    const exported = arrow.tableFromIPC(df.writeIPCStream());
    expect(content(df)).toBe(content(exported));
    expect(content(df.getColumn("x"))).not.toBe(content(df.getColumn("id")));
  });

  it("nodejs-polars frames are read without apache-arrow, with the fingerprints apache-arrow's reading gave", () => {
    // The fingerprinter must not touch apache-arrow for polars: a module that throws on any use.
    const noArrow = new Proxy(
      {},
      {
        get: () => {
          throw new Error("apache-arrow was used");
        },
      },
    );
    const fpr = polarsFingerprinter({ libraries: { arrow: noArrow, polars: pl } });
    const frames = [
      pl.DataFrame({
        a: [1, null, 3],
        s: ["x", null, "zz"],
        b: [true, false, null],
        f: [1.5, 2.5, null],
        d: [new Date(0), new Date(1e12), null],
      }),
      pl.DataFrame({ c: pl.Series("c", ["a", "b", "a"]).cast(pl.Categorical) }),
      pl.DataFrame({ l: [[1, 2], [3], []] }),
      pl.DataFrame({ i64: pl.Series("i64", [1n, 2n, 3n], pl.Int64), u8: pl.Series("u8", [1, 2, 3], pl.UInt8) }),
    ];
    for (const df of frames) {
      // Before: polars IPC read by apache-arrow. Same bytes, same buffers, same fingerprint.
      expect(fp(df, { fingerprinter: fpr })).toBe(content(arrow.tableFromIPC(df.writeIPCStream())));
    }
    expect(fp(frames[0]!.getColumn("s"), { fingerprinter: fpr })).toBe(
      content(arrow.tableFromIPC(frames[0]!.select("s").writeIPCStream())),
    );
  });

  it("danfo-like frames (columns + values + index) fingerprint by content or by their own index", () => {
    const frame = (values: unknown[][], idx: unknown[]) => ({
      columns: ["a", "b"],
      dtypes: ["int32", "string"],
      values,
      index: idx,
    });
    const base = frame(
      [
        [1, "x"],
        [2, "y"],
      ],
      [0, 1],
    );
    const changedCell = frame(
      [
        [1, "x"],
        [2, "z"],
      ],
      [0, 1],
    );
    const changedIndex = frame(
      [
        [1, "x"],
        [2, "y"],
      ],
      [0, 2],
    );
    const fpr = dataframeFingerprinter();
    expect(fp(changedCell, { fingerprinter: fpr })).not.toBe(fp(base, { fingerprinter: fpr }));
    expect(fp(changedCell, { fingerprinter: fpr, mode: "index" })).toBe(
      fp(base, { fingerprinter: fpr, mode: "index" }),
    );
    expect(fp(changedIndex, { fingerprinter: fpr, mode: "index" })).not.toBe(
      fp(base, { fingerprinter: fpr, mode: "index" }),
    );
    const byColumn = dataframeFingerprinter({ index: "a" });
    expect(fp(changedIndex, { fingerprinter: byColumn, mode: "index" })).toBe(
      fp(base, { fingerprinter: byColumn, mode: "index" }),
    );
  });

  it("tables nested in plain objects are fingerprinted by the table fingerprinter", () => {
    expect(content({ t: chunkedArrowTable([5]) })).toBe(content({ t: arrowTable() }));
    expect(content({ t: arrowTable(withCell(0, { x: 2 })) })).not.toBe(content({ t: arrowTable() }));
  });
});
