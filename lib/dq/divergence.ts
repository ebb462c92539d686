// Cross-venue divergence gauge: for one canonical symbol and interval, the largest disagreement
// between venues' latest closes, in basis points of the pair's mid. Only venues whose latest close
// is for the newest open time are compared, so a venue that closes a bar a few ms later does not
// make a spike out of the previous bar's price.
import type { Interval, SymbolName, Venue } from "../market/types.ts";

export interface DivergenceRow {
  readonly symbol: SymbolName;
  readonly interval: Interval;
  readonly openTimeMs: number;
  /** max over venue pairs of |c_a - c_b| / ((c_a + c_b) / 2) * 1e4; null with fewer than two venues. */
  readonly bps: number | null;
  readonly venues: readonly Venue[];
}

interface Latest {
  openTimeMs: number;
  close: number;
}

/** |a - b| / mid * 1e4 for the most distant pair; null for fewer than two prices. */
export function maxPairBps(closes: readonly number[]): number | null {
  if (closes.length < 2) return null;
  let worst = 0;
  for (let i = 0; i < closes.length; i++) {
    for (let j = i + 1; j < closes.length; j++) {
      const a = closes[i];
      const b = closes[j];
      const bps = (Math.abs(a - b) / ((a + b) / 2)) * 1e4;
      if (bps > worst) worst = bps;
    }
  }
  return worst;
}

export class DivergenceGauge {
  private readonly latest = new Map<string, Map<Venue, Latest>>();

  /** Records a venue's closed bar (its close price for that open time). */
  observe(venue: Venue, symbol: SymbolName, interval: Interval, openTimeMs: number, close: number): void {
    if (!(close > 0) || close === Infinity) return;
    const key = `${symbol}|${interval}`;
    let m = this.latest.get(key);
    if (!m) this.latest.set(key, m = new Map());
    const prev = m.get(venue);
    if (prev && prev.openTimeMs > openTimeMs) return; // an older bar (backfill) never rolls back
    m.set(venue, { openTimeMs, close });
  }

  row(symbol: SymbolName, interval: Interval): DivergenceRow | null {
    const m = this.latest.get(`${symbol}|${interval}`);
    if (!m || m.size === 0) return null;
    let newest = Number.NEGATIVE_INFINITY;
    for (const l of m.values()) if (l.openTimeMs > newest) newest = l.openTimeMs;
    const venues: Venue[] = [];
    const closes: number[] = [];
    for (const [v, l] of [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (l.openTimeMs === newest) {
        venues.push(v);
        closes.push(l.close);
      }
    }
    return { symbol, interval, openTimeMs: newest, bps: maxPairBps(closes), venues };
  }

  snapshot(): DivergenceRow[] {
    return [...this.latest.keys()].sort().map((k) => {
      const [symbol, interval] = k.split("|") as [SymbolName, Interval];
      return this.row(symbol, interval)!;
    });
  }
}
