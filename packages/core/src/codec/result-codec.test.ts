// The result codec: values round-trip through the envelope, and damaged bytes are always detected.
import { beforeAll, describe, expect, it } from "vitest";
import type { Codec } from "../contracts.js";
import { ConfigurationError, HamError } from "../errors.js";
import { hashingReady } from "../fingerprint/bytes.js";
import { CodecError, CorruptResultError, RESULT_FORMAT_VERSION, ResultCodec, v8Codec } from "./index.js";

beforeAll(async () => {
  await hashingReady();
});

const codec = new ResultCodec();

/** A JSON codec for plain objects tagged { json: true }, to exercise custom codec selection. */
const jsonCodec: Codec = {
  name: "test-json",
  accepts: (value) => typeof value === "object" && value !== null && (value as { json?: unknown }).json === true,
  encode: (value) => Buffer.from(JSON.stringify(value), "utf8"),
  decode: (bytes) => JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown,
};

describe("ResultCodec round trips", () => {
  const values: [string, unknown][] = [
    ["undefined", undefined],
    ["null", null],
    ["a number", 1.5],
    ["NaN", Number.NaN],
    ["-0", -0],
    ["a string", "hello-world"],
    ["an empty string", ""],
    ["a bigint", 12345678901234567890n],
    ["a Date", new Date("2024-02-03T04:05:06.789Z")],
    ["a RegExp", /ab+c/gi],
    [
      "a Map",
      new Map<unknown, unknown>([
        ["a", 1],
        [2, { b: [3] }],
      ]),
    ],
    ["a Set", new Set([1, "two", 3n])],
    ["a Float64Array", new Float64Array([1.5, -2, Number.POSITIVE_INFINITY])],
    ["a BigInt64Array", new BigInt64Array([1n, -2n])],
    ["a Uint8Array", new Uint8Array([0, 255, 7])],
    ["an ArrayBuffer", new Uint8Array([9, 8, 7]).buffer],
    ["a nested object", { a: { b: { c: [1, { d: new Map([["e", new Set([new Date(0)])]]) }] } }, "hello-world": "x" }],
    ["a sparse array with holes", [1, , 3]],
  ];

  it.each(values)("%s decodes equal to what was encoded", (_, value) => {
    expect(codec.decode(codec.encode(value))).toEqual(value);
  });

  it("-0 keeps its sign and NaN stays NaN", () => {
    expect(Object.is(codec.decode(codec.encode(-0)), -0)).toBe(true);
    expect(Number.isNaN(codec.decode(codec.encode(Number.NaN)))).toBe(true);
  });

  it("a Buffer comes back as the same bytes", () => {
    const decoded = codec.decode(codec.encode(Buffer.from("bytes"))) as Uint8Array;
    expect(Buffer.from(decoded).toString()).toBe("bytes");
  });

  it("a 32 MiB typed array round-trips", () => {
    const big = new Float64Array(4 * 1024 * 1024).map((_, i) => i * 0.5);
    const decoded = codec.decode(codec.encode(big)) as Float64Array;
    expect(decoded.length).toBe(big.length);
    expect(decoded[big.length - 1]).toBe((big.length - 1) * 0.5);
  });

  it("decoding a view into a larger buffer works (stores may return views)", () => {
    const encoded = codec.encode({ x: [1, 2, 3] });
    const backing = new Uint8Array(encoded.byteLength + 20);
    backing.set(encoded, 7);
    expect(codec.decode(backing.subarray(7, 7 + encoded.byteLength))).toEqual({ x: [1, 2, 3] });
  });

  it("the envelope starts with HAM, the format version and the codec name", () => {
    const bytes = Buffer.from(codec.encode(1));
    expect(bytes.subarray(0, 3).toString("latin1")).toBe("HAM");
    expect(bytes[3]).toBe(RESULT_FORMAT_VERSION);
    expect(bytes[4]).toBe(2);
    expect(bytes.subarray(5, 7).toString("utf8")).toBe("v8");
  });

  it("the first custom codec that accepts a value encodes it; others fall back to v8", () => {
    const withJson = new ResultCodec({ codecs: [jsonCodec] });
    const tagged = withJson.encode({ json: true, n: 1 });
    expect(
      Buffer.from(tagged)
        .subarray(5, 5 + "test-json".length)
        .toString(),
    ).toBe("test-json");
    expect(withJson.decode(tagged)).toEqual({ json: true, n: 1 });
    const plain = withJson.encode(new Map([[1, 2]]));
    expect(Buffer.from(plain).subarray(5, 7).toString()).toBe("v8");
    expect(withJson.decode(plain)).toEqual(new Map([[1, 2]]));
    expect(withJson.codecNames).toEqual(["test-json", "v8"]);
  });
});

describe("ResultCodec encoding failures", () => {
  it("a value v8 cannot encode gives a CodecError naming the codec and the node", () => {
    const error = (() => {
      try {
        codec.encode({ f: () => 1 }, "F");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toBeInstanceOf(HamError);
    expect(error).toMatchObject({ codec: "v8", node: "F" });
    expect((error as Error).message).toMatch(/node "F": codec "v8" cannot encode/);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("a result above maxResultBytes is refused with a CodecError", () => {
    const small = new ResultCodec({ maxResultBytes: 100 });
    expect(() => small.encode(new Uint8Array(200), "Big")).toThrow(/above maxResultBytes \(100\)/);
    expect(() => small.encode(new Uint8Array(200))).toThrow(CodecError);
  });

  it("a custom codec that throws in accepts() or returns no bytes gives a CodecError naming it", () => {
    const throwing: Codec = {
      ...jsonCodec,
      name: "throws",
      accepts: () => {
        throw new Error("boom");
      },
    };
    expect(() => new ResultCodec({ codecs: [throwing] }).encode(1, "N")).toThrow(
      /codec "throws" threw from accepts\(\): boom/,
    );
    const wrong: Codec = {
      ...jsonCodec,
      name: "wrong",
      accepts: () => true,
      encode: () => "text" as unknown as Uint8Array,
    };
    expect(() => new ResultCodec({ codecs: [wrong] }).encode(1)).toThrow(/codec "wrong" returned a string/);
  });

  it("invalid options are configuration errors", () => {
    expect(() => new ResultCodec({ codecs: [jsonCodec, { ...jsonCodec }] })).toThrow(ConfigurationError);
    expect(() => new ResultCodec({ codecs: [{ ...jsonCodec, name: "v8" }] })).toThrow(/default codec/);
    expect(() => new ResultCodec({ codecs: [{ name: "x" } as Codec] })).toThrow(/has no accepts\(\)/);
    expect(() => new ResultCodec({ codecs: [{ ...jsonCodec, name: "" }] })).toThrow(/"name"/);
    expect(() => new ResultCodec({ maxResultBytes: 0 })).toThrow(/maxResultBytes/);
    expect(new ResultCodec({ codecs: [v8Codec] }).codecNames).toEqual(["v8"]);
  });
});

describe("ResultCodec detects damaged bytes", () => {
  const value = { a: "hello", b: [1, 2, 3], c: new Map([["k", 1n]]) };
  const good = (): Buffer => Buffer.from(codec.encode(value));
  const corrupt = (bytes: Uint8Array): CorruptResultError => {
    try {
      codec.decode(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptResultError);
      return error as CorruptResultError;
    }
    throw new Error("decode accepted damaged bytes");
  };

  it("wrong magic bytes are reported as not a ham result", () => {
    const bytes = good();
    bytes[0] = 0x58;
    expect(corrupt(bytes).message).toMatch(/"HAM" magic bytes/);
    expect(corrupt(Buffer.from("plain text, no envelope")).message).toMatch(/magic/);
  });

  it("every truncation is detected", () => {
    const bytes = good();
    for (let length = 0; length < bytes.length; length++) corrupt(bytes.subarray(0, length));
    expect(corrupt(bytes.subarray(0, bytes.length - 1)).message).toMatch(/truncated/);
  });

  it("every single flipped byte is detected", () => {
    const bytes = good();
    for (let at = 0; at < bytes.length; at++) {
      const damaged = Buffer.from(bytes);
      damaged[at] = damaged[at]! ^ 0x01;
      corrupt(damaged);
    }
  });

  it("a flipped payload byte fails the checksum", () => {
    const bytes = good();
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff;
    expect(corrupt(bytes).message).toMatch(/fails its checksum/);
  });

  it("bytes appended after the payload are detected", () => {
    expect(corrupt(Buffer.concat([good(), Buffer.from([0])])).message).toMatch(/1 unexpected bytes/);
  });

  it("an unknown format version or codec name is reported, naming it", () => {
    const version = good();
    version[3] = 9;
    expect(corrupt(version).message).toMatch(/format version 9/);
    const withJson = new ResultCodec({ codecs: [jsonCodec] }).encode({ json: true });
    expect(corrupt(withJson).message).toMatch(/codec "test-json", which is not registered/);
  });

  it("an absurd claimed payload size is refused before anything is read or allocated", () => {
    const bytes = good();
    const lengthAt = 9 + 7 + 8; // header "HAM" v len "v8" keylen (9), padding (7), checksum (8)
    bytes.writeUInt32BE(0x00ffffff, lengthAt); // ~2^56 bytes
    expect(corrupt(bytes).message).toMatch(/claims a payload of \d+ bytes, above maxResultBytes/);
    const limited = new ResultCodec({ maxResultBytes: 10 });
    expect(() => limited.decode(codec.encode("x".repeat(100)))).toThrow(/above maxResultBytes \(10\)/);
  });

  it("a payload the codec cannot parse (checksum fine) is corrupt, with the codec's error as cause", () => {
    const liar: Codec = { ...jsonCodec, name: "liar", accepts: () => true, encode: () => Buffer.from("{not json") };
    const withLiar = new ResultCodec({ codecs: [liar] });
    const error = (() => {
      try {
        withLiar.decode(withLiar.encode(1));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CorruptResultError);
    expect((error as Error).message).toMatch(/codec "liar" could not decode/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("something that is not bytes is corrupt", () => {
    expect(() => codec.decode("text" as unknown as Uint8Array)).toThrow(CorruptResultError);
  });
});

describe("the default codec and class instances", () => {
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  class CustomError extends Error {}

  it("refuses values holding a class instance, naming where it sits", async () => {
    await hashingReady();
    const codec = new ResultCodec();
    expect(() => codec.encode({ rows: [new Point(1, 2)] }, "F")).toThrow(/Point at \$\.rows\[0\]/);
    expect(() => codec.encode(new CustomError("x"))).toThrow(CodecError);
  });

  it("accepts the built-in types it gives back faithfully", async () => {
    await hashingReady();
    const codec = new ResultCodec();
    const value = {
      when: new Date(0),
      re: /a/g,
      map: new Map([["k", new Set([1])]]),
      bytes: Buffer.from("hi"),
      floats: new Float64Array([1.5]),
      error: new TypeError("bad"),
      bare: Object.create(null) as object,
    };
    const back = codec.decode(codec.encode(value)) as typeof value;
    expect(back.map.get("k")).toEqual(new Set([1]));
    expect(back.bytes).toBeInstanceOf(Buffer);
    expect(back.error).toBeInstanceOf(TypeError);
  });
});

describe("issue 16: the default codec keeps what JavaScript observes, or refuses naming the path", () => {
  const codec = new ResultCodec();
  const roundTrip = <T>(value: T): T => codec.decode(codec.encode(value)) as T;

  it("keeps built-in errors' own props, custom names, prototypes and causes (case 6)", async () => {
    await hashingReady();
    const error = roundTrip(Object.assign(new Error("x"), { code: "ENOENT" }));
    expect(error.code).toBe("ENOENT");
    const named = roundTrip(Object.assign(new TypeError("t", { cause: { id: 1 } }), { name: "HttpError" }));
    expect([Object.getPrototypeOf(named), named.name, named.cause]).toEqual([
      TypeError.prototype,
      "HttpError",
      { id: 1 },
    ]);
    expect(Object.keys(named)).toEqual(["name"]);
    class AppError extends Error {}
    expect(() => codec.encode({ rows: [1, 2, 3, { err: new AppError("x") }] })).toThrow(
      /AppError at \$\.rows\[3\]\.err: a user-defined Error subclass/,
    );
  });

  it("decodes binary data owning exactly its bytes, even from a larger read buffer (case 7)", async () => {
    await hashingReady();
    const encoded = codec.encode({ f: new Float64Array([1, 2, 3]), b: Buffer.from("hello world") });
    const file = new Uint8Array(8192);
    file.set(encoded, 64);
    const back = codec.decode(file.subarray(64, 64 + encoded.byteLength)) as { f: Float64Array; b: Buffer };
    expect([back.f.byteOffset, back.f.buffer.byteLength, new Float64Array(back.f.buffer).length]).toEqual([0, 24, 3]);
    expect([Buffer.isBuffer(back.b), back.b.byteOffset, back.b.buffer.byteLength]).toEqual([true, 0, 11]);
    expect(() => codec.encode({ v: new Float64Array(10).subarray(2, 5) })).toThrow(
      /Float64Array viewing bytes 16–40 of a 80-byte ArrayBuffer at \$\.v/,
    );
    // Buffers from Node's pool share one ArrayBuffer without overlapping: kept, each owning its bytes.
    const pooled = roundTrip({ a: Buffer.from("x"), b: Buffer.from("y") });
    expect([
      pooled.a.toString(),
      pooled.b.toString(),
      pooled.a.buffer === pooled.b.buffer,
      pooled.a.buffer.byteLength,
    ]).toEqual(["x", "y", false, 1]);
    const whole = Buffer.from("hello");
    expect(() => codec.encode({ whole, part: whole.subarray(2) })).toThrow(/sharing its ArrayBuffer/);
    const shared = new ArrayBuffer(8);
    expect(() => codec.encode([new Uint8Array(shared), shared])).toThrow(/sharing its ArrayBuffer .* at \$\[[01]\]/);
  });

  it("keeps null prototypes, hidden props, lastIndex, array extras, frozen state; refuses accessors and symbol keys (case 8)", async () => {
    await hashingReady();
    expect(Object.getPrototypeOf(roundTrip(Object.create(null) as object))).toBe(null);
    expect(Object.getOwnPropertyDescriptor(roundTrip(Object.defineProperty({}, "h", { value: 1 })), "h")).toEqual({
      value: 1,
      writable: false,
      enumerable: false,
      configurable: false,
    });
    expect(roundTrip(Object.assign(/a/g, { lastIndex: 3 })).lastIndex).toBe(3);
    expect(roundTrip(Object.assign([1, 2], { unit: "kg" })).unit).toBe("kg");
    expect(Object.isFrozen(roundTrip(Object.freeze({ a: 1 })))).toBe(true);
    expect(() =>
      codec.encode({
        a: {
          get g() {
            return 1;
          },
        },
      }),
    ).toThrow(/accessor property \(getter\/setter\) at \$\.a\.g/);
    expect(() => codec.encode({ a: [{ [Symbol("s")]: 1 }] })).toThrow(
      /symbol-keyed property \[Symbol\(s\)\] at \$\.a\[0\]/,
    );
  });

  it("checks every element of large arrays too (a getter, a read-only or hidden element is refused)", async () => {
    await hashingReady();
    const big = (): number[] => Array.from({ length: 40 }, (_, i) => i);
    const exotic: [string, PropertyDescriptor][] = [
      ["getter", { get: () => 1, enumerable: true, configurable: true }],
      ["read-only", { writable: false }],
      ["hidden", { enumerable: false }],
    ];
    for (const [, descriptor] of exotic) {
      expect(() => codec.encode({ a: Object.defineProperty(big(), 30, descriptor) })).toThrow(/at \$\.a\[30\]/);
    }
    const frozen = roundTrip(Object.freeze(big()));
    expect([Object.isFrozen(frozen), frozen[39]]).toEqual([true, 39]);
    const holey = big();
    delete holey[5];
    expect(5 in roundTrip(holey)).toBe(false);
    expect(roundTrip(Object.assign(big(), { unit: "kg" })).unit).toBe("kg");
  });

  it("walks very sparse arrays by their elements, not their length", async () => {
    await hashingReady();
    const sparse: unknown[] = [];
    sparse[1e9] = { x: 1 };
    const back = roundTrip(sparse);
    expect([back.length, Object.keys(back), back[1e9]]).toEqual([1e9 + 1, ["1000000000"], { x: 1 }]);
    Object.defineProperty(sparse, 2e9, { get: () => 1, enumerable: true, configurable: true });
    expect(() => codec.encode(sparse)).toThrow(/accessor element .* at \$\[2000000000\]/);
  });
});
