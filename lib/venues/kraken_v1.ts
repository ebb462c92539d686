// Kraken WebSocket v1 frames (wss://ws.kraken.com): parsed for replaying recorded sessions (the real
// captures we have are v1). Live connections use v2 (kraken.ts). Facts: docs/venues.md "v1 shapes".
import type { Interval, SymbolName, Trade, VenueKline } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
import type { MapResult } from "./adapter.ts";
import { fromVenueSymbol } from "./symbols.ts";
import {
  control,
  count,
  data,
  dropped,
  FrameDrop,
  isObject,
  price,
  secondsTextMs,
  side,
  size,
  volume,
} from "./values.ts";

const FROM_MINUTES: Readonly<Record<string, Interval>> = { "1": "1m", "60": "1h" };

function symbolOf(v: unknown): SymbolName {
  const sym = typeof v === "string" ? fromVenueSymbol("kraken", v) : null;
  if (sym === null) throw new FrameDrop("unknown_symbol");
  return sym;
}

/** The 20-digit connection id exceeds 2^53: read it from the text, never from the parsed number. */
export function rawConnectionId(raw: string, key: string): string | undefined {
  return new RegExp(`"${key}"\\s*:\\s*"?(\\d+)`).exec(raw)?.[1];
}

/** v1 array frame: [channelID, payload, channelName, pair] (books may carry two payloads). */
function mapArray(msg: unknown[], receivedAtMs: number): MapResult {
  if (msg.length < 4) return dropped("unexpected_shape");
  const name = msg[msg.length - 2];
  const payload = msg[1];
  if (!Array.isArray(payload)) return dropped("unexpected_shape");
  if (name === "trade") {
    const symbol = symbolOf(msg[msg.length - 1]);
    if (payload.length === 0) return dropped("unexpected_shape");
    const trades: Trade[] = payload.map((t) => {
      if (!Array.isArray(t) || t.length < 4) throw new FrameDrop("unexpected_shape");
      return {
        kind: "trade",
        venue: "kraken",
        symbol,
        tradeId: "", // v1 trades carry no id
        price: price(t[0]),
        size: size(t[1]),
        side: side(t[3]),
        venueTimeMs: secondsTextMs(t[2]),
        receivedAtMs,
      };
    });
    return data(trades);
  }
  if (typeof name === "string" && name.startsWith("ohlc-")) {
    const interval = FROM_MINUTES[name.slice("ohlc-".length)];
    if (interval === undefined) return dropped("unsupported_interval");
    // [time (last update), etime (interval end), open, high, low, close, vwap, volume, count]
    if (payload.length < 9) return dropped("unexpected_shape");
    const kline: VenueKline = {
      kind: "kline",
      venue: "kraken",
      symbol: symbolOf(msg[msg.length - 1]),
      interval,
      openTimeMs: secondsTextMs(payload[1]) - INTERVALS[interval],
      o: price(payload[2]),
      h: price(payload[3]),
      l: price(payload[4]),
      c: price(payload[5]),
      v: volume(payload[7]),
      closed: false, // Kraken has no closed flag
      trades: count(payload[8]),
      venueTimeMs: secondsTextMs(payload[0]),
      receivedAtMs,
    };
    return data([kline]);
  }
  return dropped("unknown_channel");
}

/** Pure v1 mapper over an already-parsed message (the raw text is needed for big ids). */
export function mapKrakenV1(raw: string, msg: unknown, receivedAtMs: number): MapResult {
  if (Array.isArray(msg)) return mapArray(msg, receivedAtMs);
  if (!isObject(msg)) return dropped("unexpected_shape");
  switch (msg.event) {
    case "heartbeat":
      return control("heartbeat");
    case "pong":
      return control("pong");
    case "systemStatus": {
      const connectionId = rawConnectionId(raw, "connectionID");
      const detail = String(msg.status);
      return control("status", connectionId === undefined ? { detail } : { detail, connectionId });
    }
    case "subscriptionStatus":
      if (msg.status === "subscribed" || msg.status === "unsubscribed") return control("ack");
      return control("error", { reason: "subscribe_rejected", detail: String(msg.errorMessage) });
    case "error":
      return control("error", { reason: "venue_error", detail: String(msg.errorMessage) });
  }
  return dropped("unknown_event");
}
