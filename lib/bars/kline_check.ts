// Cross-checks trade-built bars against the venue's own closed klines for the same open time:
// OHLC and volume equal within 1e-9 relative. Venues without a "closed" flag (Kraken) have a kline
// treated as final once a kline with a later open time arrives.
import type { Bar, VenueKline } from "../market/types.ts";

/** Equal within 1e-9 relative (exactly equal for zeros). */
export function sameWithin(a: number, b: number, rel = 1e-9): boolean {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

/** Names the first field that differs, or null when the bar matches the kline. */
export function klineMismatch(bar: Bar, k: VenueKline): string | null {
  for (const f of ["o", "h", "l", "c", "v"] as const) {
    if (!sameWithin(bar[f], k[f])) return `${f}: ours ${bar[f]} venue ${k[f]}`;
  }
  return null;
}

export interface KlineCheckCounts {
  checked: number;
  mismatches: number;
}

/** One (venue, symbol, interval) stream. Keeps at most `keep` open times pending. */
export class KlineCheck {
  readonly counts: KlineCheckCounts = { checked: 0, mismatches: 0 };
  lastMismatch = "";
  private readonly ours = new Map<number, Bar>();
  private readonly theirs = new Map<number, VenueKline>();
  private forming: VenueKline | null = null;
  private readonly keep: number;

  constructor(keep = 64) {
    this.keep = keep;
  }

  /** A bar we built from trades (or a flat bar); backfilled bars are the venue's own and skipped. */
  bar(bar: Bar): void {
    if (bar.origin === "backfill") return;
    this.ours.set(bar.openTimeMs, bar);
    this.match(bar.openTimeMs);
  }

  /** Any kline frame from the venue for this stream. */
  kline(k: VenueKline): void {
    if (this.forming !== null && k.openTimeMs > this.forming.openTimeMs) {
      this.final(this.forming); // a later kline started: the previous one is final
    }
    if (k.closed) {
      this.final(k);
      this.forming = null;
    } else if (this.forming === null || k.openTimeMs >= this.forming.openTimeMs) {
      this.forming = k;
    }
  }

  private final(k: VenueKline): void {
    this.theirs.set(k.openTimeMs, k);
    this.match(k.openTimeMs);
  }

  private match(openTimeMs: number): void {
    const bar = this.ours.get(openTimeMs);
    const k = this.theirs.get(openTimeMs);
    if (bar !== undefined && k !== undefined) {
      this.ours.delete(openTimeMs);
      this.theirs.delete(openTimeMs);
      this.counts.checked++;
      const why = klineMismatch(bar, k);
      if (why !== null) {
        this.counts.mismatches++;
        this.lastMismatch = `${bar.venue} ${bar.symbol} ${bar.interval} ${openTimeMs} ${why}`;
      }
    }
    trim(this.ours, this.keep);
    trim(this.theirs, this.keep);
  }
}

/** Drops the oldest entries (Maps iterate in insertion order) beyond `keep`. */
function trim<T>(m: Map<number, T>, keep: number): void {
  if (m.size <= keep) return;
  for (const key of m.keys()) {
    m.delete(key);
    if (m.size <= keep) return;
  }
}
