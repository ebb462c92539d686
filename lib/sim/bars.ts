// Ground-truth bars: every trade the market generated (delivered or not) aggregated per venue,
// symbol and interval. REST klines and kline frames are both read from here.
import { type Interval, INTERVALS, type Venue } from "../market/types.ts";
import type { Instrument } from "./instruments.ts";
import type { SimTrade } from "./market.ts";

/** One bar in integer units: prices in ticks, volumes in lots, quote volumes in ticks x lots. */
export interface SimBar {
  readonly venue: Venue;
  readonly inst: Instrument;
  readonly interval: Interval;
  readonly openMs: number;
  o: number;
  h: number;
  l: number;
  c: number;
  vLots: number;
  quoteUnits: number;
  takerBuyLots: number;
  takerBuyQuoteUnits: number;
  n: number;
  /** First and last trade sequence numbers, -1 for a bar without trades (Binance's convention). */
  firstId: number;
  lastId: number;
  /** Time of the last trade in the bar (Bybit `timestamp`); the open time for a flat bar. */
  lastTradeMs: number;
}

export type BarListener = (bar: SimBar, closed: boolean) => void;

interface Slot {
  readonly venue: Venue;
  readonly inst: Instrument;
  readonly interval: Interval;
  readonly spanMs: number;
  cur: SimBar | null;
  readonly closed: SimBar[];
}

function emptyBar(s: Slot, openMs: number, prevClose: number): SimBar {
  return {
    venue: s.venue,
    inst: s.inst,
    interval: s.interval,
    openMs,
    o: prevClose,
    h: prevClose,
    l: prevClose,
    c: prevClose,
    vLots: 0,
    quoteUnits: 0,
    takerBuyLots: 0,
    takerBuyQuoteUnits: 0,
    n: 0,
    firstId: -1,
    lastId: -1,
    lastTradeMs: openMs,
  };
}

/**
 * Keeps the forming bar and up to `maxClosed` closed bars per (venue, symbol, interval). Once a key
 * has seen a trade, intervals without trades become flat bars at the previous close (n = 0).
 */
export class BarBook {
  readonly #slots = new Map<string, Slot>();
  readonly #byVenueSymbol = new Map<string, Slot[]>();
  readonly #maxClosed: number;
  readonly #onClose: BarListener;

  constructor(
    venues: readonly Venue[],
    insts: readonly Instrument[],
    opts: { maxClosed?: number; onClose?: BarListener } = {},
  ) {
    this.#maxClosed = opts.maxClosed ?? 20_000;
    this.#onClose = opts.onClose ?? (() => {});
    for (const venue of venues) {
      for (const inst of insts) {
        const list: Slot[] = [];
        for (const interval of Object.keys(INTERVALS) as Interval[]) {
          const slot = { venue, inst, interval, spanMs: INTERVALS[interval], cur: null, closed: [] };
          this.#slots.set(`${venue}|${inst.symbol}|${interval}`, slot);
          list.push(slot);
        }
        this.#byVenueSymbol.set(`${venue}|${inst.symbol}`, list);
      }
    }
  }

  /** Adds a trade (after closing every bar that ended at or before its time). */
  add(t: SimTrade): void {
    for (const s of this.#byVenueSymbol.get(`${t.venue}|${t.inst.symbol}`) ?? []) {
      this.#closeSlot(s, t.timeMs);
      const openMs = t.timeMs - (t.timeMs % s.spanMs);
      const b = s.cur ?? (s.cur = emptyBar(s, openMs, t.priceTicks));
      if (b.n === 0) {
        b.o = b.h = b.l = t.priceTicks;
        b.firstId = t.idNum;
      }
      if (t.priceTicks > b.h) b.h = t.priceTicks;
      if (t.priceTicks < b.l) b.l = t.priceTicks;
      b.c = t.priceTicks;
      const quote = t.priceTicks * t.sizeLots;
      b.vLots += t.sizeLots;
      b.quoteUnits += quote;
      if (t.side === "buy") {
        b.takerBuyLots += t.sizeLots;
        b.takerBuyQuoteUnits += quote;
      }
      b.n++;
      b.lastId = t.idNum;
      b.lastTradeMs = t.timeMs;
    }
  }

  /** Closes every bar whose interval ended at or before `nowMs` (flat bars fill quiet intervals). */
  closeUntil(nowMs: number): void {
    for (const s of this.#slots.values()) this.#closeSlot(s, nowMs);
  }

  #closeSlot(s: Slot, nowMs: number): void {
    while (s.cur && s.cur.openMs + s.spanMs <= nowMs) {
      const done = s.cur;
      s.closed.push(done);
      if (s.closed.length > this.#maxClosed) s.closed.splice(0, s.closed.length - this.#maxClosed);
      s.cur = emptyBar(s, done.openMs + s.spanMs, done.c);
      this.#onClose(done, true);
    }
  }

  /** The forming bar, or null before the key's first trade. */
  forming(venue: Venue, symbol: string, interval: Interval): SimBar | null {
    return this.#slots.get(`${venue}|${symbol}|${interval}`)?.cur ?? null;
  }

  /** Closed bars, oldest first. */
  closed(venue: Venue, symbol: string, interval: Interval): readonly SimBar[] {
    return this.#slots.get(`${venue}|${symbol}|${interval}`)?.closed ?? [];
  }
}
