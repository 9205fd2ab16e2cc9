// The run records a cache writes after `execute` has returned (issue 20: a warm run's third round
// trip). Each is started when its run ends. A write that finishes without waiting on I/O (the file
// and memory repositories) is awaited as before, so its failure is the run's; one still waiting on
// the network is left to finish: the next run, every history read in this process (run-history.ts)
// and close() wait for it first, and a failure is reported by the next run or close(), once.
import { trackRunWrite } from "../stores/run-history.js";

/** Run-record writes still in flight, and the first failure nobody has been told about yet. */
export class RunRecordWrites {
  readonly #pending = new Set<Promise<void>>();
  #failed: { error: unknown } | undefined;

  /** `repositories`: the objects the records go to (yours, and the cache's wrapper of it). */
  constructor(private readonly repositories: readonly object[]) {}

  /**
   * Awaits `write` (the guarded `saveRun` of one run) if it settles before pending I/O callbacks
   * run; otherwise tracks it and returns at once.
   */
  async add(write: Promise<unknown>): Promise<void> {
    const settled = await Promise.race([
      write.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setImmediate(resolve, false)),
    ]);
    if (settled) {
      await write;
      return;
    }
    const tracked: Promise<void> = write.then(
      () => undefined,
      (error: unknown) => {
        this.#failed ??= { error };
      },
    );
    this.#pending.add(tracked);
    trackRunWrite(this.repositories, tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  /** True while a write is in flight or a failure is unreported: settle() has something to do. */
  get unsettled(): boolean {
    return this.#pending.size > 0 || this.#failed !== undefined;
  }

  /** Waits for every write started so far; then throws the first failure not reported before. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
    const failed = this.#failed;
    this.#failed = undefined;
    if (failed) throw failed.error;
  }
}
