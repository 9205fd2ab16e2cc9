// Progress of long operations (listing and removing many entries), drawn on one stderr line on a
// terminal and silent everywhere else, so pipes and --json output stay clean.
import type { GcProgress } from "@ham/core/lifecycle";

/** A writable text stream; `isTTY` decides whether progress is shown. */
export interface TextStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

const REDRAW_MS = 100;

export interface Progress {
  update(progress: GcProgress): void;
  done(): void;
}

export function progressOn(stream: TextStream): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      const final = p.total !== undefined && p.done === p.total;
      if (!final && now - last < REDRAW_MS) return;
      last = now;
      shown = true;
      const count = p.total === undefined ? `${p.done}` : `${p.done}/${p.total}`;
      stream.write(`\r\x1b[2K[ham] ${p.phase}… ${count}`);
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
