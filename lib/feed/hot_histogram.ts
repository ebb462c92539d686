// A prom-client Histogram fed once per trade. prom-client's observe() allocates and builds a label
// hash string on every call (a third of the feed's per-trade budget), so each label set keeps its
// own bucket counts, sum and count here, allocation-free, and the histogram's collect() copies them
// into prom-client's state at scrape time: the exposition is exactly what observe() would produce.
import type { Histogram } from "prom-client";

type Labels = Record<string, string>;

/** The shape prom-client 15 keeps per label set (hashMap values); checked on every copy. */
interface PromEntry {
  labels: Labels;
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

/** One label set's observations. */
export class HotSeries {
  readonly labels: Labels;
  sum = 0;
  count = 0;
  /** Observations per bucket (not cumulative), like prom-client's bucketValues. */
  private readonly counts: Float64Array;
  private readonly bounds: readonly number[];

  constructor(labels: Labels, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (value - value !== 0) throw new TypeError(`Value is not a valid number: ${value}`);
    const b = this.bounds, n = b.length;
    let i = 0;
    while (i < n && value > b[i]) i++;
    if (i < n) this.counts[i]++; // above the last bound: only +Inf (count) sees it, as in prom-client
    this.sum += value;
    this.count++;
  }

  /** Writes this series into the histogram (replacing what it held for these labels). */
  copyInto(h: Histogram<string>): void {
    h.zero(this.labels);
    const map = (h as unknown as { hashMap?: Record<string, PromEntry> }).hashMap ?? {};
    let e: PromEntry | undefined;
    for (const k in map) if (map[k].labels === this.labels) e = map[k];
    if (!e || typeof e.bucketValues !== "object" || typeof e.sum !== "number") {
      throw new Error("prom-client Histogram internals are not as expected (hashMap entry)");
    }
    for (let i = 0; i < this.bounds.length; i++) e.bucketValues[this.bounds[i]] = this.counts[i];
    e.sum = this.sum;
    e.count = this.count;
  }
}

/** Series by two label values (e.g. venue, symbol), looked up without building a key string. */
export class HotSeriesByPair {
  readonly all: HotSeries[] = [];
  private readonly byFirst = new Map<string, Map<string, HotSeries>>();
  private readonly names: readonly [string, string];
  private readonly bounds: readonly number[];

  constructor(names: readonly [string, string], bounds: readonly number[]) {
    this.names = names;
    this.bounds = bounds;
  }

  get(a: string, b: string): HotSeries {
    let m = this.byFirst.get(a);
    if (!m) this.byFirst.set(a, m = new Map());
    let s = m.get(b);
    if (!s) {
      s = new HotSeries({ [this.names[0]]: a, [this.names[1]]: b }, this.bounds);
      m.set(b, s);
      this.all.push(s);
    }
    return s;
  }

  /** For the histogram's collect(): every series into prom-client. */
  copyInto(h: Histogram<string>): void {
    for (const s of this.all) s.copyInto(h);
  }
}
