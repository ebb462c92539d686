// Binance spot raw and combined streams: SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS, trade,
// aggTrade and kline frames with string prices, serverShutdown before a planned cut.
import { type Interval, INTERVALS } from "../market/types.ts";
import type { SimBar } from "./bars.ts";
import type { BadValue, DataFrame, SimConnection } from "./conn.ts";
import { formatPadded, venueSymbol } from "./instruments.ts";
import type { SimTrade } from "./market.ts";
import {
  byVenueSymbol,
  dataFrame,
  isRecord,
  klineKey,
  type SimContext,
  tradeKey,
  tryJson,
  type VenueProtocol,
} from "./protocol.ts";

const STREAM = /^([a-z0-9]+)@(trade|aggTrade|kline_(1m|1h))$/;

export class BinanceProtocol implements VenueProtocol {
  readonly venue = "binance" as const;
  readonly #ctx: SimContext;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
  }

  accepts(path: string): boolean {
    return path === "/binance/ws" || path.startsWith("/binance/ws/") || path === "/binance/stream";
  }

  /** Subscription key for a stream name, or null when the symbol or stream type is unknown. */
  streamKey(name: string): string | null {
    const m = STREAM.exec(name);
    const inst = m && byVenueSymbol(this.#ctx, "binance", m[1]);
    if (!m || !inst) return null;
    if (m[2] === "trade") return tradeKey(inst.symbol);
    if (m[2] === "aggTrade") return `aggTrade|${inst.symbol}`;
    return klineKey(inst.symbol, m[3] as Interval);
  }

  onOpen(c: SimConnection, url: URL): void {
    const names = url.pathname === "/binance/stream"
      ? (url.searchParams.get("streams") ?? "").split("/")
      : [url.pathname.slice("/binance/ws/".length)];
    c.combined = url.pathname === "/binance/stream";
    for (const n of names) {
      const key = n ? this.streamKey(n) : null;
      if (key) c.subs.set(key, n);
    }
  }

  onMessage(c: SimConnection, text: string): void {
    const msg = tryJson(text);
    if (msg === undefined) return c.sendControl(err(3, "Invalid JSON: expected value", null));
    const id = isRecord(msg) && (typeof msg.id === "number" || typeof msg.id === "string") ? msg.id : null;
    if (!isRecord(msg) || typeof msg.method !== "string") {
      return c.sendControl(err(2, "Invalid request: missing field `method`", id));
    }
    if (msg.method === "LIST_SUBSCRIPTIONS") {
      return c.sendControl(JSON.stringify({ result: [...c.subs.values()], id }));
    }
    if (msg.method !== "SUBSCRIBE" && msg.method !== "UNSUBSCRIBE") {
      return c.sendControl(err(2, `Invalid request: unknown variant \`${msg.method}\``, id));
    }
    const params = msg.params;
    if (!Array.isArray(params) || params.some((p) => typeof p !== "string")) {
      return c.sendControl(err(2, "Invalid request: params must be an array of stream names", id));
    }
    const keys = (params as string[]).map((p) => this.streamKey(p));
    if (keys.some((k) => k === null)) return c.sendControl(err(-1121, "Invalid symbol.", id));
    keys.forEach((k, i) => msg.method === "SUBSCRIBE" ? c.subs.set(k!, params[i]) : c.subs.delete(k!));
    c.sendControl(JSON.stringify({ result: null, id }));
  }

  tradeFrame(c: SimConnection, key: string, t: SimTrade): DataFrame {
    const s = venueSymbol("binance", t.inst);
    const agg = key.startsWith("aggTrade|");
    const stream = `${s.toLowerCase()}@${agg ? "aggTrade" : "trade"}`;
    return dataFrame(c, "trade", key, t.inst.symbol, t.tradeId, (bad?: BadValue) => {
      const p = bad === "nan_price" ? "NaN" : formatPadded(t.priceTicks, t.inst.priceDecimals, 8);
      const q = bad === "neg_size" ? "-1" : formatPadded(t.sizeLots, t.inst.sizeDecimals, 8);
      const m = t.side === "sell"; // buyer was the maker: the aggressor sold
      const data = agg
        ? `{"e":"aggTrade","E":${t.timeMs + 1},"s":"${s}","a":${
          t.idNum - 1_000_000_000
        },"p":"${p}","q":"${q}",` +
          `"f":${t.idNum},"l":${t.idNum},"T":${t.timeMs},"m":${m},"M":true}`
        : `{"e":"trade","E":${
          t.timeMs + 1
        },"s":"${s}","t":${t.idNum},"p":"${p}","q":"${q}","T":${t.timeMs},` +
          `"m":${m},"M":true}`;
      return c.combined ? `{"stream":"${stream}","data":${data}}` : data;
    });
  }

  klineFrame(c: SimConnection, key: string, b: SimBar, closed: boolean): DataFrame {
    const s = venueSymbol("binance", b.inst);
    return dataFrame(c, "kline", key, b.inst.symbol, undefined, () => {
      const data = JSON.stringify({ e: "kline", E: this.#ctx.simNow(), s, k: binanceKline(b, closed) });
      return c.combined ? `{"stream":"${s.toLowerCase()}@kline_${b.interval}","data":${data}}` : data;
    });
  }

  cut(c: SimConnection): string {
    c.sendControl(JSON.stringify({ e: "serverShutdown", E: this.#ctx.simNow() }));
    return "serverShutdown";
  }
}

function err(code: number, msg: string, id: unknown): string {
  return JSON.stringify({ error: { code, msg }, id });
}

/** The `k` object of a kline frame. */
export function binanceKline(b: SimBar, closed: boolean): Record<string, unknown> {
  const pd = b.inst.priceDecimals;
  const sd = b.inst.sizeDecimals;
  const s = venueSymbol("binance", b.inst);
  return {
    t: b.openMs,
    T: b.openMs + INTERVALS[b.interval] - 1,
    s,
    i: b.interval,
    f: b.firstId,
    L: b.lastId,
    o: formatPadded(b.o, pd, 8),
    c: formatPadded(b.c, pd, 8),
    h: formatPadded(b.h, pd, 8),
    l: formatPadded(b.l, pd, 8),
    v: formatPadded(b.vLots, sd, 8),
    n: b.n,
    x: closed,
    q: formatPadded(b.quoteUnits, pd + sd, 8),
    V: formatPadded(b.takerBuyLots, sd, 8),
    Q: formatPadded(b.takerBuyQuoteUnits, pd + sd, 8),
    B: "0",
  };
}
