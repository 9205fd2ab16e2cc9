// Results encoded in pieces (Codec.encodeChunks → ResultStore.setChunks): the stored bytes are the ones
// `encode` gives, a store with setChunks gets the pieces uncopied, one without gets them concatenated,
// signing covers them as one value, and a hit returns what a fresh run does.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CodecError, ResultCodec } from "../codec/index.js";
import type { Codec, Fingerprint } from "../contracts.js";
import { Builder } from "../driver/builder.js";
import { ConfigurationError } from "../errors.js";
import { hashingReady } from "../fingerprint/bytes.js";
import { SignedResultStore } from "../security/signed-result-store.js";
import { resolveSigningKeys } from "../security/signing-keys.js";
import {
  FileFingerprintRepository,
  FileResultStore,
  MemoryFingerprintRepository,
  MemoryResultStore,
} from "../stores/index.js";
import { tempFolder } from "../../test/support.js";
import { firstDifference } from "../testing/observable.js";

beforeAll(() => hashingReady());

const MiB = 1024 * 1024;

/** A value the test codec stores in pieces: its bytes, as separate arrays. */
interface Pieces {
  readonly kind: "pieces";
  readonly parts: readonly Uint8Array[];
}

const pieces = (...sizes: number[]): Pieces => ({
  kind: "pieces",
  parts: sizes.map((size, n) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + n * 7) & 255)),
});

const joined = (value: Pieces): Buffer => Buffer.concat(value.parts);

/** What a Pieces value looks like apart from its bytes: its own keys and each part's class and length. */
const shapeOf = (value: Pieces) => ({
  keys: Object.keys(value),
  parts: value.parts.map((part) => [part.constructor, part.byteOffset, part.byteLength]),
});

/** A Pieces value's framing: the number of parts, then each part's length (u32 each). */
function lengthsOf(value: Pieces, room: number): Uint8Array {
  const head = Buffer.alloc(room + 4 * (1 + value.parts.length));
  head.writeUInt32BE(value.parts.length, room);
  value.parts.forEach((part, i) => head.writeUInt32BE(part.byteLength, room + 4 * (1 + i)));
  return head;
}

/**
 * Stores a Pieces value as its parts' lengths, then the parts: in pieces with encodeChunks (the parts
 * uncopied, behind the lengths in the first array), joined with encode. Decodes to the same parts.
 */
function piecesCodec(handedOut: Uint8Array[][] = []): Codec & { handedOut: Uint8Array[][] } {
  return {
    name: "test-pieces",
    handedOut,
    accepts: (value) => (value as Pieces | null)?.kind === "pieces",
    encode: (value) => Buffer.concat([lengthsOf(value as Pieces, 0), ...(value as Pieces).parts]),
    encodeChunks(value, room) {
      const out = [lengthsOf(value as Pieces, room), ...(value as Pieces).parts];
      handedOut.push(out);
      return out;
    },
    decode: (bytes): Pieces => {
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const parts: Uint8Array[] = [];
      let at = 4 * (1 + view.readUInt32BE(0));
      for (let i = 0; i < view.readUInt32BE(0); i++) {
        const length = view.readUInt32BE(4 * (1 + i));
        parts.push(Uint8Array.from(view.subarray(at, at + length)));
        at += length;
      }
      return { kind: "pieces", parts };
    },
  };
}

/** A file store that records which write method each key came through, and the pieces it got. */
class RecordingFileStore extends FileResultStore {
  readonly calls: { method: "set" | "setChunks"; key: Fingerprint; pieces: readonly Uint8Array[] }[] = [];
  override async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.calls.push({ method: "set", key, pieces: [bytes] });
    return super.set(key, bytes);
  }
  override async setChunks(key: Fingerprint, chunks: readonly Uint8Array[]): Promise<void> {
    this.calls.push({ method: "setChunks", key, pieces: chunks });
    return super.setChunks(key, chunks);
  }
}

/** A memory store (no setChunks) that records the bytes each set got. */
class RecordingMemoryStore extends MemoryResultStore {
  readonly sets: Uint8Array[] = [];
  override async set(key: Fingerprint, bytes: Uint8Array): Promise<void> {
    this.sets.push(bytes);
    return super.set(key, bytes);
  }
}

let computed = 0;
const dataflow = {
  table: (rows: number): Pieces => {
    computed++;
    return pieces(rows, 0, 2 * MiB, 17);
  },
  size: (table: Pieces): number => joined(table).length,
};

const cleanups: (() => void)[] = [];
/** A temp folder (test/support.ts) removed after the test. */
function cacheFolder(): string {
  const folder = tempFolder("ham-chunks-");
  cleanups.push(folder.cleanup);
  return folder.path;
}
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  computed = 0;
});

describe("ResultCodec.encodeChunks", () => {
  it("gives the bytes encode gives, in pieces: the header in the first, the codec's own arrays after it, uncopied", () => {
    const handedOut: Uint8Array[][] = [];
    const codec = new ResultCodec({ codecs: [piecesCodec(handedOut)] });
    const value = pieces(10, 0, 3000, 1);
    const chunks = codec.encodeChunks(value, "node", "fp-pieces");
    expect(chunks).toHaveLength(5);
    expect(Buffer.from(chunks[0]!.subarray(0, 3)).toString("latin1")).toBe("HAM");
    // The codec's arrays are the pieces stored: same memory, not copies.
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.buffer).toBe(value.parts[i - 1]!.buffer);
      expect(chunks[i]!.byteOffset).toBe(value.parts[i - 1]!.byteOffset);
    }
    // The concatenation is byte for byte what encode writes (same checksum over the payload), and decodes.
    const whole = codec.encode(value, "node", "fp-pieces");
    expect(Buffer.concat(chunks).equals(Buffer.from(whole))).toBe(true);
    const decoded = codec.decode(Buffer.concat(chunks), "fp-pieces") as Pieces;
    expect(joined(decoded).equals(joined(value))).toBe(true);
    expect(firstDifference(decoded, value)).toBeUndefined();
    // A damaged piece fails the checksum on the way back.
    const damaged = Buffer.concat(chunks);
    damaged[damaged.length - 2]! ^= 1;
    expect(() => codec.decode(damaged, "fp-pieces")).toThrow(/checksum/);
  });

  it("gives one array for values of codecs without encodeChunks (the default v8 codec), equal to encode", () => {
    const codec = new ResultCodec({ codecs: [piecesCodec()] });
    const chunks = codec.encodeChunks({ a: [1, 2, 3] }, "node", "fp-v8");
    expect(chunks).toHaveLength(1);
    expect(Buffer.from(chunks[0]!).equals(Buffer.from(codec.encode({ a: [1, 2, 3] }, "node", "fp-v8")))).toBe(true);
  });

  it("refuses an encodeChunks answer that is not byte arrays with the room first, naming the codec and the node", () => {
    const answers: unknown[] = [[], "bytes", [new Uint8Array(3)], [new Uint8Array(200), "tail"]];
    for (const answer of answers) {
      const codec = new ResultCodec({
        codecs: [{ ...piecesCodec(), encodeChunks: () => answer as Uint8Array[] }],
      });
      let thrown: unknown;
      try {
        codec.encodeChunks(pieces(4), "tables", "fp");
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CodecError);
      expect((thrown as Error).message).toMatch(/test-pieces.*tables|tables.*test-pieces/s);
      expect((thrown as Error).message).toMatch(/from encodeChunks\(value, \d+\); it must return byte arrays/);
    }
  });

  it("refuses a codec whose encodeChunks is not a function, when the cache is made", () => {
    expect(() => new ResultCodec({ codecs: [{ ...piecesCodec(), encodeChunks: 5 } as unknown as Codec] })).toThrow(
      ConfigurationError,
    );
  });
});

describe("a cached run with a result encoded in pieces", () => {
  it("hands a file store the codec's pieces (setChunks, no copy), and the next run hits with the same bytes", async () => {
    const dir = cacheFolder();
    const store = new RecordingFileStore({ path: dir });
    const codec = piecesCodec();
    const build = () =>
      new Builder()
        .withModules(dataflow)
        .withCache({
          fingerprintStore: new FileFingerprintRepository({ path: dir }),
          resultStore: store,
          codecs: [codec],
        })
        .build();
    const first = await (await build()).execute(["table", "size"], { inputs: { rows: 5 } });
    expect(computed).toBe(1);
    const chunked = store.calls.filter((c) => c.method === "setChunks");
    expect(chunked).toHaveLength(1);
    // The store got the memory the codec returned (the payload pieces uncopied; Buffer views of them).
    const got = chunked[0]!.pieces;
    const handed = codec.handedOut[0]!;
    expect(got).toHaveLength(handed.length);
    for (let i = 0; i < got.length; i++) {
      expect(got[i]!.buffer).toBe(handed[i]!.buffer);
      expect([got[i]!.byteOffset, got[i]!.byteLength]).toEqual([handed[i]!.byteOffset, handed[i]!.byteLength]);
    }
    const parts = (first.table as Pieces).parts;
    expect(handed.slice(1).every((piece, i) => piece === parts[i])).toBe(true);
    const second = await (await build()).execute(["table", "size"], { inputs: { rows: 5 } });
    expect(computed).toBe(1); // a hit
    expect(joined(second.table as Pieces).equals(joined(first.table as Pieces))).toBe(true);
    // The same parts, as the fresh run's (testing/observable's firstDifference walks 2 MiB too slowly here).
    expect(shapeOf(second.table as Pieces)).toEqual(shapeOf(first.table as Pieces));
    expect(second.size).toBe(first.size);
    // What is on disk is what encode gives for the key it was stored under.
    const key = chunked[0]!.key;
    const onDisk = await new FileResultStore({ path: dir }).get(key);
    const expected = new ResultCodec({ codecs: [piecesCodec()] }).encode(first.table, "table", key);
    expect(Buffer.from(onDisk!).equals(Buffer.from(expected))).toBe(true);
  });

  it("joins the pieces for a store without setChunks, which stores the same bytes", async () => {
    const store = new RecordingMemoryStore();
    const repository = new MemoryFingerprintRepository();
    const build = () =>
      new Builder()
        .withModules(dataflow)
        .withCache({ fingerprintStore: repository, resultStore: store, codecs: [piecesCodec()] })
        .build();
    const first = await (await build()).execute(["table"], { inputs: { rows: 3 } });
    const large = store.sets.filter((bytes) => bytes.byteLength > MiB);
    expect(large).toHaveLength(1);
    const second = await (await build()).execute(["table"], { inputs: { rows: 3 } });
    expect(computed).toBe(1);
    expect(joined(second.table as Pieces).equals(joined(first.table as Pieces))).toBe(true);
    // The same parts, as the fresh run's (testing/observable's firstDifference walks 2 MiB too slowly here).
    expect(shapeOf(second.table as Pieces)).toEqual(shapeOf(first.table as Pieces));
  });

  it("signs pieces as one value: a signed store over a store with setChunks stores what set of the joined bytes stores, and verifies it", async () => {
    const keys = resolveSigningKeys("a signing key of at least thirty-two characters")!;
    const value = pieces(100, 0, 70_000, 3);
    const viaChunks = new RecordingFileStore({ path: cacheFolder(), packMaxBytes: 0 });
    const viaSet = new RecordingFileStore({ path: cacheFolder(), packMaxBytes: 0 });
    const signedChunks = new SignedResultStore(viaChunks, keys, () => undefined);
    const signedSet = new SignedResultStore(viaSet, keys, () => undefined);
    expect(typeof signedChunks.setChunks).toBe("function");
    await signedChunks.setChunks!("fp-signed", value.parts);
    await signedSet.set("fp-signed", joined(value));
    expect(viaChunks.calls.map((c) => c.method)).toEqual(["setChunks"]);
    const stored = await viaChunks.get("fp-signed");
    expect(Buffer.from(stored!).equals(Buffer.from((await viaSet.get("fp-signed"))!))).toBe(true);
    expect(Buffer.from((await signedChunks.get("fp-signed"))!).equals(joined(value))).toBe(true);
    // Over a store without setChunks the signed store has none either: the cache joins the pieces.
    expect(new SignedResultStore(new MemoryResultStore(), keys, () => undefined).setChunks).toBeUndefined();
  });
});

describe("FileResultStore.setChunks", () => {
  it("stores small and large pieces as set stores their concatenation, and rejects what is not an array of bytes", async () => {
    const store = new FileResultStore({ path: cacheFolder() });
    const small = pieces(10, 0, 20);
    const large = pieces(MiB, 5, MiB + 3);
    await store.setChunks("fp-small", small.parts);
    await store.setChunks("fp-large", large.parts);
    expect(Buffer.from((await store.get("fp-small"))!).equals(joined(small))).toBe(true);
    expect(Buffer.from((await store.get("fp-large"))!).equals(joined(large))).toBe(true);
    await expect(store.setChunks("fp-bad", "bytes" as unknown as Uint8Array[])).rejects.toThrow(
      /setChunks.*must be an array of Uint8Arrays/s,
    );
    await expect(store.setChunks("fp-bad", [new Uint8Array(1), null as unknown as Uint8Array])).rejects.toThrow(
      /an array holding null/,
    );
    expect(await store.has("fp-bad")).toBe(false);
  });
});
