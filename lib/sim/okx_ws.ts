// OKX v5: trades on /ws/v5/public, candles on /ws/v5/business (60018 on the wrong path), text
// ping/pong, one ack per arg, the latest (old) trade pushed on subscribe, idle close after 30 s.
import type { Interval } from "../market/types.ts";
import type { SimBar } from "./bars.ts";
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

export const OKX_BAR: Readonly<Record<Interval, string>> = { "1m": "1m", "1h": "1H" };
const CANDLE: Readonly<Record<string, Interval>> = { candle1m: "1m", candle1H: "1h" };
export const OKX_IDLE_MS = 30_000;

export class OkxProtocol implements VenueProtocol {
  readonly venue = "okx" as const;
  readonly #ctx: SimContext;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
  }

  accepts(path: string): boolean {
    return path === "/okx/ws/v5/public" || path === "/okx/ws/v5/business";
  }

  onOpen(): void {}

  onMessage(c: SimConnection, text: string): void {
    if (text === "ping") return c.sendControl("pong");
    const msg = tryJson(text);
    const connId = c.id;
    if (!isRecord(msg) || (msg.op !== "subscribe" && msg.op !== "unsubscribe") || !Array.isArray(msg.args)) {
      return c.sendControl(
        JSON.stringify({ event: "error", msg: `Illegal request: ${text}`, code: "60012", connId }),
      );
    }
    const business = c.path.endsWith("/business");
    for (const arg of msg.args) {
      const channel = isRecord(arg) && typeof arg.channel === "string" ? arg.channel : "";
      const instId = isRecord(arg) && typeof arg.instId === "string" ? arg.instId : "";
      const inst = byVenueSymbol(this.#ctx, "okx", instId);
      const interval = CANDLE[channel];
      const ok = inst && (business ? interval !== undefined : channel === "trades");
      if (!ok) {
        const m =
          `Wrong URL or channel:${channel},instId:${instId} doesn't exist. Please use the correct URL, ` +
          `channel and parameters referring to API document.`;
        c.sendControl(JSON.stringify({ event: "error", msg: m, code: "60018", connId }));
        continue;
      }
      const key = interval ? klineKey(inst.symbol, interval) : tradeKey(inst.symbol);
      c.sendControl(JSON.stringify({ event: msg.op, arg: { channel, instId }, connId }));
      if (msg.op === "unsubscribe") {
        c.subs.delete(key);
        continue;
      }
      c.subs.set(key, `${channel}:${instId}`);
      // Like the real venue: the latest trade is pushed on subscribe, however old it is.
      const last = interval ? undefined : this.#ctx.recentTrades("okx", inst.symbol).at(-1);
      if (last) c.sendData(this.tradeFrame(c, key, last));
    }
  }

  tradeFrame(c: SimConnection, key: string, t: SimTrade): DataFrame {
    const instId = venueSymbol("okx", t.inst);
    return dataFrame(c, "trade", key, t.inst.symbol, t.tradeId, (bad?: BadValue) => {
      const px = bad === "nan_price" ? "NaN" : formatTrimmed(t.priceTicks, t.inst.priceDecimals);
      const sz = bad === "neg_size" ? "-1" : formatTrimmed(t.sizeLots, t.inst.sizeDecimals);
      return `{"arg":{"channel":"trades","instId":"${instId}"},"data":[{"instId":"${instId}",` +
        `"tradeId":"${t.tradeId}","px":"${px}","sz":"${sz}","side":"${t.side}","ts":"${t.timeMs}"}]}`;
    });
  }

  klineFrame(c: SimConnection, key: string, b: SimBar, closed: boolean): DataFrame {
    const instId = venueSymbol("okx", b.inst);
    return dataFrame(c, "kline", key, b.inst.symbol, undefined, () =>
      JSON.stringify({
        arg: { channel: `candle${OKX_BAR[b.interval]}`, instId },
        data: [okxCandle(b, closed)],
      }));
  }

  cut(c: SimConnection): string {
    const msg = "The connection will soon be closed for a service upgrade. Please reconnect.";
    c.sendControl(JSON.stringify({ event: "notice", code: "64008", msg, connId: c.id }));
    return "service upgrade";
  }

  onTick(c: SimConnection, wallNowMs: number): void {
    if (wallNowMs - Math.max(c.lastRecvWallMs, c.lastSendWallMs) >= OKX_IDLE_MS) {
      c.close(4004, "No data received in 30s.");
    }
  }
}

/** [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm], all strings (spot: volCcy is quote). */
export function okxCandle(b: SimBar, closed: boolean): string[] {
  const pd = b.inst.priceDecimals;
  const quote = formatTrimmed(b.quoteUnits, pd + b.inst.sizeDecimals);
  return [
    String(b.openMs),
    formatTrimmed(b.o, pd),
    formatTrimmed(b.h, pd),
    formatTrimmed(b.l, pd),
    formatTrimmed(b.c, pd),
    formatTrimmed(b.vLots, b.inst.sizeDecimals),
    quote,
    quote,
    closed ? "1" : "0",
  ];
}
