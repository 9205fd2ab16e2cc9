// Numbers the objects met in one fingerprint scope in order of first meeting (spec v2's sharing
// rule) for one Set.add per object while no object has been met twice, the common case.

/** The objects of one scope, each numbered 0, 1, … in order of first meeting. */
export class ObjectNumbers {
  /** The objects met so far, in order of first meeting, until one is met again. */
  private seen: Set<object> | undefined = new Set();
  /** object → number, from the first object met twice on. */
  private numbers: Map<object, number> | undefined = undefined;

  /** -1 when `value` is met for the first time (it takes the next number), else its number. */
  meet(value: object): number {
    const seen = this.seen;
    if (seen !== undefined) {
      const size = seen.size;
      seen.add(value);
      if (seen.size !== size) return -1;
      // The first object met twice: number everything so far (a Set iterates in insertion order),
      // and go on with the map, which keeps the numbers.
      const numbers = new Map<object, number>();
      for (const object of seen) numbers.set(object, numbers.size);
      this.seen = undefined;
      this.numbers = numbers;
      return numbers.get(value)!;
    }
    const numbers = this.numbers!;
    const number = numbers.get(value);
    if (number !== undefined) return number;
    numbers.set(value, numbers.size);
    return -1;
  }
}
