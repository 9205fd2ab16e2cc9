// A large polars frame is fingerprinted and stored from the native writer's pieces, never joined into
// one buffer: the same fingerprint as the joined stream, the same stored bytes, and a hit equal to it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Builder, FileFingerprintRepository, FileResultStore, type Fingerprint } from "@ham/core";
import { FingerprinterRegistry, hashingReady } from "@ham/core/fingerprint";
import * as flechette from "@uwdata/flechette";
import * as arrow from "apache-arrow";
import pl from "nodejs-polars";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { dataframeCaching, dataframeFingerprinter } from "./index.js";
import { ipcMessages, tableOfIpc } from "./ipc-messages.js";
import { PIECE_MIN_BYTES, joinedStream, polarsIpc } from "./polars-ipc.js";

type AnyRecord = Record<string, any>;

beforeAll(() => hashingReady());

/**
 * A frame whose record-batch bodies are each well over PIECE_MIN_BYTES (ints, floats, strings with
 * nulls). polars' IPC writer decides the batches (one for 180 000 rows here, three for a million).
 */
function batchedFrame(rows = 180_000, seed = 1): pl.DataFrame {
  return pl.DataFrame({
    id: Int32Array.from({ length: rows }, (_, i) => i),
    x: Float64Array.from({ length: rows }, (_, i) => (i * seed) / 7),
    s: Array.from({ length: rows }, (_, i) => (i % 11 === 0 ? null : `s${(i * 13) % 101}`)),
  });
}

/** A million rows of two numeric columns: several record batches. */
const millionRows = (): pl.DataFrame =>
  pl.DataFrame({
    id: Int32Array.from({ length: 1_000_000 }, (_, i) => i),
    x: Float64Array.from({ length: 1_000_000 }, (_, i) => i / 3),
  });

function content(value: unknown): string {
  const registry = new FingerprinterRegistry({ fingerprinters: [dataframeFingerprinter()], warn: () => undefined });
  return registry.fingerprint(value, { node: "T", mode: "content" });
}

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a polars frame's IPC stream in pieces", () => {
  it("keeps the record batches' bodies as the native writer made them and joins only the small chunks between", () => {
    for (const df of [batchedFrame(), millionRows()]) {
      const framed = polarsIpc(df as unknown as AnyRecord);
      const batches = ipcMessages(framed.pieces).length - 1; // after the schema message
      expect(batches).toBeGreaterThanOrEqual(1);
      // Each body a piece of its own, with one joined piece of metadata before it and the end marker after.
      expect(framed.pieces.filter((p) => p.byteLength >= PIECE_MIN_BYTES)).toHaveLength(batches);
      expect(framed.pieces).toHaveLength(2 * batches + 1);
      expect(framed.headroom).toBeGreaterThan(0);
      // The whole stream is the pieces in order: polars' own writer gives the same bytes.
      const joined = joinedStream(framed);
      expect(Buffer.from(joined).equals(Buffer.from((df as AnyRecord).writeIPCStream()))).toBe(true);
    }
    expect(ipcMessages(polarsIpc(millionRows() as unknown as AnyRecord).pieces).length).toBeGreaterThan(2);
  });

  it("is read by flechette in place, each body a view of its piece, as the joined stream reads", () => {
    const framed = polarsIpc(batchedFrame() as unknown as AnyRecord);
    const messages = ipcMessages(framed.pieces);
    expect(messages).toHaveLength(2); // the schema and one record batch
    const inPlace = tableOfIpc(flechette, framed, 180_000);
    const joined = flechette.tableFromIPC(joinedStream(framed));
    expect(inPlace.numRows).toBe(180_000);
    expect(inPlace.toArray()).toEqual(joined.toArray());
    const bodies = new Set(framed.pieces.filter((p) => p.byteLength >= PIECE_MIN_BYTES).map((p) => p.buffer));
    const column = (inPlace.getChild("x") as AnyRecord).data as AnyRecord[];
    expect(column.every((batch) => bodies.has((batch.values as Float64Array).buffer))).toBe(true);
    // A message answers only the one request for its body; any other read past its metadata throws.
    const batch = messages[1]!;
    expect(() => batch.subarray(batch.length, batch.length + 1)).toThrow(RangeError);
  });

  it("falls back to the joined stream when reading in place fails, with the same table", () => {
    const framed = polarsIpc(batchedFrame() as unknown as AnyRecord);
    const asked: unknown[] = [];
    const refusing = {
      ...flechette,
      tableFromIPC: (data: unknown) => {
        asked.push(data);
        if (Array.isArray(data)) throw new Error("no lists here");
        return flechette.tableFromIPC(data as Uint8Array);
      },
    } as typeof flechette;
    const table = tableOfIpc(refusing, framed, 180_000);
    expect(asked.map((a) => Array.isArray(a))).toEqual([true, false]);
    expect(table.numRows).toBe(180_000);
    // A row count that does not match the frame's is not trusted either.
    expect(tableOfIpc(flechette, framed, 5).numRows).toBe(180_000);
  });

  it("reads dictionary (categorical), list, struct and datetime columns in place too, to apache-arrow's fingerprint", () => {
    const rows = 300_000;
    const df = pl.DataFrame({
      cat: pl
        .Series(
          "cat",
          Array.from({ length: rows }, (_, i) => `c${i % 50}`),
        )
        .cast(pl.Categorical),
      lst: pl.Series(
        "lst",
        Array.from({ length: rows }, (_, i) => [i, i + 1]),
      ),
      st: pl.Series(
        "st",
        Array.from({ length: rows }, (_, i) => ({ a: i, b: `x${i % 7}` })),
      ),
      dt: pl.Series(
        "dt",
        Array.from({ length: rows }, (_, i) => new Date(1e12 + i * 1000)),
      ),
    });
    const framed = polarsIpc(df as unknown as AnyRecord);
    const messages = ipcMessages(framed.pieces);
    expect(messages.length).toBeGreaterThanOrEqual(3); // schema, dictionary batch, record batch(es)
    // In place: flechette is asked once, with the messages, and no joined stream is read.
    const asked: boolean[] = [];
    const spy = {
      ...flechette,
      tableFromIPC: (data: Parameters<typeof flechette.tableFromIPC>[0]) => (
        asked.push(Array.isArray(data)), flechette.tableFromIPC(data)
      ),
    } as typeof flechette;
    expect(tableOfIpc(spy, framed, rows).numRows).toBe(rows);
    expect(asked).toEqual([true]);
    expect(content(df)).toBe(content(arrow.tableFromIPC((df as AnyRecord).writeIPCStream() as Uint8Array)));
  });

  it("gives the fingerprint of the joined stream, of the rechunked frame and of the same table in apache-arrow", () => {
    const df = batchedFrame();
    const expected = content(arrow.tableFromIPC((df as AnyRecord).writeIPCStream() as Uint8Array));
    expect(content(df)).toBe(expected);
    expect(content(df.rechunk())).toBe(expected);
    expect(content(batchedFrame(180_000, 2))).not.toBe(expected);
    const million = millionRows();
    expect(content(million)).toBe(content(arrow.tableFromIPC((million as AnyRecord).writeIPCStream() as Uint8Array)));
  });

  it("is stored by a file store from the pieces the fingerprint read (setChunks), and hits equal", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ham-polars-pieces-"));
    folders.push(dir);
    const calls: { method: string; key: Fingerprint; pieces: number }[] = [];
    class Recording extends FileResultStore {
      override async set(key: Fingerprint, bytes: Uint8Array) {
        calls.push({ method: "set", key, pieces: 1 });
        return super.set(key, bytes);
      }
      override async setChunks(key: Fingerprint, chunks: readonly Uint8Array[]) {
        calls.push({ method: "setChunks", key, pieces: chunks.length });
        return super.setChunks(key, chunks);
      }
    }
    let runs = 0;
    const flow = {
      frame: (seed: number) => (runs++, batchedFrame(180_000, seed)),
      rows: (frame: pl.DataFrame) => frame.height,
    };
    const build = () =>
      new Builder()
        .withModules(flow)
        .withCache({
          fingerprintStore: new FileFingerprintRepository({ path: dir }),
          resultStore: new Recording({ path: dir }),
          ...dataframeCaching({ libraries: { polars: pl, arrow } }),
        })
        .withProgress(false)
        .build();
    const fresh = await (await build()).execute(["frame", "rows"], { inputs: { seed: 3 } });
    // The frame's pieces (metadata with the headers, body, end marker); the 8-byte row count goes to set.
    expect(calls.map((c) => [c.method, c.pieces])).toEqual([
      ["setChunks", 3],
      ["set", 1],
    ]);
    const cached = await (await build()).execute(["frame", "rows"], { inputs: { seed: 3 } });
    expect(runs).toBe(1);
    expect((cached.frame as pl.DataFrame).frameEqual(fresh.frame as pl.DataFrame, true)).toBe(true);
    expect(cached.rows).toBe(180_000);
  });

  it("encodes to the same bytes in pieces as in one array, compressed or not, for polars and Arrow tables", () => {
    const df = batchedFrame();
    const table = arrow.tableFromIPC((df as AnyRecord).writeIPCStream() as Uint8Array);
    for (const compression of ["none", "zlib-1"] as const) {
      const [codec] = dataframeCaching({ libraries: { polars: pl, arrow }, compression }).codecs;
      // polars uncompressed: the writer's pieces with the headers in front of the first; else the
      // header in an array of its own, then the stream (or its compressed bytes) uncopied.
      const pieces = codec!.encodeChunks!(df, 40);
      expect(pieces.length).toBe(compression === "none" ? polarsIpc(df as unknown as AnyRecord).pieces.length : 2);
      const whole = codec!.encodeWithRoom!(df, 40);
      expect(Buffer.concat(pieces).subarray(40).equals(Buffer.from(whole).subarray(40))).toBe(true);
      expect((codec!.decode(Buffer.from(whole).subarray(40)) as pl.DataFrame).frameEqual(df, true)).toBe(true);

      const arrowPieces = codec!.encodeChunks!(table, 40);
      expect(arrowPieces.map((p) => p.byteLength)[0]).toBe(40 + 8); // the room and the codec's header
      expect(arrowPieces).toHaveLength(2);
      const arrowWhole = codec!.encodeWithRoom!(table, 40);
      expect(Buffer.concat(arrowPieces).subarray(40).equals(Buffer.from(arrowWhole).subarray(40))).toBe(true);
    }
  });
});
