import assert from "node:assert/strict";
import type { Bar, VenueKline } from "../market/types.ts";
import { venueVersion } from "./kline_repair.ts";

const bar: Bar = {
  venue: "okx",
  symbol: "BTC-USDT",
  interval: "1m",
  openTimeMs: 60_000,
  o: 10,
  h: 12,
  l: 9,
  c: 11,
  v: 5,
  trades: 4,
  origin: "trades",
};
const kline = (over: Partial<VenueKline> = {}): VenueKline => {
  const { venue, symbol, interval, openTimeMs, o, h, l, c, v } = bar;
  const times = { venueTimeMs: 120_000, receivedAtMs: 120_000 };
  return {
    kind: "kline",
    venue,
    symbol,
    interval,
    openTimeMs,
    o,
    h,
    l,
    c,
    v,
    closed: true,
    ...times,
    ...over,
  };
};

Deno.test("a bar the venue agrees with is returned as it is", () => {
  assert.equal(venueVersion(bar, kline()), bar);
  assert.equal(venueVersion(bar, kline({ trades: 4 })), bar);
});

Deno.test("a differing price, volume or trade count gives the venue's numbers, marked as from REST", () => {
  assert.deepEqual(venueVersion(bar, kline({ h: 13, v: 6 })), { ...bar, h: 13, v: 6, origin: "backfill" });
  assert.deepEqual(venueVersion(bar, kline({ trades: 5 })), { ...bar, trades: 5, origin: "backfill" });
});
