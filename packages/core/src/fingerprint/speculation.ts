// Speculative numbering: spec v2's sharing rule without a hash-table insertion per object inside
// the encoding loop. While a value is encoded as if no object repeated, the objects met are only
// appended to a list, and looked for repeats in batches. The bytes are those of the numbering path
// (ObjectNumbers) whenever no object repeats, since back-references are written only for repeats;
// when one does, the encoder starts again with ObjectNumbers. Batches double from FIRST_CHECK, so a
// value whose size explodes without the memo (o = {a: p, b: p}, 40 levels deep) is caught after a
// bounded amount of work.

/** Thrown inside the encoder when a batch check finds a repeat: encode again with ObjectNumbers. */
export const SPECULATION_FAILED: unique symbol = Symbol("ham.fingerprint.speculation-failed");

const FIRST_CHECK = 1024;
/** Up to this many objects, repeats are found by comparing pairs (no Set allocated). */
const PAIRWISE = 12;

/** The objects met by one speculative encoding. */
export class Speculation {
  /** Every object met, in order of meeting. */
  private readonly met: object[] = [];
  private set: Set<object> | undefined = undefined;
  /** met[0 .. checked) are known distinct (and in `set`). */
  private checked = 0;
  private nextCheck = FIRST_CHECK;

  /** Records `value` (-1: met for the first time, as ObjectNumbers says); throws SPECULATION_FAILED when a batch check finds a repeat. */
  meet(value: object): -1 {
    const met = this.met;
    if (met.length === this.nextCheck) {
      if (!this.holds()) throw SPECULATION_FAILED;
      this.nextCheck *= 2;
    }
    met.push(value);
    return -1;
  }

  /** Whether no object was met twice. */
  holds(): boolean {
    const met = this.met;
    const n = met.length;
    if (this.checked === n) return true;
    if (this.set === undefined && n <= PAIRWISE) {
      for (let i = 1; i < n; i++) {
        const value = met[i];
        for (let j = 0; j < i; j++) if (met[j] === value) return false;
      }
      return true;
    }
    const set = (this.set ??= new Set());
    for (let i = this.checked; i < n; i++) set.add(met[i]!);
    if (set.size !== n) return false;
    this.checked = n;
    return true;
  }

  /** Forgets every object (no reference to the value outlives the call). */
  clear(): void {
    this.met.length = 0;
    this.set = undefined;
    this.checked = 0;
    this.nextCheck = FIRST_CHECK;
  }
}
