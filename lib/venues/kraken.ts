// Kraken WebSocket v2: hooks + pure mapper for `trade` and `ohlc` (v1 frames are delegated to
// kraken_v1.ts), plus REST kline backfill (/0/public/OHLC). Facts: docs/venues.md "Kraken".
import type { Interval, SymbolName, Trade, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import { type MapResult, requireEnv, type VenueAdapter } from "./adapter.ts";
import { mapKrakenV1, rawConnectionId } from "./kraken_v1.ts";
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
  rfc3339Ms,
  side,
  size,
  volume,
} from "./values.ts";

const MINUTES: Readonly<Record<Interval, number>> = { "1m": 1, "1h": 60 };
const FROM_MINUTES: Readonly<Record<number, Interval>> = { 1: "1m", 60: "1h" };

function symbolOf(v: unknown): SymbolName {
  const sym = typeof v === "string" ? fromVenueSymbol("kraken", v) : null;
  if (sym === null) throw new FrameDrop("unknown_symbol");
  return sym;
}

function entries(d: unknown): Record<string, unknown>[] {
  if (!Array.isArray(d) || d.length === 0 || !d.every(isObject)) throw new FrameDrop("unexpected_shape");
  return d;
}

function mapChannel(raw: string, msg: Record<string, unknown>, receivedAtMs: number): MapResult {
  // Snapshots replay history on subscribe: returned flagged, so the feed dedups them and keeps
  // them out of latency (tardis-node maps only `update`).
  const snapshot = msg.type === "snapshot";
  switch (msg.channel) {
    case "heartbeat":
      return control("heartbeat");
    case "status": {
      const connectionId = rawConnectionId(raw, "connection_id");
      return control("status", connectionId === undefined ? {} : { connectionId });
    }
    case "trade": {
      const trades: Trade[] = entries(msg.data).map((x) => ({
        kind: "trade",
        venue: "kraken",
        symbol: symbolOf(x.symbol),
        tradeId: idString(x.trade_id),
        price: price(x.price),
        size: size(x.qty),
        side: side(x.side),
        venueTimeMs: rfc3339Ms(x.timestamp),
        receivedAtMs,
      }));
      return data(trades, snapshot);
    }
    case "ohlc": {
      const klines: VenueKline[] = [];
      for (const x of entries(msg.data)) {
        const interval = FROM_MINUTES[x.interval as number];
        if (interval === undefined) return dropped("unsupported_interval");
        const openTimeMs = rfc3339Ms(x.interval_begin);
        klines.push({
          kind: "kline",
          venue: "kraken",
          symbol: symbolOf(x.symbol),
          interval,
          openTimeMs,
          o: price(x.open),
          h: price(x.high),
          l: price(x.low),
          c: price(x.close),
          v: volume(x.volume),
          closed: false, // no closed flag: final only once a later interval_begin arrives
          trades: count(x.trades),
          // Entry `timestamp` is the interval end (deprecated); prefer the frame's push time.
          venueTimeMs: msg.timestamp === undefined ? openTimeMs : rfc3339Ms(msg.timestamp),
          receivedAtMs,
        });
      }
      return data(klines, snapshot);
    }
  }
  return dropped("unknown_channel");
}

/** Pure mapper for v2 and v1 frames: raw frame text -> classification and events. */
export function mapKraken(raw: string, receivedAtMs: number): MapResult {
  return guardMap(raw, (msg) => {
    if (Array.isArray(msg) || (isObject(msg) && "event" in msg)) return mapKrakenV1(raw, msg, receivedAtMs);
    if (!isObject(msg)) return dropped("unexpected_shape");
    if (typeof msg.channel === "string") return mapChannel(raw, msg, receivedAtMs);
    if (msg.method === "pong") return control("pong");
    if (msg.success === false) {
      const subscribing = msg.method === "subscribe" || msg.method === "unsubscribe";
      return control("error", {
        reason: subscribing ? "subscribe_rejected" : "venue_error",
        detail: String(msg.error),
      });
    }
    if (msg.method === "subscribe" || msg.method === "unsubscribe") return control("ack");
    return dropped("unknown_event");
  });
}

export const kraken: VenueAdapter = {
  venue: "kraken",
  envKeys: ["KRAKEN_WS_URL", "KRAKEN_REST_URL"],
  endpoints: (env) => ({
    ws: { ws: requireEnv(env, "KRAKEN_WS_URL") },
    rest: requireEnv(env, "KRAKEN_REST_URL"),
  }),
  plan: (ep, subs) => [{ venue: "kraken", name: "kraken", url: ep.ws.ws, subscriptions: subs }],
  subscribeMessages: (plan) => {
    const out: string[] = [];
    const send = (params: Record<string, unknown>) =>
      out.push(JSON.stringify({ method: "subscribe", params, req_id: out.length + 1 }));
    const trades = plan.subscriptions.filter((s) => s.channel === "trades").map((s) =>
      toVenueSymbol("kraken", s.symbol)
    );
    if (trades.length) send({ channel: "trade", symbol: trades, snapshot: false });
    for (const iv of Object.keys(MINUTES) as Interval[]) {
      const syms = plan.subscriptions.filter((s) => s.channel === "klines" && s.interval === iv)
        .map((s) => toVenueSymbol("kraken", s.symbol));
      if (syms.length) send({ channel: "ohlc", symbol: syms, interval: MINUTES[iv], snapshot: false });
    }
    return out;
  },
  // The server sends a heartbeat about every second; the ping only covers an unusually quiet link.
  keepalive: { mode: "idle", everyMs: 20_000, message: (n) => JSON.stringify({ method: "ping", req_id: n }) },
  replaysFirstTrade: false,
  maxConnectionMs: null,
  map: mapKraken,
  rest: {
    // No end parameter and at most the latest 720 bars: the caller filters to its range.
    url: (base, symbol, interval, startMs) => {
      const pair = toVenueSymbol("kraken", symbol, { krakenV1: true }).replace("/", "");
      return `${base.replace(/\/$/, "")}/0/public/OHLC?pair=${pair}&interval=${MINUTES[interval]}` +
        `&since=${Math.floor(startMs / 1000) - 1}`;
    },
    parse: (body, symbol, interval, nowMs) => {
      const msg: unknown = JSON.parse(body);
      const errors = isObject(msg) && Array.isArray(msg.error) ? msg.error : ["no error list"];
      const result = isObject(msg) && isObject(msg.result) ? msg.result : null;
      const key = result ? Object.keys(result).find((k) => k !== "last") : undefined;
      if (errors.length || !result || key === undefined || !Array.isArray(result[key])) {
        throw new TypeError(`Cannot parse kraken OHLC: ${errors.join("; ") || body.slice(0, 200)}`);
      }
      const ms = INTERVALS[interval];
      return restRows(result[key], (row) => {
        // [time (open, s), open, high, low, close, vwap, volume, count]; the last row is forming.
        if (!Array.isArray(row) || row.length < 8) throw new TypeError("row is not an 8-field OHLC array");
        const openTimeMs = epochMs(row[0]) * 1000;
        if (openTimeMs + ms > nowMs) return null;
        return {
          kind: "kline",
          venue: "kraken",
          symbol,
          interval,
          openTimeMs,
          o: price(row[1]),
          h: price(row[2]),
          l: price(row[3]),
          c: price(row[4]),
          v: volume(row[6]),
          closed: true,
          trades: count(row[7]),
          venueTimeMs: openTimeMs + ms - 1,
          receivedAtMs: nowMs,
        };
      }, "kraken");
    },
  },
};
