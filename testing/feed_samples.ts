// Test helper (not a test): one binance trade and one unit bar with only the fields a test varies,
// so feed tests build their input the same way.
import type { Bar, Interval, Trade } from "../lib/market/types.ts";

/** A binance buy of 1 @ 100; received when it happened unless `receivedAtMs` says otherwise. */
export function sampleTrade(
  symbol: string,
  tradeId: string,
  venueTimeMs: number,
  receivedAtMs = venueTimeMs,
): Trade {
  return {
    kind: "trade",
    venue: "binance",
    symbol,
    tradeId,
    price: 100,
    size: 1,
    side: "buy",
    venueTimeMs,
    receivedAtMs,
  };
}

/** A binance bar of one trade, every price and the volume 1. */
export function sampleBar(symbol: string, openTimeMs: number, interval: Interval = "1m"): Bar {
  return {
    venue: "binance",
    symbol,
    interval,
    openTimeMs,
    o: 1,
    h: 1,
    l: 1,
    c: 1,
    v: 1,
    trades: 1,
    origin: "trades",
  };
}
