// Bybit v5 public spot: op subscribe/unsubscribe (max 10 args), JSON ping/pong, publicTrade and
// kline.<1|60> topics with string numbers and a confirm flag.
import type { Interval } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";
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

const TOPIC = /^(publicTrade|kline\.(1|60))\.([A-Z0-9]+)$/;
const BYBIT_INTERVAL: Readonly<Record<string, Interval>> = { "1": "1m", "60": "1h" };
export const BYBIT_INTERVAL_NAME: Readonly<Record<Interval, string>> = { "1m": "1", "1h": "60" };
export const BYBIT_MAX_ARGS = 10;

export class BybitProtocol implements VenueProtocol {
  readonly venue = "bybit" as const;
  readonly #ctx: SimContext;

  constructor(ctx: SimContext) {
    this.#ctx = ctx;
  }

  accepts(path: string): boolean {
    return path === "/bybit/v5/public/spot";
  }

  topicKey(topic: string): string | null {
    const m = TOPIC.exec(topic);
    const inst = m && byVenueSymbol(this.#ctx, "bybit", m[3]);
    if (!m || !inst) return null;
    return m[1] === "publicTrade" ? tradeKey(inst.symbol) : klineKey(inst.symbol, BYBIT_INTERVAL[m[2]]);
  }

  onOpen(): void {}

  onMessage(c: SimConnection, text: string): void {
    const msg = tryJson(text);
    const base = { conn_id: c.id };
    if (!isRecord(msg) || typeof msg.op !== "string") {
      return c.sendControl(JSON.stringify({ success: false, ret_msg: "error:invalid op", ...base, op: "" }));
    }
    const reqId = typeof msg.req_id === "string" ? { req_id: msg.req_id } : {};
    const reply = (success: boolean, ret_msg: string) =>
      c.sendControl(JSON.stringify({ success, ret_msg, ...base, ...reqId, op: msg.op }));
    if (msg.op === "ping") return reply(true, "pong");
    if (msg.op !== "subscribe" && msg.op !== "unsubscribe") {
      return reply(false, `error:unsupported op ${msg.op}`);
    }
    const args = msg.args;
    if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== "string")) {
      return reply(false, "error:args must be a non-empty array of topics");
    }
    if (args.length > BYBIT_MAX_ARGS) return reply(false, `args size >${BYBIT_MAX_ARGS}`);
    const keys = (args as string[]).map((a) => this.topicKey(a));
    const bad = (args as string[]).filter((_, i) => keys[i] === null);
    if (bad.length > 0) return reply(false, `Invalid topic :[${bad.join(",")}]`);
    keys.forEach((k, i) => msg.op === "subscribe" ? c.subs.set(k!, args[i]) : c.subs.delete(k!));
    reply(true, msg.op);
  }

  tradeFrame(c: SimConnection, key: string, t: SimTrade): DataFrame {
    const s = venueSymbol("bybit", t.inst);
    return dataFrame(c, "trade", key, t.inst.symbol, t.tradeId, (bad?: BadValue) => {
      const p = bad === "nan_price" ? "NaN" : formatTrimmed(t.priceTicks, t.inst.priceDecimals);
      const v = bad === "neg_size" ? "-1" : formatTrimmed(t.sizeLots, t.inst.sizeDecimals);
      const S = t.side === "buy" ? "Buy" : "Sell";
      return `{"topic":"publicTrade.${s}","ts":${
        t.timeMs + 1
      },"type":"snapshot","data":[{"i":"${t.tradeId}",` +
        `"T":${t.timeMs},"p":"${p}","v":"${v}","S":"${S}","seq":${t.crossSeq},"s":"${s}","BT":false,"RPI":false}]}`;
    });
  }

  klineFrame(c: SimConnection, key: string, b: SimBar, closed: boolean): DataFrame {
    return dataFrame(c, "kline", key, b.inst.symbol, undefined, () => {
      const ts = this.#ctx.simNow();
      const topic = `kline.${BYBIT_INTERVAL_NAME[b.interval]}.${venueSymbol("bybit", b.inst)}`;
      return JSON.stringify({
        topic,
        data: [{ ...bybitKline(b), confirm: closed, timestamp: ts }],
        ts,
        type: "snapshot",
      });
    });
  }

  cut(_c: SimConnection): string {
    return "planned disconnect";
  }
}

/** Kline fields shared by the WS frame (REST rows use the same values). */
export function bybitKline(b: SimBar): Record<string, string | number> {
  const pd = b.inst.priceDecimals;
  return {
    start: b.openMs,
    end: b.openMs + INTERVALS[b.interval] - 1,
    interval: BYBIT_INTERVAL_NAME[b.interval],
    open: formatTrimmed(b.o, pd),
    close: formatTrimmed(b.c, pd),
    high: formatTrimmed(b.h, pd),
    low: formatTrimmed(b.l, pd),
    volume: formatTrimmed(b.vLots, b.inst.sizeDecimals),
    turnover: formatTrimmed(b.quoteUnits, pd + b.inst.sizeDecimals),
  };
}
