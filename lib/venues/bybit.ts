// Bybit v5 spot: hooks + pure mapper for publicTrade.<SYM> and kline.<i>.<SYM>, plus REST kline
// backfill (/v5/market/kline, newest first). Facts: docs/venues.md "Bybit v5 spot".
import type { Interval, SymbolName, Trade, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import { type MapResult, requireEnv, type Subscription, type VenueAdapter } from "./adapter.ts";
import { fromVenueSymbol, toVenueSymbol } from "./symbols.ts";
import {
  control,
  data,
  dropped,
  epochMs,
  FrameDrop,
  guardMap,
  idString,
  isObject,
  price,
  restRows,
  side,
  size,
  volume,
} from "./values.ts";

/** Spot accepts at most 10 args per subscribe request. */
const ARGS_PER_MESSAGE = 10;

const TO_VENUE: Readonly<Record<Interval, string>> = { "1m": "1", "1h": "60" };
const FROM_VENUE: Readonly<Record<string, Interval>> = { "1": "1m", "60": "1h" };

function topic(sub: Subscription): string {
  const s = toVenueSymbol("bybit", sub.symbol);
  return sub.channel === "trades" ? `publicTrade.${s}` : `kline.${TO_VENUE[sub.interval]}.${s}`;
}

function symbolOf(v: unknown): SymbolName {
  const sym = typeof v === "string" ? fromVenueSymbol("bybit", v) : null;
  if (sym === null) throw new FrameDrop("unknown_symbol");
  return sym;
}

function items(d: unknown): Record<string, unknown>[] {
  if (!Array.isArray(d) || d.length === 0) throw new FrameDrop("unexpected_shape");
  return d as Record<string, unknown>[];
}

function mapTopic(msg: Record<string, unknown>, t: string, receivedAtMs: number): MapResult {
  if (t.startsWith("publicTrade.")) {
    const fallback = t.slice("publicTrade.".length);
    const trades: Trade[] = items(msg.data).map((x) => ({
      kind: "trade",
      venue: "bybit",
      symbol: symbolOf(x.s ?? fallback),
      tradeId: idString(x.i),
      price: price(x.p),
      size: size(x.v),
      side: side(x.S),
      venueTimeMs: epochMs(x.T),
      receivedAtMs,
    }));
    return data(trades);
  }
  if (t.startsWith("kline.")) {
    const [, iv, venueSym] = t.split(".");
    const interval = FROM_VENUE[iv];
    if (interval === undefined) return dropped("unsupported_interval");
    const symbol = symbolOf(venueSym);
    const klines: VenueKline[] = items(msg.data).map((x) => ({
      kind: "kline",
      venue: "bybit",
      symbol,
      interval,
      openTimeMs: epochMs(x.start),
      o: price(x.open),
      h: price(x.high),
      l: price(x.low),
      c: price(x.close),
      v: volume(x.volume),
      closed: x.confirm === true ? true : x.confirm === false ? false : invalid(),
      venueTimeMs: epochMs(x.timestamp ?? msg.ts),
      receivedAtMs,
    }));
    return data(klines);
  }
  return dropped("unknown_channel");
}

function invalid(): never {
  throw new FrameDrop("invalid_value");
}

/** Pure mapper: raw frame text -> classification and events. */
export function mapBybit(raw: string, receivedAtMs: number): MapResult {
  return guardMap(raw, (msg) => {
    if (!isObject(msg)) return dropped("unexpected_shape");
    if (typeof msg.topic === "string") return mapTopic(msg, msg.topic, receivedAtMs);
    // Spot answers a ping as op "ping" + ret_msg "pong"; linear sends op "pong".
    if (msg.op === "pong" || (msg.op === "ping" && msg.ret_msg === "pong")) return control("pong");
    if (msg.success === false) {
      return control("error", {
        reason: msg.op === "subscribe" ? "subscribe_rejected" : "venue_error",
        detail: String(msg.ret_msg),
      });
    }
    if (msg.op === "subscribe" || msg.op === "unsubscribe") return control("ack");
    return dropped("unknown_event");
  });
}

export const bybit: VenueAdapter = {
  venue: "bybit",
  envKeys: ["BYBIT_WS_URL", "BYBIT_REST_URL"],
  endpoints: (env) => ({
    ws: { ws: requireEnv(env, "BYBIT_WS_URL") },
    rest: requireEnv(env, "BYBIT_REST_URL"),
  }),
  plan: (ep, subs) => [{ venue: "bybit", name: "bybit", url: ep.ws.ws, subscriptions: subs }],
  subscribeMessages: (plan) => {
    const args = plan.subscriptions.map(topic);
    const out: string[] = [];
    for (let i = 0; i < args.length; i += ARGS_PER_MESSAGE) {
      out.push(JSON.stringify({ op: "subscribe", args: args.slice(i, i + ARGS_PER_MESSAGE) }));
    }
    return out;
  },
  keepalive: {
    mode: "interval",
    everyMs: 20_000,
    message: (n) => JSON.stringify({ req_id: `ping-${n}`, op: "ping" }),
  },
  replaysFirstTrade: false,
  maxConnectionMs: null,
  map: mapBybit,
  rest: {
    url: (base, symbol, interval, startMs, endMs) =>
      `${base.replace(/\/$/, "")}/v5/market/kline?category=spot&symbol=${toVenueSymbol("bybit", symbol)}` +
      `&interval=${TO_VENUE[interval]}&start=${startMs}&end=${endMs}&limit=1000`,
    parse: (body, symbol, interval, nowMs) => {
      const msg: unknown = JSON.parse(body);
      if (!isObject(msg) || msg.retCode !== 0 || !isObject(msg.result) || !Array.isArray(msg.result.list)) {
        const why = isObject(msg) ? `${msg.retCode}: ${msg.retMsg}` : body.slice(0, 200);
        throw new TypeError(`Cannot parse bybit klines: ${why}`);
      }
      const ms = INTERVALS[interval];
      // Newest first, and the newest row is still forming: the close-time rule drops it.
      return restRows(msg.result.list, (row) => {
        if (!Array.isArray(row) || row.length < 6) throw new TypeError("row is not a 7-field kline array");
        const openTimeMs = epochMs(row[0]);
        if (openTimeMs + ms > nowMs) return null;
        return {
          kind: "kline",
          venue: "bybit",
          symbol,
          interval,
          openTimeMs,
          o: price(row[1]),
          h: price(row[2]),
          l: price(row[3]),
          c: price(row[4]),
          v: volume(row[5]),
          closed: true,
          venueTimeMs: openTimeMs + ms - 1,
          receivedAtMs: nowMs,
        };
      }, "bybit");
    },
  },
};
