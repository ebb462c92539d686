// Per-symbol stalls on an open link. Binance, Bybit and OKX push kline updates for every subscribed
// symbol every few seconds even when nothing trades, so no frame at all for one symbol for the stale
// timeout, while the venue's connections are up and carry its other symbols, means the venue stopped
// sending that symbol: a stall, not a quiet market. Kraken sends nothing for a quiet bar, so silence
// proves nothing there and Kraken symbols are never judged. Pure: wall and feed times are arguments.
import { Counter, Gauge, type Registry } from "prom-client";
import type { SymbolName, Venue } from "../market/types.ts";

/** Venues whose kline channel keeps pushing a subscribed symbol without trades. */
export const JUDGED_VENUES: ReadonlySet<Venue> = new Set<Venue>(["binance", "bybit", "okx"]);

interface Entry {
  /** Wall / feed-clock time of the last data frame for the symbol (-Infinity before the first). */
  lastWallMs: number;
  lastFeedMs: number;
  stalled: boolean;
  stalls: number;
}

/** A symbol that just crossed the stale timeout; `lastFeedMs` is when its data was last seen. */
export interface SymbolStall {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly lastFeedMs: number;
  readonly silentMs: number;
}

export class SymbolWatch {
  readonly staleMs: number;
  private readonly byVenue = new Map<Venue, Map<SymbolName, Entry>>();
  /** Wall time since which every connection of the venue is up; absent while one is down. */
  private readonly upSince = new Map<Venue, number>();

  constructor(venues: readonly Venue[], symbols: readonly SymbolName[], staleMs: number) {
    this.staleMs = staleMs;
    for (const v of venues) {
      const m = new Map<SymbolName, Entry>();
      for (const s of symbols) {
        m.set(s, { lastWallMs: -Infinity, lastFeedMs: -Infinity, stalled: false, stalls: 0 });
      }
      this.byVenue.set(v, m);
    }
  }

  /** A data frame (trade or kline) for the symbol arrived; true when that ends a stall. */
  seen(venue: Venue, symbol: SymbolName, wallMs: number, feedMs: number): boolean {
    const e = this.byVenue.get(venue)?.get(symbol);
    if (e === undefined) return false;
    e.lastWallMs = wallMs;
    e.lastFeedMs = feedMs;
    if (!e.stalled) return false;
    e.stalled = false;
    return true;
  }

  /** Every connection of the venue is up (since `wallMs`), or `null`: one is down. */
  link(venue: Venue, upSinceWallMs: number | null): void {
    if (upSinceWallMs === null) this.upSince.delete(venue);
    else if (!this.upSince.has(venue)) this.upSince.set(venue, upSinceWallMs);
  }

  /**
   * Symbols of judged venues silent for longer than the stale timeout on an open link, each reported
   * once per stall. A link that just came up gets the full timeout before its symbols are judged;
   * a venue-wide outage is the connection's business (reconnects and gaps), not a symbol stall.
   */
  check(wallMs: number): SymbolStall[] {
    const out: SymbolStall[] = [];
    for (const [venue, m] of this.byVenue) {
      const up = this.upSince.get(venue);
      if (up === undefined || !JUDGED_VENUES.has(venue)) continue;
      for (const [symbol, e] of m) {
        if (e.stalled) continue;
        const silentMs = wallMs - Math.max(e.lastWallMs, up);
        if (silentMs <= this.staleMs) continue;
        e.stalled = true;
        e.stalls++;
        out.push({ venue, symbol, lastFeedMs: e.lastFeedMs, silentMs });
      }
    }
    return out;
  }

  /** Symbols of the venue still stalled (a reconnect must not turn them back into flat bars). */
  stalledOf(venue: Venue): SymbolName[] {
    const out: SymbolName[] = [];
    for (const [s, e] of this.byVenue.get(venue) ?? []) if (e.stalled) out.push(s);
    return out;
  }

  rows(): { venue: Venue; symbol: SymbolName; stalled: boolean; stalls: number }[] {
    const out = [];
    for (const [venue, m] of this.byVenue) {
      for (const [symbol, e] of m) out.push({ venue, symbol, stalled: e.stalled, stalls: e.stalls });
    }
    return out;
  }
}

/** The watch's series on the feed's registry, read at scrape time; every configured pair present. */
export function registerSymbolWatchMetrics(registry: Registry, watch: SymbolWatch): void {
  new Gauge({
    name: "feed_symbol_stalled",
    help:
      "1 while the venue sends nothing for this subscribed symbol (stale timeout) on an open link, else 0 (Kraken is never judged: it is silent when nothing trades).",
    labelNames: ["venue", "symbol"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of watch.rows()) this.set({ venue: r.venue, symbol: r.symbol }, r.stalled ? 1 : 0);
    },
  });
  new Counter({
    name: "feed_symbol_stalls_total",
    help: "Times a subscribed symbol went silent for the stale timeout while its venue's link stayed up.",
    labelNames: ["venue", "symbol"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of watch.rows()) this.inc({ venue: r.venue, symbol: r.symbol }, r.stalls);
    },
  });
}
