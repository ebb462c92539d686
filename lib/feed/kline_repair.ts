// A bar against the venue's own closed kline for it: the bar itself when they agree (prices and
// volume within tolerance, same trade count when the venue gives one), else a copy with the venue's
// numbers, marked as coming from REST. Pure.
import { klineMismatch } from "../bars/kline_check.ts";
import type { Bar, VenueKline } from "../market/types.ts";

export function venueVersion<B extends Bar>(bar: B, k: VenueKline): B {
  const tradesDiffer = k.trades !== undefined && k.trades !== bar.trades;
  if (klineMismatch(bar, k) === null && !tradesDiffer) return bar;
  return {
    ...bar,
    o: k.o,
    h: k.h,
    l: k.l,
    c: k.c,
    v: k.v,
    trades: k.trades ?? bar.trades,
    origin: "backfill",
  };
}
