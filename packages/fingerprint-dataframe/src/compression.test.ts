// The arrow-ipc codec's compression option: round trips, smaller bytes, the header byte, bad options and damaged bytes.
import { ConfigurationError } from "@ham/core";
import { CorruptResultError } from "@ham/core/codec";
import type * as arrow from "apache-arrow";
import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { arrowTable } from "../test/tables.js";
import { arrowIpcCodec, dataframeCaching } from "./index.js";

const HEADER = 8;
const frame = () =>
  pl.DataFrame({
    id: Array.from({ length: 5000 }, (_, i) => i),
    s: Array.from({ length: 5000 }, (_, i) => `name-${i % 7}`),
  });

describe("arrowIpcCodec compression", () => {
  it.each(["zlib", "zlib-6", "brotli", "brotli-4"] as const)(
    "%s: polars and Arrow tables round trip, and are stored smaller than uncompressed",
    (compression) => {
      const plainCodec = arrowIpcCodec({ compression: "none" });
      const codec = arrowIpcCodec({ compression });
      const df = frame();
      const bytes = codec.encode(df);
      expect(bytes[HEADER - 1]).toBe(compression.startsWith("zlib") ? 1 : 2);
      expect(bytes.byteLength).toBeLessThan(plainCodec.encode(df).byteLength / 3);
      expect((codec.decode(bytes) as pl.DataFrame).frameEqual(df)).toBe(true);
      const table = arrowTable();
      const back = codec.decode(codec.encode(table)) as arrow.Table;
      expect(back.toArray().map((r) => r.toJSON())).toEqual(table.toArray().map((r) => r.toJSON()));
    },
  );

  it('"none" is the default and writes the uncompressed format (compression byte 0), which any compression option reads', () => {
    const df = frame();
    const stored = arrowIpcCodec().encode(df);
    expect(stored[HEADER - 1]).toBe(0);
    expect(stored).toEqual(arrowIpcCodec({ compression: "none" }).encode(df));
    expect((arrowIpcCodec({ compression: "brotli" }).decode(stored) as pl.DataFrame).frameEqual(df)).toBe(true);
    expect((dataframeCaching({ compression: "zlib" }).codecs[0]!.encode(df) as Uint8Array)[HEADER - 1]).toBe(1);
  });

  it("a bad option is a ConfigurationError naming the choices", () => {
    for (const bad of ["gzip", "zlib-0", "zlib-10", "brotli-12", 1, false]) {
      expect(() => arrowIpcCodec({ compression: bad as never })).toThrow(ConfigurationError);
    }
    expect(() => arrowIpcCodec({ compression: "lz4" as never })).toThrow(
      /"none", "zlib", "zlib-1" … "zlib-9", "brotli"/,
    );
  });

  it("damaged compressed bytes and an unknown compression byte are CorruptResultErrors", () => {
    const codec = arrowIpcCodec({ compression: "zlib" });
    const bytes = codec.encode(frame());
    const damaged = bytes.slice();
    damaged.fill(7, HEADER + 2, HEADER + 40);
    expect(() => codec.decode(damaged)).toThrow(CorruptResultError);
    const newer = bytes.slice();
    newer[HEADER - 1] = 9;
    expect(() => codec.decode(newer)).toThrow(/unknown compression 9: the result was written by a newer version/);
  });
});
