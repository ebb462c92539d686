// Trade frames of every venue channel in its real shape (the layouts of ../shared/fixtures/venues),
// built from the simulator's market: for the fast-path tests and the parse bench.
import type { SymbolName, Venue } from "../lib/market/types.ts";
import { BinanceProtocol } from "../lib/sim/binance_ws.ts";
import { BybitProtocol } from "../lib/sim/bybit_ws.ts";
import { formatPadded } from "../lib/sim/instruments.ts";
import { KrakenProtocol } from "../lib/sim/kraken_ws.ts";
import { MarketGenerator, type SimTrade } from "../lib/sim/market.ts";
import { OkxProtocol } from "../lib/sim/okx_ws.ts";
import { toVenueSymbol } from "../lib/venues/symbols.ts";

/** The trade channels the feed reads, one layout each. */
export const CHANNELS = [
  "binance@trade",
  "binance@aggTrade",
  "bybit publicTrade",
  "okx trades",
  "kraken v2 trade",
  "kraken v1 trade",
] as const;
export type Channel = typeof CHANNELS[number];

export const CHANNEL_VENUE: Readonly<Record<Channel, Venue>> = {
  "binance@trade": "binance",
  "binance@aggTrade": "binance",
  "bybit publicTrade": "bybit",
  "okx trades": "okx",
  "kraken v2 trade": "kraken",
  "kraken v1 trade": "kraken",
};

export const FRAME_EPOCH_MS = 1_767_225_600_000;
export const FRAME_SYMBOLS: readonly SymbolName[] = ["BTC-USDT", "ETH-USDT"];

const ctx = { simNow: () => 0 } as never;
const conn = (venue: Venue, combined: boolean) => ({ venue, combined }) as never;

/** Kraken v1 (as captured): [channelID,[["price","volume","secs.micros","s|b","l|m",""]],"trade","PAIR"]. */
function krakenV1(t: SimTrade): string {
  const pair = toVenueSymbol("kraken", t.inst.symbol, { krakenV1: true });
  const micros = String((t.timeMs % 1000) * 1000 + (t.idNum % 1000)).padStart(6, "0");
  const p = formatPadded(t.priceTicks, t.inst.priceDecimals, 8);
  const v = formatPadded(t.sizeLots, t.inst.sizeDecimals, 8);
  const side = t.side === "buy" ? "b" : "s";
  return `[${t.inst.symbol === "BTC-USDT" ? 993 : 1921},[["${p}","${v}","${
    Math.floor(t.timeMs / 1000)
  }.${micros}",` +
    `"${side}","${t.idNum % 3 === 0 ? "l" : "m"}",""]],"trade","${pair}"]`;
}

function frameOf(channel: Channel): (t: SimTrade) => string {
  const key = (t: SimTrade) => `trade|${t.inst.symbol}`;
  switch (channel) {
    case "binance@trade": {
      const p = new BinanceProtocol(ctx);
      return (t) => p.tradeFrame(conn("binance", false), key(t), t).build();
    }
    case "binance@aggTrade": {
      const p = new BinanceProtocol(ctx);
      return (t) => p.tradeFrame(conn("binance", true), `aggTrade|${t.inst.symbol}`, t).build();
    }
    case "bybit publicTrade": {
      const p = new BybitProtocol(ctx);
      return (t) => p.tradeFrame(conn("bybit", false), key(t), t).build();
    }
    case "okx trades": {
      const p = new OkxProtocol(ctx);
      return (t) => p.tradeFrame(conn("okx", false), key(t), t).build();
    }
    case "kraken v2 trade": {
      const p = new KrakenProtocol(ctx);
      return (t) => p.tradeFrame(conn("kraken", false), key(t), t).build();
    }
    case "kraken v1 trade":
      return krakenV1;
  }
}

/**
 * `n` frames of one trade each, flat strings like a received WebSocket message, with each trade's
 * venue time (what a receive time is derived from).
 */
export function channelFrames(
  channel: Channel,
  n: number,
  seed = 1,
): { frames: string[]; times: Float64Array } {
  const rate = 50;
  const gen = new MarketGenerator({
    seed,
    startMs: FRAME_EPOCH_MS,
    symbols: FRAME_SYMBOLS,
    venues: [CHANNEL_VENUE[channel]],
    tradeRate: rate,
  });
  const trades = gen.advanceTo(FRAME_EPOCH_MS + Math.ceil(n / (2 * rate)) * 1000 + 1000).slice(0, n);
  const build = frameOf(channel);
  // Built frames may be rope strings; a received WebSocket message is flat: flatten like it.
  const frames = trades.map((t) => JSON.parse(JSON.stringify(build(t))) as string);
  return { frames, times: Float64Array.from(trades, (t) => t.timeMs) };
}
