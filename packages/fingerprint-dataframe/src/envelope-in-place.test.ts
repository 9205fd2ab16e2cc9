// The cache's envelope header goes in front of the arrow-ipc codec's bytes in place (Codec.encodeWithRoom): same stored bytes, one copy fewer.
import type { Codec } from "@ham/core";
import { ResultCodec } from "@ham/core/codec";
import { hashingReady } from "@ham/core/fingerprint";
import * as arrow from "apache-arrow";
import pl from "nodejs-polars";
import { beforeAll, describe, expect, it } from "vitest";
import { dataframeCaching } from "./index.js";
import { HEADROOM } from "./polars-ipc.js";

beforeAll(async () => {
  await hashingReady();
});

const libraries = { arrow, polars: pl };
const KEY = "fp-abc123";
const hex = (parts: string[]) => Buffer.from(parts.join(""), "hex");

// Envelopes written under KEY by ham before encodeWithRoom existed (nodejs-polars 0.24.1, apache-arrow 21).
const OLD = {
  polars: hex([
    "48414d02096172726f772d697063000966702d616263313233000000000000001451ebb99f64eca50000000000000240",
    "48414d4446010500ffffffffa000000004000000f2ffffff140000000400010000000a000b0008000a000400f8ffffff",
    "0c0000000800080000000400020000003000000004000000c4ffffff1c00000010000000080000000114000000000000",
    "fcffffff040004000100000073000000ecffffff30000000200000001800000001030000100012000400100011000800",
    "00000c0000000000faffffff0200060006000400020000006964000000000000ffffffffc000000004000000ecffffff",
    "c00000000000000014000000040003000c001300100012000c000400eaffffff03000000000000006c00000010000000",
    "00000a00140004000c001000050000000000000000000000000000000000000000000000000000001800000000000000",
    "400000000000000000000000000000004000000000000000200000000000000080000000000000000300000000000000",
    "00000000020000000300000000000000000000000000000003000000000000000000000000000000000000000000f03f",
    "000000000000004000000000000008400000000000000000000000000000000000000000000000000000000000000000",
    "000000000000000000000000000000000100000000000000020000000000000003000000000000000000000000000000",
    "000000000000000000000000000000000000000000000000616263000000000000000000000000000000000000000000",
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000ffffffff00000000",
  ]),
  arrow: hex([
    "48414d02096172726f772d697063000966702d6162633132330000000000000047b1cc5e675c479c0000000000000130",
    "48414d4446010100ffffffff780000001000000000000a0010000e00070008000a000000000000011000000000000400",
    "08000800000004000800000004000000010000001400000010001400040000000f001000000008001000000010000000",
    "14000000000000031800000001000000780000000000000000000600080006000600000000000200ffffffff88000000",
    "14000000000000000c00160014000f00100004000c0000001000000000000000000000031000000004000a0018000c00",
    "080004000a00000014000000380000000200000000000000000000000200000000000000000000000000000000000000",
    "00000000000000001000000000000000000000000100000002000000000000000000000000000000000000000000f83f",
    "0000000000000040ffffffff00000000",
  ]),
  polarsZlib1: hex([
    "48414d02096172726f772d697063000966702d616263313233000000000000006719c5ae6b8ca86000000000000000a5",
    "48414d444601050178016d8f310e02310c04e72ed1290a29025c71254fe00148f0181a3a9ec07b1105a242348b9c4b90",
    "10b871ecddecae25e90c78e021692cef0e882c08443c4f490908840f6afc9ba42db00126a0739059e1c92c0bd77ec14b",
    "52cfc080a7074e4790a44bf5359d4361c2ecef48ac8b56c27395e42abec33cac22239e442e9a15fe6996ab955dd574da",
    "6eeef77d9d6b8cd0e27cd3fe4c7687addff57229a0",
  ]),
};
const polarsFrame = () => pl.DataFrame({ id: [1, 2, 3], s: ["a", "b", "c"] });
const arrowTable = () => arrow.tableFromArrays({ x: Float64Array.from([1.5, 2]) });

/** The same codec without encodeWithRoom: the envelope copies its bytes behind the header, as before. */
function withoutRoom(codec: Codec): Codec {
  return {
    name: codec.name,
    accepts: (v) => codec.accepts(v),
    encode: (v) => codec.encode(v),
    decode: (b) => codec.decode(b),
  };
}

describe("the arrow-ipc codec leaves room for the envelope header", () => {
  const codec = dataframeCaching({ libraries }).codecs[0]!;
  const zlib = dataframeCaching({ libraries, compression: "zlib-1" }).codecs[0]!;

  it("stores the bytes ham stored before, with and without encodeWithRoom", () => {
    expect(typeof codec.encodeWithRoom).toBe("function");
    for (const c of [codec, withoutRoom(codec)]) {
      const envelope = new ResultCodec({ codecs: [c] });
      expect(Buffer.from(envelope.encode(polarsFrame(), undefined, KEY))).toEqual(OLD.polars);
      expect(Buffer.from(envelope.encode(arrowTable(), undefined, KEY))).toEqual(OLD.arrow);
    }
    for (const c of [zlib, withoutRoom(zlib)]) {
      expect(
        Buffer.from(new ResultCodec({ codecs: [c] }).encode(pl.DataFrame({ id: [1, 2, 3] }), undefined, KEY)),
      ).toEqual(OLD.polarsZlib1);
    }
  });

  it("entries stored before decode to the same tables", () => {
    const envelope = new ResultCodec({ codecs: [codec] });
    expect((envelope.decode(OLD.polars, KEY) as pl.DataFrame).frameEqual(polarsFrame())).toBe(true);
    expect((envelope.decode(OLD.arrow, KEY) as arrow.Table).getChild("x")!.toArray()).toEqual(
      Float64Array.from([1.5, 2]),
    );
    expect((envelope.decode(OLD.polarsZlib1, KEY) as pl.DataFrame).frameEqual(pl.DataFrame({ id: [1, 2, 3] }))).toBe(
      true,
    );
  });

  it("a fingerprinted polars frame is stored in the very buffer its fingerprint read, envelope header included", () => {
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
    const fingerprint = fingerprinters[0]!.fingerprint(df, ctx) as string;
    const stored = new ResultCodec({ codecs }).encode(df, undefined, fingerprint);
    expect(hashed.some((bytes) => bytes.buffer === stored.buffer)).toBe(true);
    expect(Buffer.from(stored)).toEqual(
      Buffer.from(new ResultCodec({ codecs: [withoutRoom(codecs[0]!)] }).encode(df, undefined, fingerprint)),
    );
    expect((new ResultCodec({ codecs }).decode(stored, fingerprint) as pl.DataFrame).frameEqual(df)).toBe(true);
  });

  it("a key too long for the room in front of a polars frame costs one copy, with the same bytes", () => {
    const { fingerprinters, codecs } = dataframeCaching({ libraries });
    const df = polarsFrame();
    const ctx = {
      node: "n",
      mode: undefined,
      fingerprint: () => "x",
      hashBytes: (b: Uint8Array) => String(b.byteLength),
      warn: () => undefined,
    };
    const hashed: Uint8Array[] = [];
    fingerprinters[0]!.fingerprint(df, { ...ctx, hashBytes: (b: Uint8Array) => (hashed.push(b), "h") });
    const longKey = "k".repeat(HEADROOM);
    const stored = new ResultCodec({ codecs }).encode(df, undefined, longKey);
    expect(hashed.every((bytes) => bytes.buffer !== stored.buffer)).toBe(true);
    expect(Buffer.from(stored)).toEqual(
      Buffer.from(new ResultCodec({ codecs: [withoutRoom(codecs[0]!)] }).encode(df, undefined, longKey)),
    );
  });
});
