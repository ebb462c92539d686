// The LiveFeed wiring: venue connections -> FeedIngest -> BarPipeline -> commit path (REST check,
// features, DuckDB upsert) -> SSE hub, with gap backfill and the state /metrics and /health read.
// Effects (clock, timers, store, hub, fetch, recorder) are passed in; main owns the process. The
// rules live elsewhere: link and symbol changes in feed_policy.ts, the read-outs in feed_state.ts.
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Logger } from "../log.ts";
import { type Interval, INTERVALS, type ReleasedBar, type Venue } from "../market/types.ts";
import { ADAPTERS } from "../venues/registry.ts";
import { Backfiller } from "./backfill.ts";
import type { FeedBusSink } from "./bus_publisher.ts";
import type { BarStreamHub, FeedHealth } from "./bar_stream.ts";
import type { FeedClock } from "./clock.ts";
import { ClockFollow } from "./clock_follow.ts";
import { BarCommitter } from "./commit.ts";
import type { FeedConfig, FeedSettings } from "./config.ts";
import { type FeedConnection, startConnections } from "./connections.ts";
import { applyFeedActions, FeedReactor } from "./feed_actions.ts";
import { feedPolicy, policyConfig } from "./feed_policy.ts";
import { feedHealth, type FeedState, metricsState } from "./feed_state.ts";
import { FeedIngest } from "./ingest.ts";
import { createFeedMetrics, type FeedMetrics } from "./metrics.ts";
import type { Recorder } from "./recorder.ts";
import { RestKlineClient } from "./rest_fetch.ts";
import type { BarSink } from "./store_retry.ts";
import { Scheduler, type TimerSource } from "./scheduler.ts";
import { SuspectBook } from "./suspects.ts";
import { registerSymbolWatchMetrics, SymbolWatch } from "./symbol_watch.ts";
import { venueBarCheck } from "./venue_check.ts";

/** Wall ms stop() waits for REST (gaps, rechecks) before cutting it off. */
const STOP_REST_MS = 5000;

export interface FeedServiceOptions {
  readonly config: FeedConfig;
  readonly clock: FeedClock;
  /** deleteFrom: bars ahead of the venue's clock after it jumped back are deleted (every BarStoreApi has it). */
  readonly store: BarSink & { deleteFrom?(interval: Interval, fromMs: number): Promise<number> };
  readonly hub: BarStreamHub;
  readonly log: Logger;
  readonly recorder?: Recorder | null;
  /** The market bus (BUS_URL set): accepted trades and stored bars also go there, never awaited. */
  readonly bus?: FeedBusSink | null;
  readonly wallNow?: () => number;
  readonly fetch?: typeof fetch;
  /** Where the service's periodic work gets its timers (the runtime's by default). */
  readonly timers?: TimerSource;
}

export class FeedService {
  readonly settings: Readonly<FeedSettings>;
  readonly clock: FeedClock;
  readonly pipeline: BarPipeline;
  readonly ingest: FeedIngest;
  readonly committer: BarCommitter;
  readonly backfill: Backfiller;
  readonly rest: RestKlineClient;
  readonly suspects = new SuspectBook();
  /** Follows the simulator's clock; holds bars while it is in doubt, rebases after a jump. */
  readonly follow: ClockFollow;
  readonly metrics: FeedMetrics;
  /** Per-symbol stalls on an open link (the venue stopped sending one symbol). */
  readonly watch: SymbolWatch;
  readonly startedAtMs: number;
  /** venue|symbol|interval -> bars missing from the store beyond BACKFILL_MAX_LOOKBACK at start. */
  readonly beyondLookback = new Map<string, number>();
  connections: FeedConnection[] = [];
  readonly scheduler: Scheduler;
  readonly feedNow: () => number;
  readonly wallNow: () => number;
  readonly log: Logger;
  private readonly opts: FeedServiceOptions;
  /** Link and symbol changes through the feed policy. */
  readonly reactor: FeedReactor;
  private readonly ctrl = new AbortController();
  /** The venue links stop first; REST (ctrl) lives on while stop() drains gaps and rechecks. */
  private readonly links = new AbortController();

  constructor(opts: FeedServiceOptions) {
    this.opts = opts;
    this.log = opts.log;
    const s = this.settings = opts.config.settings;
    const clock = this.clock = opts.clock;
    // Whole ms: stored times are integers, and the sim clock extrapolates fractions.
    this.feedNow = () => Math.floor(clock.now());
    this.wallNow = opts.wallNow ?? Date.now;
    this.startedAtMs = this.feedNow();
    this.scheduler = new Scheduler(
      (err) => opts.log("error", "feed timer failed", { error: String(err) }),
      opts.timers,
    );
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
    this.ingest = new FeedIngest(this.pipeline, {
      symbols: s.SYMBOLS,
      lookbackMs: Math.max(60_000, 2 * s.BAR_CLOSE_GRACE_MS),
      // Venue and receive times are on the feed clock: divide by its speed for wall ms at any speed.
      latency: (v, sym, ms) => this.metrics.latency(v, sym, ms / clock.speed),
      accepted: opts.bus ? (t) => opts.bus!.trade(t) : undefined,
      suspect: (venue, symbol, fromMs, toMs) =>
        applyFeedActions(this, null, [{ do: "suspect", venue, symbol, fromMs, toMs }]),
    });
    const bases = Object.fromEntries(
      s.VENUES_ENABLED.map((v) => [v, ADAPTERS[v].endpoints(opts.config.env).rest]),
    );
    const clocks = { now: this.feedNow, wallNow: this.wallNow };
    this.rest = new RestKlineClient({ bases, fetch: opts.fetch, signal: this.ctrl.signal, ...clocks });
    this.backfill = new Backfiller({ pipeline: this.pipeline, rest: this.rest, ...clocks, log: opts.log });
    this.committer = new BarCommitter({
      store: opts.store,
      publish: (b, restated) => {
        opts.hub.publish(b);
        opts.bus?.bar(b, restated);
      },
      venueBar: venueBarCheck(this.rest, this.ctrl.signal),
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
    this.reactor = new FeedReactor(feedPolicy(policyConfig(s, this.startedAtMs, clock.speed)), this);
  }

  /** Links closed by the stale timeout, per venue. */
  get stalls(): Readonly<Partial<Record<Venue, number>>> {
    return this.reactor.stalls;
  }

  /** Connects every venue and starts the clock-driven work. */
  start(): void {
    const s = this.settings;
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
      sink: (c, ev) => this.reactor.onConnection(c, ev),
      tap: this.opts.recorder ? (v, c, t, f) => this.opts.recorder!.write(v, c, t, f) : undefined,
    });
    this.startTimers();
  }

  /** The clock-driven work, on the injected timer source (start() calls it). */
  startTimers(): void {
    const s = this.settings;
    const speed = this.clock.speed;
    const every = (ms: number, f: () => void) => this.scheduler.every(ms, f);
    // Bars close on the feed clock: look often enough that grace is not overshot by much.
    const advanceMs = Math.min(250, Math.max(5, Math.floor(s.BAR_CLOSE_GRACE_MS / speed / 4)));
    // No bar closes on a clock in doubt (a venue just reconnected: maybe a restarted simulator).
    every(advanceMs, () => this.follow.trusted && this.pipeline.advance(this.feedNow()));
    if (this.follow.enabled) every(1000, () => void this.follow.sync());
    every(200, () => void this.backfill.tick());
    every(2_000, () => this.committer.retryUnconfirmed());
    every(
      Math.max(20, Math.min(1000, Math.floor(s.STALE_TIMEOUT_MS / 4))),
      () => this.reactor.checkSymbols(),
    );
    every(10_000, () => this.suspects.prune(this.feedNow()));
    every(5_000, () => this.opts.hub.heartbeat(this.feedHealth()));
  }

  /** Stops connections and timers, then waits for every queued bar to be stored. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    this.links.abort();
    await Promise.all(this.connections.map((c) => c.done));
    await this.follow.settled();
    // The last gaps and the rechecks queued by the closing links need REST: bounded, then cut off.
    const cancel = this.scheduler.after(STOP_REST_MS, () => this.ctrl.abort());
    try {
      await this.backfill.tick();
      this.committer.flushHeld(); // stored bars above a hole never filled get their features too
      await this.committer.drain();
    } finally {
      cancel();
      this.ctrl.abort();
    }
  }

  /** Plain numbers for /metrics, read at scrape time. */
  state(): FeedState {
    return metricsState(this);
  }

  /** What the SSE heartbeat says: every trade connection up and no symbol silent too long. */
  feedHealth(): FeedHealth {
    return feedHealth(this);
  }

  private closed(bar: ReleasedBar): void {
    if (bar.origin !== "backfill") {
      const lagMs = bar.closedAtMs - (bar.openTimeMs + INTERVALS[bar.interval]);
      this.metrics.closeLag(bar.venue, bar.symbol, lagMs / this.clock.speed);
    }
    this.follow.bar(bar);
  }
}
