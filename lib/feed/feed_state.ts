// The one projection of the feed's internal state: the plain numbers /metrics reads at scrape time
// (FeedState), the SSE heartbeat's FeedHealth, the /health JSON and the status line's counts. Read-only over the service's
// parts (FeedParts), so tests build the parts as plain data.
import type { DqBook, DqRow } from "../dq/dq_book.ts";
import type { DivergenceGauge, DivergenceRow } from "../dq/divergence.ts";
import type { Venue } from "../market/types.ts";
import type { ConnectionStats } from "../venues/connection_events.ts";
import type { Backfiller } from "./backfill.ts";
import type { FeedHealth } from "./bar_stream.ts";
import type { FeedClock, FollowedClock } from "./clock.ts";
import type { ClockFollow } from "./clock_follow.ts";
import type { BarCommitter } from "./commit.ts";
import type { FeedConfig, FeedSettings } from "./config.ts";
import type { FeedConnection } from "./connections.ts";
import type { FeedIngest } from "./ingest.ts";
import type { RestKlineClient } from "./rest_fetch.ts";
import type { StatusNumbers } from "./status_line.ts";

export interface ConnView {
  readonly venue: Venue;
  readonly name: string;
  readonly up: boolean;
  readonly stats: ConnectionStats;
}

/** Everything the scrape reads; plain data built on demand. */
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

/** The parts of a running feed the projection reads (FeedService has them all). */
export interface FeedParts {
  readonly settings: Pick<FeedSettings, "VENUES_ENABLED" | "SYMBOLS" | "STALE_TIMEOUT_MS">;
  readonly clock: FeedClock;
  readonly connections: readonly FeedConnection[];
  readonly ingest: Pick<FeedIngest, "streams" | "counters">;
  readonly pipeline: {
    readonly dq: Pick<DqBook, "snapshot" | "totalInterval">;
    readonly divergence: Pick<DivergenceGauge, "snapshot">;
    pendingGaps(): readonly unknown[];
  };
  readonly committer: Pick<
    BarCommitter,
    "repairedBy" | "storedBy" | "storeErrors" | "backlog" | "stored" | "repaired"
  >;
  readonly backfill: Pick<Backfiller, "filled" | "abandoned" | "failedRounds">;
  readonly rest: Pick<RestKlineClient, "rateLimited">;
  readonly follow: Pick<ClockFollow, "discardedBars" | "deletedBars" | "trusted">;
  readonly stalls: Readonly<Partial<Record<Venue, number>>>;
  readonly beyondLookback: ReadonlyMap<string, number>;
  readonly feedNow: () => number;
  readonly wallNow: () => number;
}

/** Plain numbers for /metrics, read at scrape time. */
export function metricsState(p: FeedParts): FeedState {
  const key = (v: string, s: string) => `${v}|${s}`;
  const trades = new Map<string, number>();
  const invalidValues = new Map<string, number>();
  const snapshotDuplicates = new Map<string, number>();
  for (const [v, m] of p.ingest.streams) {
    for (const [s, c] of m) {
      trades.set(key(v, s), c.trades);
      invalidValues.set(key(v, s), c.invalidValues);
      snapshotDuplicates.set(key(v, s), c.snapshotDuplicates);
    }
  }
  const lastMessageWallMs: Partial<Record<Venue, number>> = {};
  for (const c of p.connections) {
    lastMessageWallMs[c.venue] = Math.max(lastMessageWallMs[c.venue] ?? 0, c.lastFrameWallMs);
  }
  return {
    dq: p.pipeline.dq.snapshot(),
    divergence: p.pipeline.divergence.snapshot(),
    connections: p.connections,
    lastMessageWallMs,
    stalls: p.stalls,
    trades,
    invalidValues,
    snapshotDuplicates,
    repaired: p.committer.repairedBy,
    barsStored: p.committer.storedBy,
    storeErrors: p.committer.storeErrors,
    commitBacklog: p.committer.backlog,
    beyondLookback: p.beyondLookback,
    clock: clockCounts(p),
  };
}

function clockCounts(p: FeedParts): ClockCounts {
  const c = p.clock as Partial<FollowedClock>;
  return {
    jumps: c.jumps ?? { backward: 0, forward: 0 },
    syncFailures: c.syncFailures ?? 0,
    discardedBars: p.follow.discardedBars,
    deletedBars: p.follow.deletedBars,
    trusted: p.follow.trusted,
  };
}

/** What the SSE heartbeat says: every trade connection up and no symbol silent too long. */
export function feedHealth(p: FeedParts): FeedHealth {
  const s = p.settings;
  const now = p.feedNow();
  const limit = s.STALE_TIMEOUT_MS * p.clock.speed;
  const stale: string[] = [];
  for (const venue of s.VENUES_ENABLED) {
    for (const symbol of s.SYMBOLS) {
      const last = p.ingest.counters(venue, symbol).lastReceivedMs;
      if (Number.isFinite(last) && now - last > limit) stale.push(`${venue}/${symbol}`);
    }
  }
  const down = p.connections.some((c) => c.trades && !c.up);
  // A clock in doubt holds every bar: degraded until a sync clears it.
  const feedOk = !down && stale.length === 0 && p.follow.trusted;
  return { feedOk, nowMs: now, stale, speed: p.clock.speed };
}

/** Gaps given up (expired or unserved) plus bars beyond the lookback, every interval. */
export function notRecovered(p: Pick<FeedParts, "pipeline" | "beyondLookback">): number {
  let n = p.pipeline.dq.totalInterval("abandoned_gaps");
  for (const v of p.beyondLookback.values()) n += v;
  return n;
}

/** The status line's numbers; its p99 latency comes from the latency histogram. */
export function statusCounts(p: FeedParts, p99LatencyMs: number | null): StatusNumbers {
  return {
    barsStored: p.committer.stored,
    reconnects: p.connections.reduce((n, c) => n + c.stats.reconnects, 0),
    gaps: p.pipeline.dq.totalInterval("gap_bars"),
    backfilled: p.backfill.filled,
    notRecovered: notRecovered(p),
    p99LatencyMs,
  };
}

/** Where the feed runs: the /health fields the parts do not hold. */
export interface HealthContext {
  readonly config: Pick<FeedConfig, "source"> & { readonly settings: Pick<FeedSettings, "FEED_PROFILE"> };
  /**
   * The store: its kind, where it is (the DuckDB file, or the PostgreSQL URL without its password) and
   * its schema version, read once it was opened (and migrated): `./tp version --data` asks for it here
   * while this feed's lock keeps every other process out of a DuckDB file.
   */
  readonly store: {
    readonly kind: "duckdb" | "postgres";
    readonly where: string;
    readonly schemaVersion: number | null;
  };
  readonly recorder: { readonly path: string; readonly lines: number } | null;
}

/** The /health JSON. */
export function healthJson(p: FeedParts, ctx: HealthContext): Record<string, unknown> {
  const wall = p.wallNow();
  const fh = feedHealth(p);
  return {
    status: fh.feedOk ? "ok" : "degraded",
    profile: ctx.config.settings.FEED_PROFILE,
    config: ctx.config.source,
    // trusted false: bars wait for a clock sync; jumps: the simulator was restarted on another clock.
    clock: { kind: p.clock.kind, speed: p.clock.speed, nowMs: p.feedNow(), ...clockCounts(p) },
    connections: p.connections.map((c) => ({
      venue: c.venue,
      connection: c.name,
      url: c.url,
      up: c.up,
      lastMessageAgeS: c.lastFrameWallMs > 0 ? (wall - c.lastFrameWallMs) / 1000 : null,
      reconnects: c.stats.reconnects,
      failedConnects: c.stats.failedConnects,
    })),
    stale: fh.stale,
    store: {
      kind: ctx.store.kind,
      path: ctx.store.where,
      schemaVersion: ctx.store.schemaVersion,
      barsStored: p.committer.stored,
      backlog: p.committer.backlog,
    },
    gaps: {
      pending: p.pipeline.pendingGaps().length,
      backfilled: p.backfill.filled,
      abandoned: p.backfill.abandoned,
      // Missing bars this run will not recover: given up, or older than BACKFILL_MAX_LOOKBACK.
      beyondLookback: Object.fromEntries(p.beyondLookback),
      notRecovered: notRecovered(p),
      restFailures: p.backfill.failedRounds,
      restRateLimited: p.rest.rateLimited,
    },
    repairedBars: p.committer.repaired,
    recording: ctx.recorder ? { path: ctx.recorder.path, lines: ctx.recorder.lines } : null,
  };
}
