// A real /metrics endpoint (loopback, free port) that serves every contract series of the feed and
// the AI exporter in the Prometheus text format, advancing on each scrape. Knobs let a test make the
// stack healthy or break one thing (latency, a stalled symbol, gaps, NaN, reconnects, stale events).
import { TRANSPORT_LATENCY_BUCKETS_MS } from "../lib/feed/buckets.ts";

export interface Knobs {
  /** Symbols whose 1m bar counter stops (e.g. "binance/BTC-USDT"). */
  stalled: Set<string>;
  /** Every trade observed at this transport latency. */
  latencyMs: number;
  gapsPerScrape: number;
  nanPerScrape: number;
  reconnectsPerScrape: number;
  /** Age of the newest AI event, seconds. */
  aiEventAgeS: number;
}

const VENUES = ["binance", "okx"];
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];
const AI_LAT_BUCKETS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

export interface ContractEndpoint {
  readonly target: string;
  readonly knobs: Knobs;
  readonly scrapes: () => number;
  close(): Promise<void>;
}

export function startContractEndpoint(now: () => number = Date.now): ContractEndpoint {
  const knobs: Knobs = {
    stalled: new Set(),
    latencyMs: 20,
    gapsPerScrape: 0,
    nanPerScrape: 0,
    reconnectsPerScrape: 0,
    aiEventAgeS: 1,
  };
  let n = 0;
  const bars = new Map<string, number>();
  let gaps = 0, nan = 0, reconnects = 0;
  const lat: number[] = TRANSPORT_LATENCY_BUCKETS_MS.map(() => 0);
  let latCount = 0, latSum = 0;
  const render = () => {
    n++;
    gaps += knobs.gapsPerScrape;
    nan += knobs.nanPerScrape;
    reconnects += knobs.reconnectsPerScrape;
    TRANSPORT_LATENCY_BUCKETS_MS.forEach((le, i) => lat[i] += knobs.latencyMs <= le ? 10 : 0);
    latCount += 10;
    latSum += 10 * knobs.latencyMs;
    const out: string[] = [];
    const nowS = now() / 1000;
    for (const v of VENUES) {
      out.push(`feed_connection_up{venue="${v}",connection="0"} 1`);
      out.push(`feed_last_message_timestamp_seconds{venue="${v}"} ${nowS}`);
      out.push(`feed_reconnects_total{venue="${v}"} ${reconnects}`);
      for (const s of SYMBOLS) {
        const key = `${v}/${s}`;
        if (!knobs.stalled.has(key)) bars.set(key, (bars.get(key) ?? 0) + 1);
        const l = `venue="${v}",symbol="${s}"`;
        out.push(`feed_bars_total{${l},interval="1m"} ${bars.get(key) ?? 0}`);
        out.push(`feed_bars_total{${l},interval="1h"} ${Math.floor(n / 60)}`);
        out.push(`feed_gaps_total{${l}} ${gaps}`, `feed_nan_records_total{${l}} ${nan}`);
        out.push(`feed_duplicates_total{${l}} ${n}`, `feed_late_trades_total{${l}} ${n}`);
        out.push(`feed_kline_mismatches_total{${l}} ${n}`);
        TRANSPORT_LATENCY_BUCKETS_MS.forEach((le, i) =>
          out.push(`feed_transport_latency_ms_bucket{${l},le="${le}"} ${lat[i]}`)
        );
        out.push(`feed_transport_latency_ms_bucket{${l},le="+Inf"} ${latCount}`);
        out.push(
          `feed_transport_latency_ms_sum{${l}} ${latSum}`,
          `feed_transport_latency_ms_count{${l}} ${latCount}`,
        );
        out.push(
          `feed_bar_close_lag_ms_bucket{${l},le="2500"} ${n}`,
          `feed_bar_close_lag_ms_bucket{${l},le="+Inf"} ${n}`,
        );
        out.push(`feature_compute_ms_bucket{feature="ema_12",symbol="${s}",le="0.1"} ${n}`);
        out.push(`feature_compute_ms_bucket{feature="ema_12",symbol="${s}",le="+Inf"} ${n}`);
      }
    }
    for (const s of SYMBOLS) out.push(`feed_divergence_bps{symbol="${s}",interval="1m"} 1.5`);
    const id = 'run_id="r1",component="shadow_strategy"';
    out.push(`peaktrade_ai_live_heartbeat{run_id="exp",component="ai_live_exporter"} 1`);
    out.push(`peaktrade_ai_decisions_total{${id}} ${n * 3}`, `peaktrade_ai_actions_total{${id}} ${n}`);
    out.push(`peaktrade_ai_last_event_timestamp_seconds{source="shadow"} ${nowS - knobs.aiEventAgeS}`);
    out.push(`peaktrade_ai_last_event_timestamp_seconds_by_run_id{run_id="r1"} ${nowS - knobs.aiEventAgeS}`);
    out.push("peaktrade_ai_events_parse_errors_total 0");
    out.push(`peaktrade_ai_events_dropped_total{reason="invalid"} 0`);
    AI_LAT_BUCKETS.forEach((le) =>
      out.push(`peaktrade_ai_decision_latency_ms_bucket{le="${le}"} ${le >= 25 ? n : 0}`)
    );
    out.push(`peaktrade_ai_decision_latency_ms_bucket{le="+Inf"} ${n}`);
    out.push(`peaktrade_ai_decision_latency_ms_sum ${n * 20}`, `peaktrade_ai_decision_latency_ms_count ${n}`);
    return out.join("\n") + "\n";
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== "/metrics") return new Response("not found\n", { status: 404 });
    return new Response(render(), { headers: { "content-type": "text/plain; version=0.0.4" } });
  });
  return {
    target: `127.0.0.1:${server.addr.port}`,
    knobs,
    scrapes: () => n,
    close: () => server.shutdown(),
  };
}
