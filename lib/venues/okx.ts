// OKX v5: hooks + pure mapper for `trades` (on /public) and `candle<bar>` (on /business), plus REST
// kline backfill (/api/v5/market/candles, newest first). Facts: docs/venues.md "OKX v5".
import type { Interval, SymbolName, Trade, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import {
  type ConnectionPlan,
  type MapResult,
  requireEnv,
  type Subscription,
  type VenueAdapter,
} from "./adapter.ts";
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

const ARGS_PER_MESSAGE = 100; // a request must stay under 64 KB
const TO_BAR: Readonly<Record<Interval, string>> = { "1m": "1m", "1h": "1H" };
const FROM_BAR: Readonly<Record<string, Interval>> = { "1m": "1m", "1H": "1h" };
/** Notice sent ~30 s before a service-upgrade disconnect. */
const PLANNED_DISCONNECT = "64008";

function arg(sub: Subscription): { channel: string; instId: string } {
  const instId = toVenueSymbol("okx", sub.symbol);
  return sub.channel === "trades"
    ? { channel: "trades", instId }
    : { channel: `candle${TO_BAR[sub.interval]}`, instId };
}

function symbolOf(v: unknown): SymbolName {
  const sym = typeof v === "string" ? fromVenueSymbol("okx", v) : null;
  if (sym !== null) return sym;
  // BTC-USDT-SWAP, BTC-USD-220624: derivative sizes are contracts, not base units.
  throw new FrameDrop(
    typeof v === "string" && v.split("-").length > 2 ? "unsupported_instrument" : "unknown_symbol",
  );
}

function rows(d: unknown): unknown[] {
  if (!Array.isArray(d) || d.length === 0) throw new FrameDrop("unexpected_shape");
  return d;
}

/** One candle array: 9 fields [ts,o,h,l,c,vol,volCcy,volCcyQuote,confirm]; legacy 7 have no confirm. */
function candle(row: unknown, symbol: SymbolName, interval: Interval, receivedAtMs: number): VenueKline {
  if (!Array.isArray(row) || row.length < 7) throw new FrameDrop("unexpected_shape");
  const confirm = row.length >= 9 ? row[8] : "0";
  if (confirm !== "0" && confirm !== "1") throw new FrameDrop("invalid_value");
  const openTimeMs = epochMs(row[0]);
  return {
    kind: "kline",
    venue: "okx",
    symbol,
    interval,
    openTimeMs,
    o: price(row[1]),
    h: price(row[2]),
    l: price(row[3]),
    c: price(row[4]),
    v: volume(row[5]), // spot: base currency
    closed: confirm === "1",
    // Candle pushes carry no event time of their own: the bar start is the venue time we have.
    venueTimeMs: openTimeMs,
    receivedAtMs,
  };
}

function mapChannel(
  msg: Record<string, unknown>,
  a: Record<string, unknown>,
  receivedAtMs: number,
): MapResult {
  const ch = a.channel;
  if (ch === "trades" || ch === "trades-all") {
    const trades: Trade[] = rows(msg.data).map((x) => {
      if (!isObject(x)) throw new FrameDrop("unexpected_shape");
      return {
        kind: "trade",
        venue: "okx",
        symbol: symbolOf(x.instId ?? a.instId),
        tradeId: idString(x.tradeId),
        price: price(x.px),
        size: size(x.sz),
        side: side(x.side),
        venueTimeMs: epochMs(x.ts),
        receivedAtMs,
      };
    });
    return data(trades);
  }
  if (typeof ch === "string" && ch.startsWith("candle")) {
    const interval = FROM_BAR[ch.slice("candle".length)];
    if (interval === undefined) return dropped("unsupported_interval");
    const symbol = symbolOf(a.instId);
    return data(rows(msg.data).map((r) => candle(r, symbol, interval, receivedAtMs)));
  }
  return dropped("unknown_channel");
}

/** Pure mapper: raw frame text -> classification and events. */
export function mapOkx(raw: string, receivedAtMs: number): MapResult {
  // The keepalive answer is the bare text `pong`, not JSON.
  if (raw === "pong") return control("pong");
  return guardMap(raw, (msg) => {
    if (!isObject(msg)) return dropped("unexpected_shape");
    const detail = `${msg.code}: ${msg.msg}`;
    switch (msg.event) {
      case undefined:
        return isObject(msg.arg) ? mapChannel(msg, msg.arg, receivedAtMs) : dropped("unexpected_shape");
      case "subscribe":
      case "unsubscribe":
      case "login":
        return control("ack");
      case "error":
      case "channel-conn-count-error":
        return control("error", { reason: "venue_error", detail });
      case "notice":
        return msg.code === PLANNED_DISCONNECT
          ? control("shutdown", { detail })
          : control("status", { detail });
      case "channel-conn-count":
        return control("status");
    }
    return dropped("unknown_event");
  });
}

export const okx: VenueAdapter = {
  venue: "okx",
  envKeys: ["OKX_WS_PUBLIC_URL", "OKX_WS_BUSINESS_URL", "OKX_REST_URL"],
  endpoints: (env) => ({
    ws: { public: requireEnv(env, "OKX_WS_PUBLIC_URL"), business: requireEnv(env, "OKX_WS_BUSINESS_URL") },
    rest: requireEnv(env, "OKX_REST_URL"),
  }),
  // Candles moved to /business in 2023; subscribing to them on /public is an error.
  plan: (ep, subs) => {
    const out: ConnectionPlan[] = [];
    const trades = subs.filter((s) => s.channel === "trades");
    const klines = subs.filter((s) => s.channel === "klines");
    if (trades.length) {
      out.push({ venue: "okx", name: "okx/public", url: ep.ws.public, subscriptions: trades });
    }
    if (klines.length) {
      out.push({ venue: "okx", name: "okx/business", url: ep.ws.business, subscriptions: klines });
    }
    return out;
  },
  subscribeMessages: (plan) => {
    const args = plan.subscriptions.map(arg);
    const out: string[] = [];
    for (let i = 0; i < args.length; i += ARGS_PER_MESSAGE) {
      out.push(JSON.stringify({ op: "subscribe", args: args.slice(i, i + ARGS_PER_MESSAGE) }));
    }
    return out;
  },
  // One {"event":"subscribe","arg":{...}} per arg.
  subscribeAcks: (plan) => plan.subscriptions.length,
  // The server closes after 30 s without traffic: ping when idle for 20 s.
  keepalive: { mode: "idle", everyMs: 20_000, message: () => "ping" },
  replaysFirstTrade: true,
  maxConnectionMs: null,
  map: mapOkx,
  rest: {
    // `after` = rows older than ts, `before` = rows newer than ts (both exclusive).
    url: (base, symbol, interval, startMs, endMs) =>
      `${base.replace(/\/$/, "")}/api/v5/market/candles?instId=${toVenueSymbol("okx", symbol)}&bar=${
        TO_BAR[interval]
      }` +
      `&after=${endMs + 1}&before=${startMs - 1}&limit=300`,
    parse: (body, symbol, interval, nowMs) => {
      const msg: unknown = JSON.parse(body);
      if (!isObject(msg) || msg.code !== "0" || !Array.isArray(msg.data)) {
        const why = isObject(msg) ? `${msg.code}: ${msg.msg}` : body.slice(0, 200);
        throw new TypeError(`Cannot parse okx candles: ${why}`);
      }
      const ms = INTERVALS[interval];
      return restRows(msg.data, (row) => {
        const k = candle(row, symbol, interval, nowMs);
        // Trust confirm when present; legacy 7-field rows fall back to the close-time rule.
        const closed = Array.isArray(row) && row.length >= 9 ? k.closed : k.openTimeMs + ms <= nowMs;
        return closed ? { ...k, closed: true, venueTimeMs: k.openTimeMs + ms - 1 } : null;
      }, "okx");
    },
  },
};
