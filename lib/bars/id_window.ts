// The set of the last N distinct trade ids a stream admitted, for duplicate detection on the per-trade
// path. Ids that are plain decimals (no leading zero, at most 30 digits) are held as two exact doubles,
// the digits above the last 15 and the last 15 (Bybit's 19-digit ids, 0 above for short ones), in an
// open-addressing table, so the common case allocates nothing and hashes no strings; an id above every
// numeric id admitted so far (contiguous venues, nearly always) cannot be in the window and skips the
// lookup. Any other id (UUIDs, zero-padded or longer numbers) goes to a Set<string>. Both share one
// insertion ring, so the window is the same as one Set of strings.

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

/** The value of id[from, to) when it is all digits, else -1 (to - from <= 15: exact). */
function digitsValue(id: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = id.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

export class IdWindow {
  /** Numeric value of the id last given to admit() (-1 when it was not a plain decimal below 2^53). */
  lastNumeric = -1;
  private readonly size: number;
  /** Per ring slot: the id's low 15 digits (EMPTY, STRING) and the digits above them. */
  private readonly ringLo: Float64Array;
  private readonly ringHi: Float64Array;
  private ringStr: string[] | null = null; // allocated on the first non-numeric id
  private pos = 0;
  private readonly tableLo: Float64Array;
  private readonly tableHi: Float64Array;
  private readonly shift: number;
  private readonly mask: number;
  private readonly strs = new Set<string>();
  /** Every numeric id in the window is <= (maxHi, maxLo) (it never decreases). */
  private maxHi = -1;
  private maxLo = -1;

  constructor(size: number) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`id window must be >= 1, got ${size}`);
    this.size = size;
    this.ringLo = new Float64Array(size).fill(EMPTY);
    this.ringHi = new Float64Array(size);
    let bits = 4;
    while (1 << bits < 2 * size) bits++; // load factor <= 1/2 keeps probe runs short
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    this.tableLo = new Float64Array(1 << bits).fill(EMPTY);
    this.tableHi = new Float64Array(1 << bits);
  }

  /** False when `id` is in the window (a duplicate); else adds it, evicting the oldest id. */
  admit(id: string): boolean {
    const n = id.length;
    let hi = 0, lo = -1;
    if (n <= 15) lo = plainDecimalId(id);
    else if (n <= 30 && id.charCodeAt(0) !== 48) {
      hi = digitsValue(id, 0, n - 15);
      lo = hi < 0 ? -1 : digitsValue(id, n - 15, n);
    }
    this.lastNumeric = hi === 0 ? lo : -1;
    if (lo >= 0) {
      const above = hi > this.maxHi || (hi === this.maxHi && lo > this.maxLo);
      if (!above && this.find(lo, hi) >= 0) return false;
      this.evict();
      this.ringLo[this.pos] = lo;
      this.ringHi[this.pos] = hi;
      this.insert(lo, hi);
      if (above) {
        this.maxHi = hi;
        this.maxLo = lo;
      }
    } else {
      if (this.strs.has(id)) return false;
      this.evict();
      this.ringLo[this.pos] = STRING;
      (this.ringStr ??= new Array<string>(this.size).fill(""))[this.pos] = id;
      this.strs.add(id);
    }
    this.pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
    return true;
  }

  private evict(): void {
    const old = this.ringLo[this.pos];
    if (old >= 0) this.remove(old, this.ringHi[this.pos]);
    else if (old === STRING) {
      this.strs.delete(this.ringStr![this.pos]);
      this.ringStr![this.pos] = "";
    }
  }

  /** Fibonacci hash of two integer-valued doubles below 2^50. */
  private home(lo: number, hi: number): number {
    const a = lo >>> 0, b = ((lo / 4294967296) | 0) ^ Math.imul(hi >>> 0, 0x85ebca6b);
    return Math.imul(a ^ Math.imul(b, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  private find(lo: number, hi: number): number {
    const t = this.tableLo, h = this.tableHi, mask = this.mask;
    for (let i = this.home(lo, hi);; i = (i + 1) & mask) {
      const x = t[i];
      if (x === lo && h[i] === hi) return i;
      if (x === EMPTY) return -1;
    }
  }

  private insert(lo: number, hi: number): void {
    const t = this.tableLo, mask = this.mask;
    let i = this.home(lo, hi);
    while (t[i] !== EMPTY) i = (i + 1) & mask;
    t[i] = lo;
    this.tableHi[i] = hi;
  }

  /** Linear-probing delete with backward shift (no tombstones, so lookups stay short). */
  private remove(lo: number, hi: number): void {
    const t = this.tableLo, h = this.tableHi, mask = this.mask;
    let i = this.find(lo, hi);
    if (i < 0) return;
    for (let j = (i + 1) & mask;; j = (j + 1) & mask) {
      const x = t[j];
      if (x === EMPTY) break;
      const k = this.home(x, h[j]);
      // x may move into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
        t[i] = x;
        h[i] = h[j];
        i = j;
      }
    }
    t[i] = EMPTY;
  }
}
