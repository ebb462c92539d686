// The set of the last N distinct trade ids a stream admitted, for duplicate detection on the per-trade
// path. Ids that are plain decimals (no leading zero, at most 15 digits: exactly one double each)
// live in an open-addressing table of doubles, so the common case allocates nothing and hashes no
// strings; an id above every numeric id admitted so far (contiguous venues, nearly always) cannot be
// in the window and skips the lookup. Any other id (UUIDs, huge or zero-padded numbers) goes to a
// Set<string>. Both share one insertion ring, so the window is the same as one Set of strings.

const EMPTY = -1; // table and ring: free slot (numeric ids are >= 0)
const STRING = -2; // ring: this slot's id is in strs / ringStr

/** The value of a plain decimal id ("0", "123"; not "007", not 16+ digits), or -1. */
export function plainDecimalId(id: string): number {
  const n = id.length;
  if (n === 0 || n > 15 || (n > 1 && id.charCodeAt(0) === 48)) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export class IdWindow {
  /** Numeric value of the id last given to admit() (-1 when it was not a plain decimal). */
  lastNumeric = -1;
  private readonly size: number;
  private readonly ringNum: Float64Array;
  private ringStr: string[] | null = null; // allocated on the first non-numeric id
  private pos = 0;
  private readonly table: Float64Array;
  private readonly shift: number;
  private readonly mask: number;
  private readonly strs = new Set<string>();
  /** Every numeric id in the window is <= this (it never decreases). */
  private maxNum = -1;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`id window must be >= 1, got ${size}`);
    this.size = size;
    this.ringNum = new Float64Array(size).fill(EMPTY);
    let bits = 4;
    while (1 << bits < 2 * size) bits++; // load factor <= 1/2 keeps probe runs short
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.table = new Float64Array(1 << bits).fill(EMPTY);
  }

  /** False when `id` is in the window (a duplicate); else adds it, evicting the oldest id. */
  admit(id: string): boolean {
    const v = plainDecimalId(id);
    this.lastNumeric = v;
    if (v >= 0) {
      if (v <= this.maxNum && this.find(v) >= 0) return false;
    } else if (this.strs.has(id)) return false;
    this.evict();
    if (v >= 0) {
      this.ringNum[this.pos] = v;
      this.insert(v);
      if (v > this.maxNum) this.maxNum = v;
    } else {
      this.ringNum[this.pos] = STRING;
      (this.ringStr ??= new Array<string>(this.size).fill(""))[this.pos] = id;
      this.strs.add(id);
    }
    this.pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
    return true;
  }

  private evict(): void {
    const old = this.ringNum[this.pos];
    if (old >= 0) this.remove(old);
    else if (old === STRING) {
      this.strs.delete(this.ringStr![this.pos]);
      this.ringStr![this.pos] = "";
    }
  }

  /** Fibonacci hash of an integer-valued double below 2^50. */
  private home(v: number): number {
    const lo = v >>> 0, hi = (v / 4294967296) | 0;
    return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  private find(v: number): number {
    const t = this.table, mask = this.mask;
    for (let i = this.home(v);; i = (i + 1) & mask) {
      const x = t[i];
      if (x === v) return i;
      if (x === EMPTY) return -1;
    }
  }

  private insert(v: number): void {
    const t = this.table, mask = this.mask;
    let i = this.home(v);
    while (t[i] !== EMPTY) i = (i + 1) & mask;
    t[i] = v;
  }

  /** Linear-probing delete with backward shift (no tombstones, so lookups stay short). */
  private remove(v: number): void {
    const t = this.table, mask = this.mask;
    let i = this.find(v);
    if (i < 0) return;
    for (let j = (i + 1) & mask;; j = (j + 1) & mask) {
      const x = t[j];
      if (x === EMPTY) break;
      const k = this.home(x);
      // x may move into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
        t[i] = x;
        i = j;
      }
    }
    t[i] = EMPTY;
  }
}
