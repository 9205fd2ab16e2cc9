// Which shard folders of a FileResultStore's `results/` exist, listed at most every `maxAgeMs` (and
// again at once after another store of this process wrote a result file there). has() stats a key's
// file only when its shard exists: a cache whose results all fit in packs never stats one.
import fs from "node:fs";
import { errorCode } from "./fs-util.js";
import { FolderWrites } from "./folder-writes.js";

export class ResultShards {
  readonly #dir: string;
  readonly #writes: FolderWrites;
  readonly #maxAgeMs: number;
  #shards: Set<string> | undefined;
  #listedAt = Number.NEGATIVE_INFINITY;

  constructor(dir: string, maxAgeMs: number) {
    this.#dir = dir;
    this.#writes = new FolderWrites(dir);
    this.#maxAgeMs = maxAgeMs;
  }

  /**
   * False when the shard folder was not there at the last listing (so no file of it can be a result
   * this process or, until the listing is `maxAgeMs` old, another one wrote); true when it may exist.
   */
  mayExist(shard: string): boolean {
    const now = performance.now();
    if (this.#shards === undefined || now - this.#listedAt >= this.#maxAgeMs || this.#writes.othersWrote()) {
      this.#writes.look();
      this.#listedAt = now;
      try {
        this.#shards = new Set(fs.readdirSync(this.#dir));
      } catch (error) {
        const missing = errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR";
        this.#shards = missing ? new Set() : undefined;
        if (!missing) return true; // cannot tell: the caller looks at the file itself
      }
    }
    return this.#shards?.has(shard) ?? true;
  }

  /** This store wrote a result file into `shard`. */
  wrote(shard: string): void {
    this.#writes.wrote();
    this.#shards?.add(shard);
  }
}
