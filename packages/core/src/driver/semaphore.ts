// Bounds how many nodes run at once (maxConcurrency).

export class Semaphore {
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}

  /** Resolves when a slot is free; undefined (no await needed) when one is free now. */
  acquire(): Promise<void> | undefined {
    if (this.#active < this.max) {
      this.#active++;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve()));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
