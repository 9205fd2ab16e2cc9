// The live progress line on a terminal: drawn in place with \r, cleared before a log line is written
// and drawn again after, so logs and progress never end up on the same line.

/** Where the line is drawn: stderr, or any stream-like object (tests pass their own). */
export interface LineStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

const active = new Set<LiveLine>();

/** Runs `write` (a log call) with every live line cleared, then draws them again. */
export function aroundLiveLines(write: () => void): void {
  if (active.size === 0) {
    write();
    return;
  }
  for (const line of active) line.clear();
  try {
    write();
  } finally {
    for (const line of active) line.redraw();
  }
}

/** One line of text kept current on a terminal. */
export class LiveLine {
  readonly #stream: LineStream;
  #text = "";
  #shown = false;

  constructor(stream: LineStream) {
    this.#stream = stream;
  }

  /** Replaces the text and draws it. */
  update(text: string): void {
    const width = Math.max(20, (this.#stream.columns ?? 80) - 1);
    // A line longer than the terminal wraps, and \r then only returns to the start of the last row.
    this.#text = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    active.add(this);
    this.redraw();
  }

  /** Erases the line (the cursor returns to its start). */
  clear(): void {
    if (!this.#shown) return;
    this.#stream.write("\r\u001b[2K");
    this.#shown = false;
  }

  redraw(): void {
    if (!active.has(this)) return;
    this.#stream.write(`\r\u001b[2K${this.#text}`);
    this.#shown = true;
  }

  /** Erases the line for good; `finalText` (if any) is written in its place with a newline. */
  stop(finalText?: string): void {
    this.clear();
    active.delete(this);
    if (finalText !== undefined) this.#stream.write(`${finalText}\n`);
  }
}
