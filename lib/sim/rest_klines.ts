// REST klines of the four venues, served from the simulator's ground-truth bars (closed bars only,
// trades lost to chaos included), in each venue's row shape, order and error style.
import type { Interval, Venue } from "../market/types.ts";
import type { SimBar } from "./bars.ts";
import { bybitKline } from "./bybit_ws.ts";
import { formatPadded, formatScaled, type Instrument, krakenRestPair, venueSymbol } from "./instruments.ts";
import { vwap } from "./kraken_ws.ts";
import { okxCandle } from "./okx_ws.ts";
import type { SimContext } from "./protocol.ts";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** Optional integer query parameter; NaN when present but not an integer. */
function intParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  return Number.isInteger(n) ? n : NaN;
}

function closedBars(
  ctx: SimContext,
  venue: Venue,
  inst: Instrument,
  i: Interval,
) {
  return ctx.bars.closed(venue, inst.symbol, i);
}

/** Rows inside [from, to] (open times), `limit` of them from the start or from the end. */
function pick(
  bars: readonly SimBar[],
  from: number,
  to: number,
  limit: number,
  fromStart: boolean,
): SimBar[] {
  const inRange = bars.filter((b) => b.openMs >= from && b.openMs <= to);
  return fromStart ? inRange.slice(0, limit) : inRange.slice(Math.max(0, inRange.length - limit));
}

const BINANCE_INTERVAL: Readonly<Record<string, Interval>> = { "1m": "1m", "1h": "1h" };

export function binanceKlines(ctx: SimContext, q: URLSearchParams): Response {
  const raw = q.get("symbol") ?? "";
  if (!raw) {
    return json(400, {
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
  }
  const inst = ctx.instruments.find((i) => venueSymbol("binance", i) === raw);
  if (!inst) return json(400, { code: -1121, msg: "Invalid symbol." });
  const interval = BINANCE_INTERVAL[q.get("interval") ?? ""];
  if (!interval) return json(400, { code: -1120, msg: "Invalid interval." });
  const start = intParam(q, "startTime");
  const end = intParam(q, "endTime");
  const limit = intParam(q, "limit") ?? 500;
  if ([start, end, limit].some((v) => Number.isNaN(v)) || limit < 1 || limit > 1000) {
    return json(400, { code: -1100, msg: "Illegal characters found in a parameter." });
  }
  const bars = pick(
    closedBars(ctx, "binance", inst, interval),
    start ?? 0,
    end ?? Infinity,
    limit,
    start !== undefined,
  );
  const pd = inst.priceDecimals;
  const sd = inst.sizeDecimals;
  return json(
    200,
    bars.map((b) => [
      b.openMs,
      formatPadded(b.o, pd, 8),
      formatPadded(b.h, pd, 8),
      formatPadded(b.l, pd, 8),
      formatPadded(b.c, pd, 8),
      formatPadded(b.vLots, sd, 8),
      b.openMs + (interval === "1m" ? 60_000 : 3_600_000) - 1,
      formatPadded(b.quoteUnits, pd + sd, 8),
      b.n,
      formatPadded(b.takerBuyLots, sd, 8),
      formatPadded(b.takerBuyQuoteUnits, pd + sd, 8),
      "0",
    ]),
  );
}

const BYBIT_INTERVAL: Readonly<Record<string, Interval>> = { "1": "1m", "60": "1h" };

export function bybitKlines(ctx: SimContext, q: URLSearchParams): Response {
  const time = ctx.simNow();
  const fail = (retMsg: string) => json(200, { retCode: 10001, retMsg, result: {}, retExtInfo: {}, time });
  if (q.get("category") !== "spot") return fail("Illegal category");
  const raw = q.get("symbol") ?? "";
  const inst = ctx.instruments.find((i) => venueSymbol("bybit", i) === raw);
  if (!inst) return fail("Not supported symbols");
  const interval = BYBIT_INTERVAL[q.get("interval") ?? ""];
  if (!interval) return fail("Invalid period!");
  const start = intParam(q, "start");
  const end = intParam(q, "end");
  const limit = intParam(q, "limit") ?? 200;
  if ([start, end, limit].some((v) => Number.isNaN(v)) || limit < 1 || limit > 1000) {
    return fail("params error");
  }
  const bars = pick(closedBars(ctx, "bybit", inst, interval), start ?? 0, end ?? Infinity, limit, false);
  const list = bars.reverse().map((b) => {
    const k = bybitKline(b);
    return [String(k.start), k.open, k.high, k.low, k.close, k.volume, k.turnover];
  });
  return json(200, {
    retCode: 0,
    retMsg: "OK",
    result: { category: "spot", symbol: raw, list },
    retExtInfo: {},
    time,
  });
}

const OKX_INTERVAL: Readonly<Record<string, Interval>> = { "1m": "1m", "1H": "1h" };

export function okxCandles(ctx: SimContext, q: URLSearchParams): Response {
  const raw = q.get("instId") ?? "";
  const inst = ctx.instruments.find((i) => venueSymbol("okx", i) === raw);
  if (!inst) return json(200, { code: "51001", msg: "Instrument ID does not exist.", data: [] });
  const interval = OKX_INTERVAL[q.get("bar") ?? "1m"];
  if (!interval) return json(200, { code: "51000", msg: "Parameter bar error", data: [] });
  const after = intParam(q, "after");
  const before = intParam(q, "before");
  const limit = intParam(q, "limit") ?? 100;
  if ([after, before, limit].some((v) => Number.isNaN(v)) || limit < 1 || limit > 300) {
    return json(200, { code: "51000", msg: "Parameter limit error", data: [] });
  }
  // `after`: rows older than the timestamp; `before`: rows newer than it (both exclusive).
  const from = before === undefined ? 0 : before + 1;
  const to = after === undefined ? Infinity : after - 1;
  const bars = pick(closedBars(ctx, "okx", inst, interval), from, to, limit, false);
  return json(200, { code: "0", msg: "", data: bars.reverse().map((b) => okxCandle(b, true)) });
}

/** Kraken answers at most the newest 720 committed bars, whatever `since` says. */
export const KRAKEN_MAX_BARS = 720;

export function krakenOhlcRest(ctx: SimContext, q: URLSearchParams): Response {
  const raw = (q.get("pair") ?? "").toUpperCase();
  const inst = ctx.instruments.find((i) =>
    [krakenRestPair(i), venueSymbol("kraken", i), `${i.base}${i.quote}`].includes(raw) ||
    raw === `XBT/${i.quote}` && i.base === "BTC"
  );
  if (!inst) return json(200, { error: ["EQuery:Unknown asset pair"] });
  const minutes = intParam(q, "interval") ?? 1;
  const interval: Interval | undefined = minutes === 1 ? "1m" : minutes === 60 ? "1h" : undefined;
  const since = intParam(q, "since");
  if (!interval || Number.isNaN(since)) return json(200, { error: ["EGeneral:Invalid arguments"] });
  const all = closedBars(ctx, "kraken", inst, interval);
  const window = all.slice(Math.max(0, all.length - KRAKEN_MAX_BARS));
  const rows = window.filter((b) => since === undefined || b.openMs / 1000 > since).map((b) => {
    const pd = inst.priceDecimals;
    return [
      b.openMs / 1000,
      formatScaled(b.o, pd),
      formatScaled(b.h, pd),
      formatScaled(b.l, pd),
      formatScaled(b.c, pd),
      vwap(b).toFixed(pd + 4),
      formatPadded(b.vLots, inst.sizeDecimals, 8),
      b.n,
    ];
  });
  const last = window.length > 0 ? window[window.length - 1].openMs / 1000 : 0;
  return json(200, { error: [], result: { [krakenRestPair(inst)]: rows, last } });
}
