// Codec.encodeWithRoom: the envelope header is written in front of a codec's payload in place, and the stored bytes are the same as before.
import { beforeAll, describe, expect, it } from "vitest";
import type { Codec } from "../contracts.js";
import { ConfigurationError } from "../errors.js";
import { hashingReady } from "../fingerprint/bytes.js";
import { CodecError, ResultCodec, v8Codec } from "./index.js";

beforeAll(async () => {
  await hashingReady();
});

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), "utf8");

/** A JSON codec without encodeWithRoom: the envelope copies its payload behind the header. */
const copied: Codec = {
  name: "test-json",
  accepts: (value) => typeof value === "object" && value !== null && (value as { json?: unknown }).json === true,
  encode: json,
  decode: (bytes) => JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown,
};

/** The same codec, writing its payload behind the room it is asked for; remembers the buffers it handed out. */
function inPlace(): Codec & { handedOut: Uint8Array[] } {
  const handedOut: Uint8Array[] = [];
  return {
    ...copied,
    handedOut,
    encodeWithRoom(value, room) {
      const payload = json(value);
      // A buffer with more in front than asked, to check the envelope starts exactly `room` before the payload.
      const backing = new Uint8Array(64 + room + payload.length).fill(0xee);
      backing.set(payload, 64 + room);
      const out = backing.subarray(64);
      handedOut.push(out);
      return out;
    },
  };
}

// Written by ham before encodeWithRoom existed (test-json codec, key "fp-abc123" / no key; the v8 codec).
const OLD = {
  jsonKeyed:
    "48414d0209746573742d6a736f6e000966702d616263313233000000000000009417bfa238d0432900000000000000137b226a736f6e223a747275652c226e223a317d",
  jsonUnkeyed: "48414d0209746573742d6a736f6e0000c48eb58a14e4176300000000000000137b226a736f6e223a747275652c226e223a317d",
  v8Keyed:
    "48414d02027638000966702d616263313233000000000000c4a3e216c8b84a65000000000000002fff0f6f220161410349022201785c0810000000000000f83f00000000000000c024000322016d3b490249043a027b02",
  v8Patched:
    "48414d02027638000966702d616263313233000000000000feb97977c3de2fa9000000000000002cff0f0141026f22016149027b01410141045e0149014103220161490249042400034906240004240001240002",
};
const v8Value = () => ({ a: [1, "x", new Float64Array([1.5, -2])], m: new Map([[1, 2]]) });

describe("Codec.encodeWithRoom", () => {
  it("stores the same bytes as a codec without it, byte for byte, and the bytes ham wrote before", () => {
    const withRoom = new ResultCodec({ codecs: [inPlace()] });
    const without = new ResultCodec({ codecs: [copied] });
    const value = { json: true, n: 1 };
    expect(Buffer.from(withRoom.encode(value, undefined, "fp-abc123")).toString("hex")).toBe(OLD.jsonKeyed);
    expect(Buffer.from(without.encode(value, undefined, "fp-abc123")).toString("hex")).toBe(OLD.jsonKeyed);
    expect(Buffer.from(withRoom.encode(value)).toString("hex")).toBe(OLD.jsonUnkeyed);
    expect(Buffer.from(without.encode(value)).toString("hex")).toBe(OLD.jsonUnkeyed);
  });

  it("entries written before it existed still decode, through either codec", () => {
    for (const codec of [new ResultCodec({ codecs: [inPlace()] }), new ResultCodec({ codecs: [copied] })]) {
      expect(codec.decode(Buffer.from(OLD.jsonKeyed, "hex"), "fp-abc123")).toEqual({ json: true, n: 1 });
      expect(codec.decode(Buffer.from(OLD.jsonUnkeyed, "hex"))).toEqual({ json: true, n: 1 });
      expect(codec.decode(Buffer.from(OLD.v8Keyed, "hex"), "fp-abc123")).toEqual(v8Value());
    }
  });

  it("writes the header into the codec's own buffer: the payload is not copied", () => {
    const codec = inPlace();
    const bytes = new ResultCodec({ codecs: [codec] }).encode(
      { json: true, big: "x".repeat(1000) },
      undefined,
      "fp-abc123",
    );
    const handed = codec.handedOut[0]!;
    expect(bytes.buffer).toBe(handed.buffer);
    expect(bytes.byteOffset).toBe(handed.byteOffset);
    expect(bytes.byteLength).toBe(handed.byteLength);
    // The 64 bytes in front of the room were not touched.
    expect([...new Uint8Array(handed.buffer, 0, 64)].every((b) => b === 0xee)).toBe(true);
  });

  it("the default v8 codec uses it, with the bytes it wrote before (a plain and a patched value)", () => {
    const codec = new ResultCodec();
    expect(typeof v8Codec.encodeWithRoom).toBe("function");
    expect(Buffer.from(codec.encode(v8Value(), undefined, "fp-abc123")).toString("hex")).toBe(OLD.v8Keyed);
    expect(Buffer.from(codec.encode(Object.freeze({ a: 1 }), undefined, "fp-abc123")).toString("hex")).toBe(
      OLD.v8Patched,
    );
    // What follows the room is exactly what encode returns.
    const bytes = codec.encode(v8Value(), undefined, "fp-abc123");
    expect(Buffer.from(bytes).subarray(bytes.byteLength - v8Codec.encode(v8Value()).byteLength)).toEqual(
      Buffer.from(v8Codec.encode(v8Value())),
    );
  });

  it("bytes shorter than the room, or not bytes, are a CodecError naming the codec; a non-function is a configuration error", () => {
    const short: Codec = { ...copied, name: "short", encodeWithRoom: (_value, room) => new Uint8Array(room - 1) };
    expect(() => new ResultCodec({ codecs: [short] }).encode({ json: true }, "N")).toThrow(CodecError);
    expect(() => new ResultCodec({ codecs: [short] }).encode({ json: true }, "N")).toThrow(
      /codec "short".*returned \d+ bytes from encodeWithRoom/,
    );
    const text: Codec = { ...copied, name: "text", encodeWithRoom: () => "x" as unknown as Uint8Array };
    expect(() => new ResultCodec({ codecs: [text] }).encode({ json: true })).toThrow(
      /returned a string from encodeWithRoom/,
    );
    const notMethod = { ...copied, encodeWithRoom: 5 } as unknown as Codec;
    expect(() => new ResultCodec({ codecs: [notMethod] })).toThrow(ConfigurationError);
    expect(() => new ResultCodec({ codecs: [notMethod] })).toThrow(/encodeWithRoom that is not a method/);
  });

  it("a payload above maxResultBytes is refused as with encode", () => {
    const codec = new ResultCodec({ codecs: [inPlace()], maxResultBytes: 100 });
    expect(() => codec.encode({ json: true, big: "x".repeat(200) }, "Big")).toThrow(/above maxResultBytes \(100\)/);
  });
});
