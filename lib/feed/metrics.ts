// The feed's /metrics on an owned prom-client Registry. Counters and gauges are point-in-time values
// read at scrape time (collect()) from the pipeline's DqBook, the connections' stats and the feed's
// own counters; the three histograms are observed as things happen. Names are public API.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Interval, SymbolName, Venue } from "../market/types.ts";
import type { DqRow } from "../dq/dq_book.ts";
import type { DivergenceRow } from "../dq/divergence.ts";
import type { ConnectionStats } from "../venues/connection_events.ts";
import { FEATURE_KEYS, type FeatureKey } from "../features/feature_set.ts";
import {
  BAR_CLOSE_LAG_BUCKETS_MS,
  FEATURE_COMPUTE_BUCKETS_MS,
  TRANSPORT_LATENCY_BUCKETS_MS,
} from "./buckets.ts";
import { HotSeriesByPair } from "./hot_histogram.ts";

export interface ConnView {
  readonly venue: Venue;
  readonly name: string;
  readonly up: boolean;
  readonly stats: ConnectionStats;
}

/** Everything the scrape reads; plain data built by the service on demand. */
export interface FeedState {
  readonly dq: readonly DqRow[];
  readonly divergence: readonly DivergenceRow[];
  readonly connections: readonly ConnView[];
  /** venue -> wall ms of the last frame (any kind). */
  readonly lastMessageWallMs: Readonly<Partial<Record<Venue, number>>>;
  readonly stalls: Readonly<Partial<Record<Venue, number>>>;
  /** venue|symbol -> counts the DqBook does not hold. */
  readonly trades: ReadonlyMap<string, number>;
  readonly invalidValues: ReadonlyMap<string, number>;
  readonly snapshotDuplicates: ReadonlyMap<string, number>;
  readonly repaired: ReadonlyMap<string, number>;
  /** venue|symbol|interval -> bars stored (durable). */
  readonly barsStored: ReadonlyMap<string, number>;
  readonly storeErrors: number;
  readonly commitBacklog: number;
  /** venue|symbol|interval -> bars missing beyond BACKFILL_MAX_LOOKBACK (not recovered). */
  readonly beyondLookback: ReadonlyMap<string, number>;
  /** Following the venue's clock (all zero on the wall clock). */
  readonly clock?: ClockCounts;
}

export interface ClockCounts {
  readonly jumps: { readonly backward: number; readonly forward: number };
  readonly syncFailures: number;
  readonly discardedBars: number;
  readonly deletedBars: number;
  /** False while bars wait for a sync (a venue reconnected, or the last sync failed). */
  readonly trusted: boolean;
}

export interface FeedScope {
  readonly venues: readonly Venue[];
  readonly symbols: readonly SymbolName[];
  readonly intervals: readonly Interval[];
}

const FRAME_KINDS = ["data", "ack", "heartbeat", "pong", "status", "error", "shutdown", "dropped"] as const;
const COMMON_DROPS = [
  "malformed_json",
  "unexpected_shape",
  "invalid_value",
  "unknown_channel",
  "unknown_symbol",
];

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
  const perVenue = (name: string, help: string, read: (s: FeedState, v: Venue) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["venue"] as const,
      registers: [registry],
      collect() {
        const s = state();
        this.reset();
        for (const venue of scope.venues) this.inc({ venue }, read(s, venue));
      },
    });
  const conns = (s: FeedState, v: Venue) => s.connections.filter((c) => c.venue === v);
  perVenue(
    "feed_reconnects_total",
    "Open connections lost and reconnected, once per outage (drops, stale links, planned cuts).",
    (s, v) => conns(s, v).reduce((n, c) => n + c.stats.reconnects, 0),
  );
  perVenue(
    "feed_connect_failures_total",
    "Connect attempts that never opened (refused, timed out); an outage retries many times.",
    (s, v) => conns(s, v).reduce((n, c) => n + c.stats.failedConnects, 0),
  );
  perVenue(
    "feed_stalls_total",
    "Connections closed because nothing arrived for STALE_TIMEOUT_MS.",
    (s, v) => s.stalls[v] ?? 0,
  );
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

  new Counter({
    name: "feed_frames_total",
    help: "Frames received, by classification (frames in = handled + dropped).",
    labelNames: ["venue", "kind"] as const,
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      for (const venue of scope.venues) {
        for (const kind of FRAME_KINDS) {
          this.inc({ venue, kind }, conns(s, venue).reduce((n, c) => n + c.stats.byKind[kind], 0));
        }
      }
    },
  });
  new Counter({
    name: "feed_frames_dropped_total",
    help: "Frames dropped, by reason.",
    labelNames: ["venue", "reason"] as const,
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      for (const venue of scope.venues) {
        const by: Record<string, number> = Object.fromEntries(COMMON_DROPS.map((r) => [r, 0]));
        for (const c of conns(s, venue)) {
          for (const [r, n] of Object.entries(c.stats.droppedByReason)) by[r] = (by[r] ?? 0) + n;
        }
        for (const [reason, n] of Object.entries(by)) this.inc({ venue, reason }, n);
      }
    },
  });
  new Gauge({
    name: "feed_connection_up",
    help: "1 while the connection is open, else 0.",
    labelNames: ["venue", "connection"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of state().connections) this.set({ venue: c.venue, connection: c.name }, c.up ? 1 : 0);
    },
  });
  new Gauge({
    name: "feed_last_message_timestamp_seconds",
    help: "Wall-clock time of the last frame from the venue (0 before the first).",
    labelNames: ["venue"] as const,
    registers: [registry],
    collect() {
      const s = state();
      this.reset();
      for (const venue of scope.venues) this.set({ venue }, (s.lastMessageWallMs[venue] ?? 0) / 1000);
    },
  });
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

/** The venue clock the feed follows: jumps (a restarted simulator), failed syncs, bars let go. */
function registerClockMetrics(registry: Registry, read: () => ClockCounts | undefined): void {
  new Counter({
    name: "feed_clock_jumps_total",
    help: "Venue clock changes beyond the drift bound (a restarted simulator): a new timeline starts.",
    labelNames: ["direction"] as const,
    registers: [registry],
    collect() {
      const c = read();
      this.reset();
      for (const d of ["backward", "forward"] as const) this.inc({ direction: d }, c?.jumps[d] ?? 0);
    },
  });
  const plain = (name: string, help: string, pick: (c: ClockCounts) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const c = read();
        this.reset();
        this.inc(c ? pick(c) : 0);
      },
    });
  plain("feed_clock_sync_failures_total", "Reads of the venue clock that failed.", (c) => c.syncFailures);
  plain(
    "feed_clock_discarded_bars_total",
    "Bars closed on a clock the venue then contradicted (a jump): never stored.",
    (c) => c.discardedBars,
  );
  plain(
    "feed_clock_deleted_bars_total",
    "Stored bars deleted after a backward jump (they lay ahead of the venue's new clock).",
    (c) => c.deletedBars,
  );
  new Gauge({
    name: "feed_clock_trusted",
    help: "1 while the venue clock is trusted, 0 while bars wait for a sync.",
    registers: [registry],
    collect() {
      this.set(read()?.trusted === false ? 0 : 1);
    },
  });
}
