// A Binance spot connector wired to the trading double (testing/binance_trade_double.ts) for tests:
// fixed test credentials (not real keys), real fetch and WebSocket, the double's loopback URLs.
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { OrderRequest } from "../lib/trading/venue.ts";
import { BinanceTradeDouble } from "./binance_trade_double.ts";

export const KEY = "testKey0123456789testKey0123456789testKey0123456789testKey012345";
export const SECRET = "testSecret9876543210testSecret9876543210testSecret9876543210abcd";

export function connector(venue: BinanceTradeDouble, timeoutMs = 10_000, secret = SECRET) {
  return new BinanceSpot(
    { rest: { baseUrl: venue.baseUrl, timeoutMs }, userStream: { wsApiUrl: venue.wsApiUrl } },
    new ApiCredentials(KEY, secret),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
}

export function setup(timeoutMs = 10_000, secret = SECRET) {
  const venue = new BinanceTradeDouble(KEY, SECRET);
  return { venue, spot: connector(venue, timeoutMs, secret) };
}

export const limit = (id: string): OrderRequest => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  clientOrderId: id,
  quantity: "0.01000000",
  price: "50000.00",
});
