// Kraken WebSocket v2: status on connect, one ack per symbol, JSON-number prices, RFC 3339 µs
// timestamps, ohlc (1 and 60) without a closed flag, heartbeat when idle, ping method.
import type { Interval } from "../market/types.ts";
import type { SimBar } from "./bars.ts";
import { rfc3339Micros, rfc3339Nanos } from "./clock.ts";
import type { BadValue, DataFrame, SimConnection } from "./conn.ts";
import { formatTrimmed, venueSymbol } from "./instruments.ts";
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

const OHLC_INTERVAL: Readonly<Record<number, Interval>> = { 1: "1m", 60: "1h" };
export const KRAKEN_MINUTES: Readonly<Record<Interval, number>> = { "1m": 1, "1h": 60 };
export const KRAKEN_HEARTBEAT_MS = 1000;

export class KrakenProtocol implements VenueProtocol {
  readonly venue = "kraken" as const;
  readonly #ctx: SimContext;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
  }

  accepts(path: string): boolean {
    return path === "/kraken/v2";
  }

  onOpen(c: SimConnection): void {
    // connection_id is a uint64 above 2^53, written as raw digits like the real venue.
    c.sendControl(
      `{"channel":"status","type":"update","data":[{"version":"2.0.10","system":"online",` +
        `"api_version":"v2","connection_id":${c.id}}]}`,
    );
  }

  onMessage(c: SimConnection, text: string): void {
    const msg = tryJson(text);
    const time_in = rfc3339Micros(this.#ctx.simNow());
    const times = () => ({ time_in, time_out: rfc3339Micros(this.#ctx.simNow()) });
    if (!isRecord(msg) || typeof msg.method !== "string") {
      return c.sendControl(JSON.stringify({ error: "Malformed request", success: false, ...times() }));
    }
    const reqId = msg.req_id !== undefined ? { req_id: msg.req_id } : {};
    if (msg.method === "ping") return c.sendControl(JSON.stringify({ method: "pong", ...reqId, ...times() }));
    const method = msg.method;
    const fail = (error: string, extra: Record<string, unknown> = {}) =>
      c.sendControl(JSON.stringify({ error, method, ...reqId, success: false, ...extra, ...times() }));
    if (method !== "subscribe" && method !== "unsubscribe") return fail(`Method ${method} not supported`);
    const p = isRecord(msg.params) ? msg.params : {};
    const channel = p.channel;
    if (channel !== "trade" && channel !== "ohlc") return fail(`Channel ${String(channel)} not supported`);
    const minutes = channel === "ohlc" ? p.interval ?? 1 : undefined;
    const interval = minutes === undefined ? undefined : OHLC_INTERVAL[minutes as number];
    if (channel === "ohlc" && !interval) return fail(`Invalid interval ${String(minutes)}`);
    if (!Array.isArray(p.symbol) || p.symbol.length === 0) return fail("Missing field symbol");
    const snapshot = typeof p.snapshot === "boolean" ? p.snapshot : channel === "ohlc";
    for (const sym of p.symbol) {
      const inst = typeof sym === "string" ? byVenueSymbol(this.#ctx, "kraken", sym) : undefined;
      if (!inst) {
        fail(`Currency pair not supported ${String(sym)}`, { symbol: sym });
        continue;
      }
      const key = interval ? klineKey(inst.symbol, interval) : tradeKey(inst.symbol);
      const result = interval
        ? { channel, interval: minutes, snapshot, symbol: sym }
        : { channel, snapshot, symbol: sym };
      c.sendControl(JSON.stringify({ method, result, success: true, ...times(), ...reqId }));
      if (method === "unsubscribe") {
        c.subs.delete(key);
        continue;
      }
      c.subs.set(key, `${channel}:${sym}`);
      if (snapshot) this.#snapshot(c, inst.symbol, interval);
    }
  }

  #snapshot(c: SimConnection, symbol: string, interval: Interval | undefined): void {
    if (interval) {
      const b = this.#ctx.bars.forming("kraken", symbol, interval);
      if (b && b.n > 0) c.sendControl(this.#ohlcText(b, "snapshot"));
      return;
    }
    const recent = this.#ctx.recentTrades("kraken", symbol);
    if (recent.length === 0) return;
    c.sendControl(
      `{"channel":"trade","type":"snapshot","data":[${recent.map((t) => tradeEntry(t)).join(",")}]}`,
    );
  }

  tradeFrame(c: SimConnection, key: string, t: SimTrade): DataFrame {
    return dataFrame(
      c,
      "trade",
      key,
      t.inst.symbol,
      t.tradeId,
      (bad?: BadValue) => `{"channel":"trade","type":"update","data":[${tradeEntry(t, bad)}]}`,
    );
  }

  klineFrame(c: SimConnection, key: string, b: SimBar): DataFrame | null {
    if (b.n === 0) return null; // quiet markets produce no ohlc frames on Kraken
    return dataFrame(c, "kline", key, b.inst.symbol, undefined, () => this.#ohlcText(b, "update"));
  }

  #ohlcText(b: SimBar, type: string): string {
    return JSON.stringify({
      channel: "ohlc",
      type,
      timestamp: rfc3339Micros(this.#ctx.simNow()),
      data: [krakenOhlc(b)],
    });
  }

  cut(_c: SimConnection): string {
    return "planned disconnect";
  }

  onTick(c: SimConnection, wallNowMs: number): void {
    if (c.subs.size > 0 && wallNowMs - c.lastSendWallMs >= KRAKEN_HEARTBEAT_MS) {
      c.sendControl('{"channel":"heartbeat"}');
    }
  }
}

function tradeEntry(t: SimTrade, bad?: BadValue): string {
  const price = bad === "nan_price" ? '"NaN"' : formatTrimmed(t.priceTicks, t.inst.priceDecimals);
  const qty = bad === "neg_size" ? "-1" : formatTrimmed(t.sizeLots, t.inst.sizeDecimals);
  const ord = t.idNum % 3 === 0 ? "limit" : "market";
  return `{"symbol":"${venueSymbol("kraken", t.inst)}","side":"${t.side}","price":${price},"qty":${qty},` +
    `"ord_type":"${ord}","trade_id":${t.idNum},"timestamp":"${rfc3339Micros(t.timeMs)}"}`;
}

/** Volume-weighted average price of a bar, rounded to 4 decimals past the tick. */
export function vwap(b: SimBar): number {
  if (b.vLots === 0) return 0;
  const d = b.inst.priceDecimals + 4;
  return Number((b.quoteUnits / b.vLots / 10 ** b.inst.priceDecimals).toFixed(d));
}

export function krakenOhlc(b: SimBar): Record<string, unknown> {
  const pd = b.inst.priceDecimals;
  const span = KRAKEN_MINUTES[b.interval] * 60_000;
  return {
    symbol: venueSymbol("kraken", b.inst),
    open: Number(formatTrimmed(b.o, pd)),
    high: Number(formatTrimmed(b.h, pd)),
    low: Number(formatTrimmed(b.l, pd)),
    close: Number(formatTrimmed(b.c, pd)),
    trades: b.n,
    volume: Number(formatTrimmed(b.vLots, b.inst.sizeDecimals)),
    vwap: vwap(b),
    interval_begin: rfc3339Nanos(b.openMs),
    interval: KRAKEN_MINUTES[b.interval],
    timestamp: rfc3339Micros(b.openMs + span),
  };
}
