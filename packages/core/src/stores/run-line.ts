// The bytes of a run log line, written piece by piece into one buffer the log keeps between saves.
//
// JSON.stringify of a big run record (about 340 bytes a node: 340 KB for 1000 nodes) returns a string
// V8 builds in parts. The first native read of it (Buffer.byteLength, Buffer.write) flattens it into
// one new large string, and the line needed a new buffer of the same size: two allocations of fresh
// memory on every save, which cost twice the stringify itself (1.4 ms of a warm 1000-node run's 9 ms
// on this project's benchmark machine). Here the record's `nodes` are stringified in groups small
// enough to stay in V8's young generation and written straight into the kept buffer. The bytes are
// exactly JSON.stringify's (run-line.test.ts checks it on generated records).

/** Nodes stringified at once: about 40 KB of JSON, well under V8's large-object size. */
const NODES_PER_PIECE = 128;
/** A buffer grown past this is not kept after the line is written (a huge record is rare). */
const KEEP_BYTES = 16 * 1024 * 1024;
const INITIAL_BYTES = 64 * 1024;
/** UTF-8 bytes a UTF-16 code unit can take at most (Buffer.write writes lone surrogates as U+FFFD). */
const MAX_BYTES_PER_UNIT = 3;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

/** Writes log lines `<head>[<JSON of body>]}\n` into a buffer it keeps; a line's bytes are valid until the next one. */
export class LineEncoder {
  #bytes: Buffer | undefined;
  #end = 0;

  /**
   * `head(n)` followed by the JSON of `body` (n UTF-8 bytes; none without a body), `}` and a newline.
   * `head` is called with the body's byte length, which a line's head records.
   */
  line(head: (bodyBytes: number) => string, body?: object): Uint8Array {
    // The body is written first, behind room for the longest head it can have; the head goes right before it.
    const room = Buffer.byteLength(head(Number.MAX_SAFE_INTEGER));
    this.#end = room;
    this.#reserve(0);
    if (body !== undefined) this.#json(body);
    const bodyBytes = this.#end - room;
    const headText = head(bodyBytes);
    const start = room - Buffer.byteLength(headText);
    const bytes = this.#reserve(2);
    bytes.write(headText, start, "utf8");
    bytes[this.#end++] = CLOSE_BRACE;
    bytes[this.#end++] = NEWLINE;
    const line = bytes.subarray(start, this.#end);
    if (bytes.length > KEEP_BYTES) this.#bytes = undefined;
    return line;
  }

  /** Drops the kept buffer. */
  release(): void {
    this.#bytes = undefined;
  }

  /** JSON.stringify(value)'s bytes; an own `nodes` array of a plain object is stringified in groups. */
  #json(value: object): void {
    const nodes = (value as { nodes?: unknown }).nodes;
    if (!Array.isArray(nodes) || nodes.length <= NODES_PER_PIECE || !isPlain(value) || !isPlainArray(nodes)) {
      this.#text(JSON.stringify(value));
      return;
    }
    let first = true;
    this.#text("{");
    for (const key of Object.keys(value)) {
      const separator = first ? "" : ",";
      if (key === "nodes") {
        this.#text(`${separator}"nodes":`);
        this.#array(nodes);
        first = false;
        continue;
      }
      const text = JSON.stringify((value as Record<string, unknown>)[key]);
      if (text === undefined) continue; // undefined, a function or a symbol: JSON.stringify leaves the key out.
      this.#text(`${separator}${JSON.stringify(key)}:${text}`);
      first = false;
    }
    this.#text("}");
  }

  /** JSON.stringify(items)'s bytes, from groups of items: each group's `[` after the first becomes a comma, and its `]` is dropped but for the last. */
  #array(items: readonly unknown[]): void {
    for (let i = 0; i < items.length; i += NODES_PER_PIECE) {
      const at = this.#end;
      this.#text(JSON.stringify(items.slice(i, i + NODES_PER_PIECE)));
      const bytes = this.#bytes as Buffer;
      if (i > 0) bytes[at] = COMMA;
      if (i + NODES_PER_PIECE < items.length) this.#end--; // the group's `]`
    }
  }

  #text(text: string): void {
    const bytes = this.#reserve(text.length * MAX_BYTES_PER_UNIT);
    this.#end += bytes.write(text, this.#end, "utf8");
  }

  /** The buffer, with room for `more` bytes after the end (grown, keeping what is written, when short). */
  #reserve(more: number): Buffer {
    const needed = this.#end + more;
    const kept = this.#bytes;
    if (kept !== undefined && kept.length >= needed) return kept;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, 2 * (kept?.length ?? 0), INITIAL_BYTES));
    kept?.copy(grown, 0, 0, this.#end);
    this.#bytes = grown;
    return grown;
  }
}

/** An object JSON.stringify writes key by key (no toJSON of its own or inherited). */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** An array JSON.stringify writes item by item. */
function isPlainArray(items: unknown[]): boolean {
  return (
    Object.getPrototypeOf(items) === Array.prototype && typeof (items as { toJSON?: unknown }).toJSON !== "function"
  );
}
