// A small real feed-like server for tests and demos: Deno.serve on a free port with /api/bars (generated
// closed bars, oldest first, like the live feed) and /metrics (feed_* and peaktrade_ai_* series set
// through prom-client), so a real Prometheus can scrape it.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { type Interval, INTERVALS, type Venue, VENUES } from "../market/types.ts";
import { sampleBars } from "./sample_bars.ts";

export interface FeedLikeServer {
  readonly url: string;
  readonly hostPort: string;
  readonly registry: Registry;
  /** Closing price of the newest bar served for (venue, symbol, interval). */
  lastClose(venue: Venue, symbol: string, interval: Interval): number;
  stop(): Promise<void>;
}

const BASE: Readonly<Record<string, number>> = { "BTC-USDT": 64_000, "ETH-USDT": 3_200 };

export function startFeedLikeServer(opts: { nowMs: number; bars?: number }): FeedLikeServer {
  const count = opts.bars ?? 120;
  const barsFor = (venue: Venue, symbol: string, interval: Interval) =>
    sampleBars({
      venue,
      symbol,
      interval,
      count,
      // The newest bar closed at or before nowMs.
      firstOpenTimeMs: Math.floor(opts.nowMs / INTERVALS[interval]) * INTERVALS[interval] -
        count * INTERVALS[interval],
      basePrice: (BASE[symbol] ?? 100) * (1 + VENUES.indexOf(venue) * 0.0005),
    });
  const registry = new Registry();
  const bars = new Counter({
    name: "feed_bars_total",
    help: "bars closed",
    labelNames: ["venue", "symbol", "interval"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "feed_transport_latency_ms",
    help: "venue to receive latency",
    labelNames: ["venue", "symbol"],
    buckets: [5, 10, 25, 50, 100],
    registers: [registry],
  });
  const reconnects = new Counter({
    name: "feed_reconnects_total",
    help: "reconnects",
    labelNames: ["venue"],
    registers: [registry],
  });
  const divergence = new Gauge({
    name: "feed_kline_divergence_bps",
    help: "trade-built vs venue kline close",
    labelNames: ["venue", "symbol"],
    registers: [registry],
  });
  const decisions = new Counter({
    name: "peaktrade_ai_decisions_total",
    help: "decisions",
    labelNames: ["run_id"],
    registers: [registry],
  });
  bars.inc({ venue: "binance", symbol: "BTC-USDT", interval: "1m" }, 42);
  for (const v of [3, 7, 12, 30]) latency.observe({ venue: "binance", symbol: "BTC-USDT" }, v);
  reconnects.inc({ venue: "binance" }, 2);
  divergence.set({ venue: "binance", symbol: "BTC-USDT" }, 3.5);
  decisions.inc({ run_id: "run-1" }, 12);

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const u = new URL(req.url);
    if (u.pathname === "/metrics") {
      return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
    }
    if (u.pathname === "/api/bars") {
      const venue = u.searchParams.get("venue") as Venue;
      const symbol = u.searchParams.get("symbol") ?? "";
      const interval = (u.searchParams.get("interval") ?? "1m") as Interval;
      if (!VENUES.includes(venue) || !(symbol in BASE) || !(interval in INTERVALS)) {
        return Response.json({ error: "unknown venue, symbol or interval" }, { status: 404 });
      }
      const limit = Number(u.searchParams.get("limit") ?? "500");
      return Response.json(barsFor(venue, symbol, interval).slice(-limit));
    }
    return new Response("not found\n", { status: 404 });
  });
  const hostPort = `127.0.0.1:${server.addr.port}`;
  return {
    url: `http://${hostPort}`,
    hostPort,
    registry,
    lastClose: (venue, symbol, interval) => barsFor(venue, symbol, interval).at(-1)!.c,
    stop: () => server.shutdown(),
  };
}
