// Writes to a store's folder by the stores of this process, counted per folder. A store that has seen
// every write made here since it last listed the folder knows that only other processes can have
// added to it since.
import path from "node:path";

/** Writes so far, by the folder's absolute path. */
const counts = new Map<string, number>();

/** One store's view of what the stores of this process wrote to a folder. */
export class FolderWrites {
  readonly #key: string;
  /** The count when this store last looked at the folder (its own writes since included). */
  #seen = 0;

  constructor(dir: string) {
    this.#key = path.resolve(dir);
  }

  /** Another store of this process wrote to the folder since this one last looked at it. */
  othersWrote(): boolean {
    return (counts.get(this.#key) ?? 0) !== this.#seen;
  }

  /** This store looks at the folder now: every write so far is seen. */
  look(): void {
    this.#seen = counts.get(this.#key) ?? 0;
  }

  /** This store wrote to the folder: the other stores see it as new; this one need not. */
  wrote(): void {
    const count = (counts.get(this.#key) ?? 0) + 1;
    counts.set(this.#key, count);
    if (this.#seen === count - 1) this.#seen = count;
  }
}
