// The peers of the parse bench, bench-only dev dependencies pinned here (not in deno.json): tardis-dev's
// trade mappers and ccxt's binance.parseTrade, each measured as mapping only (JSON.parse + map, no bars).
import ccxt from "npm:ccxt@4.5.84";
import { normalizeTrades } from "npm:tardis-dev@13.35.3";
import type { Channel } from "../testing/venue_frames.ts";

/** One peer over one channel's frames: returns a checksum so the work cannot be skipped. */
export interface Peer {
  readonly name: string;
  readonly run: (frames: readonly string[]) => number;
}

// tardis-dev names venues its own way and has no mapper for Binance aggTrade or Kraken v2.
const TARDIS: Partial<Record<Channel, string>> = {
  "binance@trade": "binance",
  "bybit publicTrade": "bybit-spot",
  "okx trades": "okex",
  "kraken v1 trade": "kraken",
};

function tardis(channel: Channel): Peer | null {
  const exchange = TARDIS[channel];
  if (exchange === undefined) return null;
  const at = new Date();
  const mapper = normalizeTrades(exchange as never, at);
  // tardis-dev records Binance as combined streams: a raw @trade payload is wrapped like one.
  const wrap = channel === "binance@trade"
    ? (msg: { s: string }) => ({ stream: `${msg.s.toLowerCase()}@trade`, data: msg })
    : (msg: unknown) => msg;
  return {
    name: `tardis-dev ${exchange} trades mapper`,
    run: (frames) => {
      let acc = 0;
      for (let i = 0; i < frames.length; i++) {
        const out = mapper.map(wrap(JSON.parse(frames[i])) as never, at);
        if (out !== undefined) { for (const t of out) acc += t.price > 0 ? 1 : 0; }
      }
      return acc;
    },
  };
}

function ccxtBinance(channel: Channel): Peer | null {
  if (channel !== "binance@trade" && channel !== "binance@aggTrade") return null;
  const ex = new ccxt.binance();
  const market = ex.safeMarket("BTCUSDT", undefined, undefined, "spot");
  return {
    name: "ccxt binance.parseTrade",
    run: (frames) => {
      let acc = 0;
      for (let i = 0; i < frames.length; i++) {
        const msg = JSON.parse(frames[i]);
        acc += ex.parseTrade(msg.data ?? msg, market).price! > 0 ? 1 : 0;
      }
      return acc;
    },
  };
}

/** The peers that map this channel's frames. */
export function peersFor(channel: Channel): Peer[] {
  return [tardis(channel), ccxtBinance(channel)].filter((p): p is Peer => p !== null);
}
