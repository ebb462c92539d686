// The LiveFeed wiring: venue connections -> FeedIngest -> BarPipeline -> commit path (REST check,
// features, DuckDB upsert) -> SSE hub, with gap backfill and the state /metrics and /health read.
// Effects (clock, store, hub, fetch, recorder) are passed in; main owns the process.
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Logger } from "../log.ts";
import { type Interval, INTERVALS, type MarketEvent, type ReleasedBar, type Venue } from "../market/types.ts";
import { ADAPTERS } from "../venues/registry.ts";
import type { ConnectionEvent } from "../venues/connection.ts";
import { Backfiller } from "./backfill.ts";
import type { BarStreamHub, FeedHealth } from "./bar_stream.ts";
import type { FeedClock, FollowedClock } from "./clock.ts";
import { ClockFollow } from "./clock_follow.ts";
import { BarCommitter, type BarSink } from "./commit.ts";
import type { FeedConfig } from "./config.ts";
import { type FeedConnection, startConnections } from "./connections.ts";
import { FeedIngest } from "./ingest.ts";
import { createFeedMetrics, type FeedMetrics, type FeedState } from "./metrics.ts";
import type { Recorder } from "./recorder.ts";
import { abortableSleep, RestKlineClient } from "./rest_fetch.ts";
import { SuspectBook } from "./suspects.ts";
import { registerSymbolWatchMetrics, SymbolWatch } from "./symbol_watch.ts";

/** Wall ms stop() waits for REST (gaps, rechecks) before cutting it off. */
const STOP_REST_MS = 5000;
/** A REST check asks up to this often for a bar the venue does not serve yet, waiting 250, 500 ms. */
const CHECK_ASKS = 3;
const CHECK_RETRY_MS = 250;

export interface FeedServiceOptions {
  readonly config: FeedConfig;
  readonly clock: FeedClock;
  /** deleteFrom: bars ahead of the venue's clock after it jumped back are deleted (BarStore has it). */
  readonly store: BarSink & { deleteFrom?(interval: Interval, fromMs: number): Promise<number> };
  readonly hub: BarStreamHub;
  readonly log: Logger;
  readonly recorder?: Recorder | null;
  readonly wallNow?: () => number;
  readonly fetch?: typeof fetch;
}

export class FeedService {
  readonly pipeline: BarPipeline;
  readonly ingest: FeedIngest;
  /** Replaced (counters carried over) when the venue's clock jumps: its features start again. */
  readonly committer: BarCommitter;
  readonly backfill: Backfiller;
  readonly rest: RestKlineClient;
  readonly suspects = new SuspectBook();
  /** Follows the simulator's clock; holds bars while it is in doubt, rebases after a jump. */
  readonly follow: ClockFollow;
  readonly metrics: FeedMetrics;
  readonly stalls: Partial<Record<Venue, number>> = {};
  /** venue -> symbol -> feed time its link connected, until the first trade on it (see firstTrades). */
  private readonly firstAfterConnect = new Map<Venue, Map<string, number>>();
  /** Venues whose link has connected at least once since the start. */
  private readonly everUp = new Set<Venue>();
  /** Per-symbol stalls on an open link (the venue stopped sending one symbol). */
  readonly watch: SymbolWatch;
  readonly startedAtMs: number;
  /** venue|symbol|interval -> bars missing from the store beyond BACKFILL_MAX_LOOKBACK at start. */
  readonly beyondLookback = new Map<string, number>();
  connections: FeedConnection[] = [];
  private readonly opts: FeedServiceOptions;
  private readonly ctrl = new AbortController();
  /** The venue links stop first; REST (ctrl) lives on while stop() drains gaps and rechecks. */
  private readonly links = new AbortController();
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  readonly feedNow: () => number;
  readonly wallNow: () => number;

  constructor(opts: FeedServiceOptions) {
    this.opts = opts;
    const s = opts.config.settings;
    const clock = opts.clock;
    // Whole ms: stored times are integers, and the sim clock extrapolates fractions.
    this.feedNow = () => Math.floor(clock.now());
    this.wallNow = opts.wallNow ?? Date.now;
    this.startedAtMs = this.feedNow();
    this.metrics = createFeedMetrics(
      { venues: s.VENUES_ENABLED, symbols: s.SYMBOLS, intervals: s.INTERVALS },
      () => this.state(),
    );
    this.watch = new SymbolWatch(s.VENUES_ENABLED, s.SYMBOLS, s.STALE_TIMEOUT_MS);
    registerSymbolWatchMetrics(this.metrics.registry, this.watch);
    this.pipeline = new BarPipeline({
      intervals: [...s.INTERVALS].sort((a, b) => INTERVALS[a] - INTERVALS[b]),
      graceMs: s.BAR_CLOSE_GRACE_MS,
      startMs: this.startedAtMs,
      // Give REST five wall minutes, whatever the clock speed; our own retries give up sooner.
      maxGapWaitMs: 300_000 * clock.speed,
    }, (bar) => this.closed(bar));
    const lookbackMs = Math.max(60_000, 2 * s.BAR_CLOSE_GRACE_MS);
    this.ingest = new FeedIngest(this.pipeline, {
      symbols: s.SYMBOLS,
      lookbackMs,
      // Venue and receive times are on the feed clock: divide by its speed for wall ms at any speed.
      latency: (v, sym, ms) => this.metrics.latency(v, sym, ms / clock.speed),
      suspect: (v, sym, from, to) => this.suspect(v, sym, from, to),
    });
    const bases = Object.fromEntries(
      s.VENUES_ENABLED.map((v) => [v, ADAPTERS[v].endpoints(opts.config.env).rest]),
    );
    this.rest = new RestKlineClient({
      bases,
      now: this.feedNow,
      fetch: opts.fetch,
      signal: this.ctrl.signal,
      wallNow: this.wallNow,
    });
    this.backfill = new Backfiller({
      pipeline: this.pipeline,
      rest: this.rest,
      now: this.feedNow,
      wallNow: this.wallNow,
      log: opts.log,
    });
    this.committer = new BarCommitter({
      store: opts.store,
      publish: (b) => opts.hub.publish(b),
      venueBar: async (b) => {
        // Asked as soon as we closed it, the venue may not serve the bar yet: ask again, bounded.
        for (let i = 0; i < CHECK_ASKS && !this.ctrl.signal.aborted; i++) {
          if (i > 0) await abortableSleep(CHECK_RETRY_MS * i, this.ctrl.signal);
          try {
            const rows = await this.rest.klines(b.venue, b.symbol, b.interval, b.openTimeMs, b.openTimeMs);
            const k = rows.find((k) => k.openTimeMs === b.openTimeMs);
            if (k) return k;
          } catch {
            return null;
          }
        }
        return null;
      },
      suspects: this.suspects,
      featureTimer: (f, sym, ms) => this.metrics.featureMs(f, sym, ms),
      log: opts.log,
    });
    const store = opts.store;
    this.follow = new ClockFollow({
      clock,
      pipeline: this.pipeline,
      intervals: s.INTERVALS,
      feedNow: this.feedNow,
      drain: () => this.committer.drain(),
      prune: store.deleteFrom ? (iv, fromMs) => store.deleteFrom!(iv, fromMs) : undefined,
      pass: (bar) => this.committer.push(bar),
      newTimeline: () => this.committer.newTimeline(),
      log: opts.log,
      signal: this.ctrl.signal,
    });
  }

  /** Connects every venue and starts the clock-driven work. */
  start(): void {
    const s = this.opts.config.settings;
    const speed = this.opts.clock.speed;
    this.connections = startConnections({
      venues: s.VENUES_ENABLED,
      symbols: s.SYMBOLS,
      intervals: s.INTERVALS,
      env: this.opts.config.env,
      feedNow: this.feedNow,
      wallNow: this.wallNow,
      signal: this.links.signal,
      staleTimeoutMs: s.STALE_TIMEOUT_MS,
      backoffBaseMs: s.BACKOFF_BASE_MS,
      backoffMaxMs: s.BACKOFF_MAX_MS,
      sink: (c, ev) => this.onConnection(c, ev),
      tap: this.opts.recorder ? (v, c, t, f) => this.opts.recorder!.write(v, c, t, f) : undefined,
    });
    // Bars close on the feed clock: look often enough that grace is not overshot by much.
    const advanceMs = Math.min(250, Math.max(5, Math.floor(s.BAR_CLOSE_GRACE_MS / speed / 4)));
    // No bar closes on a clock in doubt (a venue just reconnected: maybe a restarted simulator).
    this.every(advanceMs, () => this.follow.trusted && this.pipeline.advance(this.feedNow()));
    if (this.follow.enabled) this.every(1000, () => void this.follow.sync());
    this.every(200, () => void this.backfill.tick());
    this.every(2_000, () => this.committer.retryUnconfirmed());
    this.every(Math.max(20, Math.min(1000, Math.floor(s.STALE_TIMEOUT_MS / 4))), () => this.checkSymbols());
    this.every(10_000, () => this.suspects.prune(this.feedNow()));
    this.every(5_000, () => this.opts.hub.heartbeat(this.feedHealth()));
  }

  /** Stops connections and timers, then waits for every queued bar to be stored. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    this.links.abort();
    await Promise.all(this.connections.map((c) => c.done));
    await this.follow.settled();
    // The last gaps and the rechecks queued by the closing links need REST: bounded, then cut off.
    const cutoff = setTimeout(() => this.ctrl.abort(), STOP_REST_MS);
    try {
      await this.backfill.tick();
      this.committer.flushHeld(); // stored bars above a hole never filled get their features too
      await this.committer.drain();
    } finally {
      clearTimeout(cutoff);
      this.ctrl.abort();
    }
  }

  private every(ms: number, f: () => void): void {
    this.timers.push(setInterval(() => {
      try {
        f();
      } catch (err) {
        this.opts.log("error", "feed timer failed", { error: String(err) });
      }
    }, ms));
  }

  private closed(bar: ReleasedBar): void {
    if (bar.origin !== "backfill") {
      this.metrics.closeLag(
        bar.venue,
        bar.symbol,
        (bar.closedAtMs - (bar.openTimeMs + INTERVALS[bar.interval])) / this.opts.clock.speed,
      );
    }
    this.follow.bar(bar);
  }

  private suspect(venue: Venue, symbol: string | null, fromMs: number, toMs: number): void {
    this.suspects.mark(venue, symbol, fromMs, toMs);
    this.committer.recheck(venue, symbol, fromMs, toMs);
  }

  private onConnection(c: FeedConnection, ev: ConnectionEvent): void {
    const now = this.feedNow();
    const log = this.opts.log;
    switch (ev.type) {
      case "events":
        c.lastDataMs = now;
        // Before the pipeline sees them: a stalled symbol's data ends its down period first.
        for (let i = 0; i < ev.events.length; i++) {
          const e = ev.events[i];
          if (this.watch.seen(e.venue, e.symbol, c.lastFrameWallMs, now)) {
            this.symbolBack(e.venue, e.symbol, now);
          }
        }
        if (this.firstAfterConnect.size > 0) this.firstTrades(c.venue, ev.events);
        this.ingest.events(ev.events, ev.snapshot);
        return;
      case "frame_dropped":
        this.ingest.dropped(c.venue, ev.reason, ev.sample, now);
        return;
      case "venue_error":
        log("warn", "venue error", {
          venue: c.venue,
          connection: c.name,
          reason: ev.reason,
          detail: ev.detail,
        });
        return;
      case "handover":
        // Make-before-break: no gap, no suspect range, no reconnect (a failed one reconnects next).
        log(ev.ok ? "info" : "warn", ev.ok ? "connection handed over" : "handover failed", {
          venue: c.venue,
          connection: c.name,
          reason: ev.reason,
          detail: ev.detail,
        });
        return;
      case "connect":
        c.up = true;
        this.follow.doubtNow();
        this.linkChanged(c.venue);
        if (c.trades) {
          this.pipeline.connectionUp(c.venue, now);
          // Still silent after the reconnect: keep those symbols as gaps, not flat bars.
          for (const sym of this.watch.stalledOf(c.venue)) this.pipeline.symbolDown(c.venue, sym, now);
          // Trades between the open and the subscription taking effect are lost: check those bars
          // (from the feed's start on the venue's first connect: nothing was seen before it).
          const from = this.everUp.has(c.venue) ? now : Math.min(now, this.startedAtMs);
          this.everUp.add(c.venue);
          this.suspect(
            c.venue,
            null,
            from,
            now + Math.max(60_000, this.opts.config.settings.BAR_CLOSE_GRACE_MS),
          );
          // On an accelerated or loaded clock the subscription may take longer than that window:
          // each symbol's bars up to its first trade on this link get the check too.
          this.firstAfterConnect.set(
            c.venue,
            new Map(this.opts.config.settings.SYMBOLS.map((sym) => [sym, now])),
          );
        }
        log("info", "connected", { venue: c.venue, connection: c.name, url: ev.url });
        return;
      case "disconnect": {
        c.up = false;
        this.linkChanged(c.venue);
        // Frames in flight when a link closes are lost: their trades may reach this far back in
        // venue time from when we noticed (delivery takes time, long on an accelerated clock).
        const lookbackMs = Math.max(60_000, 2 * this.opts.config.settings.BAR_CLOSE_GRACE_MS);
        if (ev.reason === "aborted") {
          if (c.trades) this.committer.recheck(c.venue, null, now - lookbackMs, now);
          return;
        }
        if (ev.reason === "stale") {
          this.stalls[c.venue] = (this.stalls[c.venue] ?? 0) + 1;
          this.pipeline.stall(c.venue);
        }
        if (c.trades) {
          // A link can die silently: trades may be missing since the last data frame (bounded by
          // the stale timeout), so bars from then on are gaps and bars already closed get checked.
          const silentMs = (this.opts.config.settings.STALE_TIMEOUT_MS + 1000) * this.opts.clock.speed;
          const since = Math.min(now, Math.max(c.lastDataMs, now - silentMs));
          this.pipeline.connectionDown(c.venue, since);
          this.suspect(c.venue, null, since - lookbackMs, now);
        }
        log("warn", "disconnected", {
          venue: c.venue,
          connection: c.name,
          reason: ev.reason,
          code: ev.code,
          retryInMs: ev.retryInMs,
        });
      }
    }
  }

  /** The first trade of a symbol since its link connected: trades before it may be lost. */
  private firstTrades(venue: Venue, events: readonly MarketEvent[]): void {
    const pending = this.firstAfterConnect.get(venue);
    if (pending === undefined) return;
    for (const e of events) {
      if (e.kind !== "trade") continue;
      const since = pending.get(e.symbol);
      if (since === undefined) continue;
      pending.delete(e.symbol);
      if (pending.size === 0) this.firstAfterConnect.delete(venue);
      // A trade older than the connect (a venue replaying recent trades on subscribe) lands in a bar
      // whose earlier trades were never seen: that bar is covered too.
      this.suspect(e.venue, e.symbol, Math.min(since, e.venueTimeMs), Math.max(since, e.venueTimeMs));
    }
  }

  private linkChanged(venue: Venue): void {
    const all = this.connections.filter((x) => x.venue === venue);
    this.watch.link(venue, all.length > 0 && all.every((x) => x.up) ? this.wallNow() : null);
  }

  /** Symbols silent too long on an open link: bars from their last data on become gaps (REST backfill). */
  private checkSymbols(): void {
    const stalls = this.watch.check(this.wallNow());
    if (stalls.length === 0) return;
    const now = this.feedNow();
    const s = this.opts.config.settings;
    const silentMs = (s.STALE_TIMEOUT_MS + 1000) * this.opts.clock.speed;
    for (const st of stalls) {
      const since = Math.min(now, Math.max(st.lastFeedMs, now - silentMs));
      this.pipeline.symbolDown(st.venue, st.symbol, since);
      // Bars closed while we waited out the timeout were built without its trades: check them.
      this.suspect(st.venue, st.symbol, since, now);
      this.opts.log("warn", "symbol stalled", {
        venue: st.venue,
        symbol: st.symbol,
        silentMs: Math.round(st.silentMs),
      });
    }
  }

  private symbolBack(venue: Venue, symbol: string, now: number): void {
    this.pipeline.symbolUp(venue, symbol, now);
    this.opts.log("info", "symbol data back", { venue, symbol });
  }

  /** Plain numbers for /metrics, read at scrape time. */
  state(): FeedState {
    const key = (v: string, s: string) => `${v}|${s}`;
    const trades = new Map<string, number>();
    const invalidValues = new Map<string, number>();
    const snapshotDuplicates = new Map<string, number>();
    for (const [v, m] of this.ingest.streams) {
      for (const [s, c] of m) {
        trades.set(key(v, s), c.trades);
        invalidValues.set(key(v, s), c.invalidValues);
        snapshotDuplicates.set(key(v, s), c.snapshotDuplicates);
      }
    }
    const lastMessageWallMs: Partial<Record<Venue, number>> = {};
    for (const c of this.connections) {
      lastMessageWallMs[c.venue] = Math.max(lastMessageWallMs[c.venue] ?? 0, c.lastFrameWallMs);
    }
    return {
      dq: this.pipeline.dq.snapshot(),
      divergence: this.pipeline.divergence.snapshot(),
      connections: this.connections,
      lastMessageWallMs,
      stalls: this.stalls,
      trades,
      invalidValues,
      snapshotDuplicates,
      repaired: this.committer.repairedBy,
      barsStored: this.committer.storedBy,
      storeErrors: this.committer.storeErrors,
      commitBacklog: this.committer.backlog,
      beyondLookback: this.beyondLookback,
      clock: this.clockState(),
    };
  }

  private clockState(): FeedState["clock"] {
    const c = this.opts.clock as Partial<FollowedClock>;
    return {
      jumps: c.jumps ?? { backward: 0, forward: 0 },
      syncFailures: c.syncFailures ?? 0,
      discardedBars: this.follow.discardedBars,
      deletedBars: this.follow.deletedBars,
      trusted: this.follow.trusted,
    };
  }

  /** What the SSE heartbeat says: every trade connection up and no symbol silent too long. */
  feedHealth(): FeedHealth {
    const s = this.opts.config.settings;
    const now = this.feedNow();
    const limit = s.STALE_TIMEOUT_MS * this.opts.clock.speed;
    const stale: string[] = [];
    for (const venue of s.VENUES_ENABLED) {
      for (const symbol of s.SYMBOLS) {
        const last = this.ingest.counters(venue, symbol).lastReceivedMs;
        if (Number.isFinite(last) && now - last > limit) stale.push(`${venue}/${symbol}`);
      }
    }
    const down = this.connections.some((c) => c.trades && !c.up);
    // A clock in doubt holds every bar: degraded until a sync clears it.
    const feedOk = !down && stale.length === 0 && this.follow.trusted;
    return { feedOk, nowMs: now, stale, speed: this.opts.clock.speed };
  }
}
