// Each table result is serialised to Arrow IPC once on a cold run: the polars fingerprint's bytes are the ones stored.
import { Builder, MemoryFingerprintRepository, MemoryResultStore } from "@ham/core";
import * as arrow from "apache-arrow";
import * as aq from "arquero";
import pl from "nodejs-polars";
import { afterEach, describe, expect, it, vi } from "vitest";
import { arrowTable } from "../test/tables.js";
import { dataframeCaching } from "./index.js";
import { HEADROOM } from "./polars-ipc.js";

type AnyRecord = Record<string, any>;

afterEach(() => vi.restoreAllMocks());

/** Counts every Arrow IPC serialisation each library does: polars' native writer, apache-arrow's and Arquero's. */
function countSerialisations() {
  const arrowCalls = { n: 0 };
  const countingArrow = {
    ...arrow,
    tableToIPC: (...args: Parameters<typeof arrow.tableToIPC>) => (arrowCalls.n++, arrow.tableToIPC(...args)),
  };
  const polarsNative = vi.spyOn(
    Object.getPrototypeOf((pl.DataFrame({ a: [1] }) as AnyRecord)._df) as AnyRecord,
    "writeIpcStream",
  );
  const arquero = vi.spyOn(Object.getPrototypeOf(aq.table({ a: [1] })) as AnyRecord, "toArrowIPC");
  return {
    libraries: { arrow: countingArrow, polars: pl, arquero: aq },
    counts: () => ({ arrow: arrowCalls.n, arquero: arquero.mock.calls.length, polars: polarsNative.mock.calls.length }),
  };
}

const flow = {
  arrowResult: (seed: number) => arrowTable().slice(0, seed),
  arqueroResult: (seed: number) =>
    aq.table({
      a: Float64Array.from({ length: seed }, (_, i) => i / 2),
      s: Array.from({ length: seed }, (_, i) => `s${i}`),
    }),
  polarsFrame: (seed: number) =>
    pl.DataFrame({
      id: Array.from({ length: seed }, (_, i) => i),
      name: Array.from({ length: seed }, (_, i) => `n${i % 3}`),
    }),
  polarsSeries: (polarsFrame: pl.DataFrame) => polarsFrame.getColumn("id").mul(2),
};
const outputs = ["arrowResult", "arqueroResult", "polarsFrame", "polarsSeries"];

describe("one IPC serialisation per table result", () => {
  it("Arrow, Arquero and polars results (frame and series) are each serialised once on a cold run, and hit equal on a warm one", async () => {
    const { libraries, counts } = countSerialisations();
    const stores = { fingerprintStore: new MemoryFingerprintRepository(), resultStore: new MemoryResultStore() };
    const build = () =>
      new Builder()
        .withModules(flow)
        .withCache({ ...stores, ...dataframeCaching({ libraries }) })
        .withProgress(false)
        .build();
    const cold = await build();
    const fresh = (await cold.execute(outputs, { inputs: { seed: 7 } })) as AnyRecord;
    expect(Object.values(cold.cache.lastRun).filter((r) => r.outcome === "computed")).toHaveLength(4);
    // Before: polars frames were written once to fingerprint and again to store (4 for two results).
    expect(counts()).toEqual({ arrow: 1, arquero: 1, polars: 2 });

    const warm = await build();
    const cached = (await warm.execute(outputs, { inputs: { seed: 7 } })) as AnyRecord;
    expect(Object.values(warm.cache.lastRun).filter((r) => r.outcome === "hit")).toHaveLength(4);
    expect(counts()).toEqual({ arrow: 1, arquero: 1, polars: 2 }); // loading writes nothing
    expect((cached.polarsFrame as pl.DataFrame).frameEqual(fresh.polarsFrame as pl.DataFrame)).toBe(true);
    expect((cached.polarsSeries as pl.Series).seriesEqual(fresh.polarsSeries as pl.Series)).toBe(true);
    expect((cached.arqueroResult as aq.ColumnTable).objects()).toEqual(
      (fresh.arqueroResult as aq.ColumnTable).objects(),
    );
    expect((cached.arrowResult as arrow.Table).toArray().map((r) => r.toJSON())).toEqual(
      (fresh.arrowResult as arrow.Table).toArray().map((r) => r.toJSON()),
    );
  });

  it("stores a polars frame in the very buffer its fingerprint read: the codec header goes in front, no copy", () => {
    const { libraries } = countSerialisations();
    const { fingerprinters, codecs } = dataframeCaching({ libraries });
    const df = pl.DataFrame({
      id: Int32Array.from({ length: 5000 }, (_, i) => i),
      name: Array.from({ length: 5000 }, (_, i) => `n${i % 7}`),
    });
    const hashed: Uint8Array[] = [];
    const ctx = {
      node: "n",
      mode: undefined,
      fingerprint: () => "x",
      hashBytes: (b: Uint8Array) => (hashed.push(b), String(b.byteLength)),
      warn: () => undefined,
    };
    fingerprinters[0]!.fingerprint(df, ctx);
    const encoded = codecs[0]!.encode(df);
    expect(hashed.some((bytes) => bytes.buffer === encoded.buffer)).toBe(true);
    // Right behind the room left for the cache's envelope header (envelope-in-place.test.ts).
    expect(encoded.byteOffset).toBe(HEADROOM - 8);
    expect((codecs[0]!.decode(encoded) as pl.DataFrame).frameEqual(df)).toBe(true);
    // Without a fingerprint first (a later store), the frame is written once, the same way.
    const again = codecs[0]!.encode(df);
    expect(again.buffer).not.toBe(encoded.buffer);
    expect(Buffer.from(again).equals(Buffer.from(encoded))).toBe(true);
  });

  it("stores the bytes the fingerprint was read from, even if the frame changed in place before the store", async () => {
    const { libraries } = countSerialisations();
    const { fingerprinters, codecs } = dataframeCaching({ libraries });
    const df = pl.DataFrame({ id: [1, 2, 3] });
    const ctx = {
      node: "n",
      mode: undefined,
      fingerprint: () => "x",
      hashBytes: (b: Uint8Array) => String(b.byteLength),
      warn: () => undefined,
    };
    fingerprinters[0]!.fingerprint(df, ctx);
    df.insertAtIdx(1, pl.Series("more", [4, 5, 6]));
    const stored = codecs[0]!.decode(codecs[0]!.encode(df)) as pl.DataFrame;
    expect(stored.columns).toEqual(["id"]);
    // Taken once: the next encode writes the frame as it is now.
    expect((codecs[0]!.decode(codecs[0]!.encode(df)) as pl.DataFrame).columns).toEqual(["id", "more"]);
  });
});
