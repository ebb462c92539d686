// Starts a whole feed (clock, store, recorder, service, HTTP server, status line, backup trigger) and
// stops it in order: connections, then the store queue, checkpoint and close. scripts/feed.ts and the
// end-to-end tests both use it. The store is the one the config chose (DuckDB or PostgreSQL), seen
// through BarStoreApi; the backup trigger is DuckDB's alone (a PostgreSQL store has no spool).
import { type Handler, serve, text } from "../http/serve.ts";
import type { Logger } from "../log.ts";
import type { BarStoreApi } from "../store/bar_store_api.ts";
import type { StoreRegistry } from "../store/store_schema.ts";
import { spoolDir } from "../store/backup_spool.ts";
import { BackupTrigger } from "./backup_trigger.ts";
import { BarStreamHub } from "./bar_stream.ts";
import { registerBusMetrics } from "./bus_metrics.ts";
import type { FeedBusPublisher } from "./bus_publisher.ts";
import { openFeedBus, type OpenFeedBusOptions } from "./feed_bus.ts";
import type { FeedClock } from "./clock.ts";
import { feedClockFor } from "./clock_wait.ts";
import type { FeedConfig } from "./config.ts";
import { type FeedStore, openFeedStore } from "./feed_store.ts";
import { feedHandler } from "./http.ts";
import { Recorder } from "./recorder.ts";
import { healthJson, statusCounts } from "./feed_state.ts";
import { FeedService } from "./service.ts";
import { findStoreHoles, restoreHoles } from "./store_holes.ts";
import { primeFeatures } from "./prime_features.ts";
import { bucketQuantile, formatStatus, histogramBuckets, type StatusNumbers } from "./status_line.ts";

export interface RunOptions {
  readonly config: FeedConfig;
  readonly hostname: string;
  readonly port: number;
  readonly log: Logger;
  readonly record?: string;
  /** Aborting it while waiting for the simulator's clock makes startFeed resolve null. */
  readonly signal: AbortSignal;
  /** Status line sink (stdout in the CLI); called every STATUS_MIN_SECS. */
  readonly status?: (line: string) => void;
  readonly clock?: FeedClock;
  /** The store's migrations (lib/store/store_schema.ts), applied at open; default this release's. */
  readonly storeRegistry?: StoreRegistry;
  /** How the market bus is opened when BUS_URL is set (default JetStream); see openFeedBus. */
  readonly openBus?: OpenFeedBusOptions["open"];
}

/** Wall ms a stopping feed waits for the bus outbox to empty before it gives the rest up (logged). */
const BUS_DRAIN_MS = 5_000;

export interface RunningFeed {
  readonly port: number;
  readonly service: FeedService;
  readonly store: BarStoreApi;
  /** Which store that is: kind, where (no password), schema version. */
  readonly storeInfo: Omit<FeedStore, "api" | "duckdb">;
  readonly recorder: Recorder | null;
  /** The market bus publisher; null when BUS_URL is unset. */
  readonly bus: FeedBusPublisher | null;
  stop(): Promise<void>;
}

export async function startFeed(opts: RunOptions): Promise<RunningFeed | null> {
  const s = opts.config.settings;
  // Bind first: a taken port (say a second feed) is the port message, before the store's file lock.
  let inner: Handler | null = null;
  const server = serve({
    name: "live_connector",
    hostname: opts.hostname,
    port: opts.port,
    handler: (req) => inner ? inner(req) : text(503, "starting\n"),
  });
  let clock: FeedClock;
  let opened: FeedStore;
  try {
    const c = opts.clock ?? await feedClockFor(s.FEED_CLOCK, s.SIM_CLOCK_URL, opts.signal, opts.log);
    if (c === null) {
      await server.shutdown();
      return null;
    }
    clock = c;
    opened = await openFeedStore(opts.config, opts.storeRegistry);
  } catch (err) {
    await server.shutdown();
    throw err;
  }
  const store = opened.api, duck = opened.duckdb;
  const storeInfo = { kind: opened.kind, where: opened.where, schemaVersion: opened.schemaVersion };
  let recorder: Recorder | null = null;
  let bus: FeedBusPublisher | null = null;
  const hub = new BarStreamHub();
  let service: FeedService;
  try {
    recorder = opts.record ? Recorder.open(opts.record) : null;
    bus = await openFeedBus(opts.config.bus, { log: opts.log, open: opts.openBus });
    service = new FeedService({ config: opts.config, clock, store, hub, log: opts.log, recorder, bus });
    const pub = bus;
    if (pub) registerBusMetrics(service.metrics.registry, () => pub.stats());
    // Restart backfill: the store's holes (the time the feed was down, and what a previous run
    // could not fill) become gaps before the first live event, so they are held ahead of live bars.
    const streams = s.VENUES_ENABLED.flatMap((venue) =>
      s.SYMBOLS.flatMap((symbol) => s.INTERVALS.map((interval) => ({ venue, symbol, interval })))
    );
    // Bars ahead of the clock (a simulator that ran ahead, then restarted behind) would be served as
    // the newest: delete them before anything else reads the store.
    const ahead = await service.follow.pruneAhead(service.startedAtMs);
    if (ahead > 0) opts.log("warn", "deleted stored bars ahead of the clock", { bars: ahead });
    const found = await findStoreHoles(store, streams, service.startedAtMs, s.BACKFILL_MAX_LOOKBACK);
    restoreHoles(service.pipeline, found, service.feedNow(), service.beyondLookback, opts.log);
    // Warm indicators: the features continue from the stored bars (before any connection opens).
    await primeFeatures(store, service.committer, streams, found, opts.log);
    const svc = service;
    inner = feedHandler({
      registry: svc.metrics.registry,
      hub,
      feedHealth: () => svc.feedHealth(),
      recentBars: (v, sym, iv, limit) => store.recentBars(v, sym, iv, limit),
      health: () => healthJson(svc, { config: opts.config, store: storeInfo, recorder }),
    });
  } catch (err) {
    await bus?.close(0);
    recorder?.close();
    await store.close();
    await server.shutdown();
    throw err;
  }
  service.start();
  // ./tp backup's requests: the store is exported here, by the one process DuckDB lets read it.
  const backups = duck === null || s.STORE_PATH === ":memory:" ? null : new BackupTrigger({
    spool: spoolDir(s.STORE_PATH),
    parquetDir: s.PARQUET_DIR,
    exclusive: (job) => duck.exclusive(job),
    log: opts.log,
  });
  backups?.start();
  let statusTimer: ReturnType<typeof setInterval> | undefined;
  if (opts.status) {
    let prev: StatusNumbers | null = null;
    let prevAt = Date.now();
    statusTimer = setInterval(() => {
      void statusNumbers(service).then((cur) => {
        const now = Date.now();
        opts.status!(formatStatus(prev, cur, (now - prevAt) / 1000));
        prev = cur;
        prevAt = now;
      }).catch((err) => opts.log("error", "status line failed", { error: String(err) }));
    }, s.STATUS_MIN_SECS * 1000);
  }
  let stopping: Promise<void> | null = null;
  return {
    port: server.addr.port,
    service,
    store,
    storeInfo,
    recorder,
    bus,
    stop: () =>
      stopping ??= (async () => {
        clearInterval(statusTimer);
        await backups?.stop();
        await service.stop();
        const left = await bus?.close(BUS_DRAIN_MS) ?? 0;
        if (left > 0) opts.log("warn", "bus publishes left unsent at stop (the store has them)", { left });
        hub.close();
        await server.shutdown();
        recorder?.close();
        await store.close();
      })(),
  };
}

async function statusNumbers(service: FeedService): Promise<StatusNumbers> {
  const buckets = await histogramBuckets(service.metrics.registry, "feed_transport_latency_ms");
  return statusCounts(service, bucketQuantile(buckets, 0.99));
}
