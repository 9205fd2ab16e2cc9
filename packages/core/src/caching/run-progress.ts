// Progress snapshots of a long run in the run history, so another process (`ham ui`) can watch it.
// Nothing is written for runs shorter than PROGRESS_AFTER_MS and nothing ever on a node's path.
import type { RunRecord } from "../contracts.js";

/** A run still going after this long gets its first snapshot in the history. */
export const PROGRESS_AFTER_MS = 500;
/** Then a fresh snapshot at most this often (the previous write finished first). */
export const PROGRESS_EVERY_MS = 1000;

/**
 * Saves `snapshot()` (a RunRecord with `running: true`) from a timer, one write at a time, and
 * errors are ignored: progress is informational. `stop()` waits for a write in flight, so the
 * final record saved after it is never replaced by a late snapshot.
 */
export class RunProgress {
  readonly #save: (run: RunRecord) => Promise<void>;
  readonly #snapshot: () => RunRecord;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> | undefined;
  #stopped = false;

  constructor(save: (run: RunRecord) => Promise<void>, snapshot: () => RunRecord) {
    this.#save = save;
    this.#snapshot = snapshot;
    this.#schedule(PROGRESS_AFTER_MS);
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => this.#tick(), ms);
    this.#timer.unref?.();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#writing = (async () => {
      try {
        await this.#save(this.#snapshot());
      } catch {
        // A snapshot that cannot be written only means the run is not visible while it goes.
      }
    })().finally(() => {
      this.#writing = undefined;
      if (!this.#stopped) this.#schedule(PROGRESS_EVERY_MS);
    });
  }

  /** No more snapshots; resolves once a write in flight has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#writing;
  }
}
