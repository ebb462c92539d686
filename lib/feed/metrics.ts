// The feed's /metrics on an owned prom-client Registry. Counters and gauges are point-in-time values
// read at scrape time (collect()) from the pipeline's DqBook, the connections' stats and the feed's
// own counters (link and clock metrics in connection_metrics.ts, clock_metrics.ts); the three
// histograms are observed as things happen. Names are public API.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Interval, SymbolName, Venue } from "../market/types.ts";
import type { DqRow } from "../dq/dq_book.ts";
import { FEATURE_KEYS, type FeatureKey } from "../features/feature_set.ts";
import {
  BAR_CLOSE_LAG_BUCKETS_MS,
  FEATURE_COMPUTE_BUCKETS_MS,
  TRANSPORT_LATENCY_BUCKETS_MS,
} from "./buckets.ts";
import { registerClockMetrics } from "./clock_metrics.ts";
import { registerFrameMetrics, registerLinkCounters } from "./connection_metrics.ts";
import type { FeedState } from "./feed_state.ts";
import { HotSeriesByPair } from "./hot_histogram.ts";

export interface FeedScope {
  readonly venues: readonly Venue[];
  readonly symbols: readonly SymbolName[];
  readonly intervals: readonly Interval[];
}

export interface FeedMetrics {
  readonly registry: Registry;
  latency(venue: Venue, symbol: SymbolName, ms: number): void;
  closeLag(venue: Venue, symbol: SymbolName, ms: number): void;
  featureMs(feature: FeatureKey, symbol: SymbolName, ms: number): void;
}

export function createFeedMetrics(scope: FeedScope, state: () => FeedState): FeedMetrics {
  const registry = new Registry();
  const vs = scope.venues.flatMap((venue) => scope.symbols.map((symbol) => ({ venue, symbol })));
  const sumBy = (rows: readonly DqRow[], venue: Venue, symbol: SymbolName, pick: (r: DqRow) => number) =>
    rows.filter((r) => r.venue === venue && r.symbol === symbol).reduce((n, r) => n + pick(r), 0);
  const finest = scope.intervals[0];

  /** A counter per venue+symbol read from the state; configured pairs always present. */
  const perSymbol = (
    name: string,
    help: string,
    read: (s: FeedState, venue: Venue, symbol: SymbolName) => number,
  ) =>
    new Counter({
      name,
      help,
      labelNames: ["venue", "symbol"] as const,
      registers: [registry],
      collect() {
        const s = state();
        this.reset();
        const seen = new Set(vs.map((p) => `${p.venue}|${p.symbol}`));
        for (const r of s.dq) if (r.symbol !== "*") seen.add(`${r.venue}|${r.symbol}`);
        for (const key of seen) {
          const [venue, symbol] = key.split("|") as [Venue, SymbolName];
          this.inc({ venue, symbol }, read(s, venue, symbol));
        }
      },
    });
  const dqSym = (f: "duplicates" | "late_trades") => (s: FeedState, v: Venue, sym: SymbolName) =>
    sumBy(s.dq, v, sym, (r) => r.counters[f]);
  const dqIv =
    (f: "gap_bars" | "kline_mismatches" | "backfilled_bars" | "abandoned_gaps", only?: Interval) =>
    (s: FeedState, v: Venue, sym: SymbolName) =>
      sumBy(
        s.dq,
        v,
        sym,
        (r) =>
          Object.entries(r.intervals).reduce(
            (n, [iv, c]) => (only && iv !== only ? n : n + (c?.[f] ?? 0)),
            0,
          ),
      );
  const m = (map: ReadonlyMap<string, number>, k: string) => map.get(k) ?? 0;

  // Observed per trade: kept allocation-free in `lat`, copied into prom-client at scrape time.
  const lat = new HotSeriesByPair(["venue", "symbol"], TRANSPORT_LATENCY_BUCKETS_MS);
  const latency = new Histogram({
    name: "feed_transport_latency_ms",
    help:
      "Receive time minus venue event time per live trade, wall ms at any clock speed (replayed trades excluded).",
    labelNames: ["venue", "symbol"] as const,
    buckets: [...TRANSPORT_LATENCY_BUCKETS_MS],
    registers: [registry],
    collect() {
      lat.copyInto(this);
    },
  });
  const lag = new Histogram({
    name: "feed_bar_close_lag_ms",
    help:
      "Close emitted minus bar end, wall ms at any clock speed (bars built live; backfilled bars excluded).",
    labelNames: ["venue", "symbol"] as const,
    buckets: [...BAR_CLOSE_LAG_BUCKETS_MS],
    registers: [registry],
  });
  const feature = new Histogram({
    name: "feature_compute_ms",
    help: "Time to update one feature with one closed bar, ms.",
    labelNames: ["feature", "symbol"] as const,
    buckets: [...FEATURE_COMPUTE_BUCKETS_MS],
    registers: [registry],
  });
  for (const { venue, symbol } of vs) {
    latency.zero(lat.get(venue, symbol).labels);
    lag.zero({ venue, symbol });
  }
  for (const symbol of scope.symbols) for (const f of FEATURE_KEYS) feature.zero({ feature: f, symbol });

  /** A counter per venue+symbol+interval read from a `venue|symbol|interval` map; configured streams always present. */
  const perStream = (name: string, help: string, read: (s: FeedState) => ReadonlyMap<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: ["venue", "symbol", "interval"] as const,
      registers: [registry],
      collect() {
        const s = state();
        this.reset();
        for (const { venue, symbol } of vs) {
          for (const interval of scope.intervals) this.inc({ venue, symbol, interval }, 0);
        }
        for (const [k, n] of read(s)) {
          const [venue, symbol, interval] = k.split("|");
          this.inc({ venue, symbol, interval }, n);
        }
      },
    });
  perStream("feed_bars_total", "Closed bars stored (durable) and published.", (s) => s.barsStored);
  perStream(
    "feed_gaps_beyond_lookback_total",
    "Bars missing from the store at start that are older than BACKFILL_MAX_LOOKBACK (not recovered).",
    (s) => s.beyondLookback,
  );
  registerLinkCounters(registry, scope.venues, state);
  perSymbol(
    "feed_gaps_total",
    `Intervals that could not be built from trades (feed down), ${finest} bars.`,
    dqIv("gap_bars", finest),
  );
  perSymbol(
    "feed_nan_records_total",
    "Frames dropped for NaN, Infinity or out-of-range values (invalid_value).",
    (s, v, sym) => m(s.invalidValues, `${v}|${sym}`),
  );
  perSymbol(
    "feed_duplicates_total",
    "Live trades dropped as duplicates (replayed snapshot trades excluded).",
    (s, v, sym) => dqSym("duplicates")(s, v, sym) - m(s.snapshotDuplicates, `${v}|${sym}`),
  );
  perSymbol(
    "feed_late_trades_total",
    "Trades that arrived after their bar had closed.",
    dqSym("late_trades"),
  );
  perSymbol(
    "feed_kline_mismatches_total",
    "Bars that differ from the venue's own closed kline.",
    dqIv("kline_mismatches"),
  );
  perSymbol(
    "feed_backfilled_bars_total",
    "Gap bars filled from the venue's REST klines.",
    dqIv("backfilled_bars"),
  );
  perSymbol("feed_abandoned_gaps_total", "Gaps given up without a backfill.", dqIv("abandoned_gaps"));
  perSymbol(
    "feed_repaired_bars_total",
    "Bars corrected from REST klines after a possible trade loss.",
    (s, v, sym) => m(s.repaired, `${v}|${sym}`),
  );
  perSymbol("feed_trades_total", "Trades accepted into bars.", (s, v, sym) => m(s.trades, `${v}|${sym}`));

  registerFrameMetrics(registry, scope.venues, state);
  new Gauge({
    name: "feed_divergence_bps",
    help: "Largest disagreement between venues' latest closes, basis points (only with two or more venues).",
    labelNames: ["symbol", "interval"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const r of state().divergence) {
        if (r.bps !== null) this.set({ symbol: r.symbol, interval: r.interval }, r.bps);
      }
    },
  });
  new Gauge({
    name: "feed_commit_backlog",
    help: "Closed bars waiting to be stored.",
    registers: [registry],
    collect() {
      this.set(state().commitBacklog);
    },
  });
  registerClockMetrics(registry, () => state().clock);
  new Counter({
    name: "feed_store_errors_total",
    help: "Closed bars that could not be stored (not published).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(state().storeErrors);
    },
  });

  return {
    registry,
    latency: (venue, symbol, ms) => lat.get(venue, symbol).observe(ms),
    closeLag: (venue, symbol, ms) => lag.observe({ venue, symbol }, ms),
    featureMs: (f, symbol, ms) => feature.observe({ feature: f, symbol }, ms),
  };
}
