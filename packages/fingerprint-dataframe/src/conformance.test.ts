// The package runs @ham/conformance's fingerprinter suite the way a third-party author would.
import { describeFingerprinter } from "@ham/conformance";
import * as arrow from "apache-arrow";
import * as aq from "arquero";
import {
  ROWS,
  arqueroFromArrow,
  arrowTable,
  chunkedArrowTable,
  slicedArrowTable,
  withCell,
  withRow,
} from "../test/tables.js";
import { arrowFingerprinter, dataframeFingerprinter } from "./index.js";

const rejected = [1, "table", null, undefined, [1, 2], { columns: ["a"] }, new Float64Array(3), new Map()];

describeFingerprinter("dataframe (content mode)", () => ({
  fingerprinter: dataframeFingerprinter(),
  samples: {
    equalPairs: [
      [arrowTable(), arrowTable()],
      [arrowTable(), chunkedArrowTable([3, 4])],
      [arrowTable(), slicedArrowTable([1, 6, 9])],
      [arrowTable(), arqueroFromArrow(arrowTable())],
      [arrowTable().batches[0], arrowTable().batches[0]],
      [arrowTable().getChild("s"), slicedArrowTable([5]).getChild("s")],
    ],
    distinct: [
      arrowTable(),
      arrowTable(withCell(0, { x: 0 })),
      arrowTable(withCell(0, { x: null })),
      arrowTable(ROWS, ["x", "id", "s", "b"]),
      arrowTable(withRow({ id: 12, x: 1, s: "m", b: true })),
      arrowTable(ROWS.slice(1)),
      new arrow.Table({ id: arrow.vectorFromArray([1, 2], new arrow.Int32()) }),
      new arrow.Table({ id: arrow.vectorFromArray([1, 2], new arrow.Int16()) }),
      new arrow.Table({ id: arrow.vectorFromArray([1, 2], new arrow.Float64()) }),
      arrowTable().getChild("x"),
      aq.table({ a: Float64Array.of(1, 2, 3) }),
      { columns: ["a"], values: [[1], [2]], index: [0, 1] },
    ],
    rejected,
  },
}));

describeFingerprinter("arrow (index mode, index: id)", () => ({
  fingerprinter: arrowFingerprinter({ index: "id" }),
  mode: "index",
  samples: {
    equalPairs: [
      [arrowTable(), arrowTable(withCell(3, { x: 1234, s: "changed" }))],
      [arrowTable(), chunkedArrowTable([2, 2, 2])],
    ],
    distinct: [
      arrowTable(),
      arrowTable(withCell(3, { id: 40 })),
      arrowTable(ROWS.slice(2)),
      arrowTable(ROWS, ["b", "s", "x", "id"]),
    ],
    rejected,
  },
}));
