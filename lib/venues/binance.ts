// Binance spot: hooks + pure mapper for @trade, @aggTrade and @kline_<i> (raw or combined-stream
// envelopes), plus REST kline backfill (/api/v3/klines). Facts: docs/venues.md "Binance spot".
import type { Interval, SymbolName, Trade, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import { type MapResult, requireEnv, type Subscription, type VenueAdapter } from "./adapter.ts";
import { fromVenueSymbol, toVenueSymbol } from "./symbols.ts";
import {
  control,
  count,
  data,
  dropped,
  epochMs,
  FrameDrop,
  guardMap,
  idString,
  isObject,
  price,
  restRows,
  size,
  volume,
} from "./values.ts";

/** One SUBSCRIBE carries at most this many streams (limit is 1024 per connection, 5 msgs/s). */
const STREAMS_PER_MESSAGE = 200;

function streamName(sub: Subscription): string {
  const s = toVenueSymbol("binance", sub.symbol, { binanceStream: true });
  return sub.channel === "trades" ? `${s}@trade` : `${s}@kline_${sub.interval}`;
}

function symbolOf(v: unknown): SymbolName {
  const sym = typeof v === "string" ? fromVenueSymbol("binance", v) : null;
  if (sym === null) throw new FrameDrop("unknown_symbol");
  return sym;
}

function intervalOf(v: unknown): Interval {
  if (v === "1m" || v === "1h") return v;
  throw new FrameDrop("unsupported_interval");
}

function mapPayload(d: Record<string, unknown>, receivedAtMs: number): MapResult {
  switch (d.e) {
    case "trade":
    case "aggTrade": {
      const trade: Trade = {
        kind: "trade",
        venue: "binance",
        symbol: symbolOf(d.s),
        // aggTrade's own id is `a`; its contiguity per symbol is what gap checks need.
        tradeId: idString(d.e === "trade" ? d.t : d.a),
        price: price(d.p),
        size: size(d.q),
        // `m`: buyer is the maker, so the aggressor sold.
        side: d.m === true ? "sell" : d.m === false ? "buy" : invalid(),
        venueTimeMs: epochMs(d.T),
        receivedAtMs,
      };
      return data([trade]);
    }
    case "kline": {
      const k = d.k;
      if (!isObject(k)) throw new FrameDrop("unexpected_shape");
      const kline: VenueKline = {
        kind: "kline",
        venue: "binance",
        symbol: symbolOf(k.s ?? d.s),
        interval: intervalOf(k.i),
        openTimeMs: epochMs(k.t),
        o: price(k.o),
        h: price(k.h),
        l: price(k.l),
        c: price(k.c),
        v: volume(k.v),
        closed: k.x === true ? true : k.x === false ? false : invalid(),
        trades: count(k.n),
        venueTimeMs: epochMs(d.E),
        receivedAtMs,
      };
      return data([kline]);
    }
    case "serverShutdown":
      return control("shutdown", { detail: "serverShutdown" });
  }
  return dropped("unknown_channel");
}

function invalid(): never {
  throw new FrameDrop("invalid_value");
}

/** Pure mapper: raw frame text -> classification and events. */
export function mapBinance(raw: string, receivedAtMs: number): MapResult {
  return guardMap(raw, (msg) => {
    if (!isObject(msg)) return dropped("unexpected_shape");
    // Combined streams wrap the payload: {"stream":"btcusdt@trade","data":{...}}.
    const d = "stream" in msg && isObject(msg.data) ? msg.data : msg;
    if (typeof d.e === "string") return mapPayload(d, receivedAtMs);
    if (isObject(msg.error)) {
      return control("error", { reason: "venue_error", detail: `${msg.error.code}: ${msg.error.msg}` });
    }
    // {"result":null,"id":1} answers SUBSCRIBE; LIST_SUBSCRIPTIONS answers with an array.
    if ("result" in msg && "id" in msg) return control("ack");
    return dropped("unknown_event");
  });
}

function klineRow(row: unknown, symbol: SymbolName, interval: Interval, nowMs: number): VenueKline | null {
  if (!Array.isArray(row) || row.length < 9) throw new TypeError("row is not a 12-field kline array");
  const openTimeMs = epochMs(row[0]);
  if (openTimeMs + INTERVALS[interval] > nowMs) return null; // still forming
  return {
    kind: "kline",
    venue: "binance",
    symbol,
    interval,
    openTimeMs,
    o: price(row[1]),
    h: price(row[2]),
    l: price(row[3]),
    c: price(row[4]),
    v: volume(row[5]),
    closed: true,
    trades: count(row[8]),
    venueTimeMs: epochMs(row[6]),
    receivedAtMs: nowMs,
  };
}

export const binance: VenueAdapter = {
  venue: "binance",
  envKeys: ["BINANCE_WS_URL", "BINANCE_REST_URL"],
  endpoints: (env) => ({
    ws: { ws: requireEnv(env, "BINANCE_WS_URL") },
    rest: requireEnv(env, "BINANCE_REST_URL"),
  }),
  plan: (ep, subs) => [{ venue: "binance", name: "binance", url: ep.ws.ws, subscriptions: subs }],
  subscribeMessages: (plan) => {
    const streams = plan.subscriptions.map(streamName);
    const out: string[] = [];
    for (let i = 0; i < streams.length; i += STREAMS_PER_MESSAGE) {
      const params = streams.slice(i, i + STREAMS_PER_MESSAGE);
      out.push(JSON.stringify({ method: "SUBSCRIBE", params, id: out.length + 1 }));
    }
    return out;
  },
  // One {"result":null,"id":n} per SUBSCRIBE message.
  subscribeAcks: (plan) => Math.ceil(plan.subscriptions.length / STREAMS_PER_MESSAGE),
  // The server pings every 20 s at the protocol level; Deno's WebSocket answers those itself.
  keepalive: null,
  replaysFirstTrade: false,
  // Binance cuts every connection at 24 h: reconnect on our terms 30 minutes earlier.
  maxConnectionMs: 23.5 * 3_600_000,
  map: mapBinance,
  rest: {
    url: (base, symbol, interval, startMs, endMs) =>
      `${base.replace(/\/$/, "")}/api/v3/klines?symbol=${
        toVenueSymbol("binance", symbol)
      }&interval=${interval}` +
      `&startTime=${startMs}&endTime=${endMs}&limit=1000`,
    parse: (body, symbol, interval, nowMs) => {
      const rows: unknown = JSON.parse(body);
      if (!Array.isArray(rows)) throw new TypeError(`Cannot parse binance klines: ${body.slice(0, 200)}`);
      return restRows(rows, (r) => klineRow(r, symbol, interval, nowMs), "binance");
    },
  },
};
