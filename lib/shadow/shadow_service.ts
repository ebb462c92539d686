// Wires shadow_mvs together: resume point from the events file, the event writer, the runner, the
// feed stream (history before every connect), the periodic tick, and the HTTP handler. The script
// only adds flags, the port and signals; tests start this directly with a manual clock.
import type { Handler } from "../http/serve.ts";
import type { Logger } from "../log.ts";
import { EventWriter, findResume } from "./event_log.ts";
import { barId, isForSeries, parseClosedBar, parseFeedHeartbeat, type SeriesKey } from "./feed_schema.ts";
import { FeedStream } from "./feed_stream.ts";
import { fetchHistory } from "./history.ts";
import type { ShadowConfig } from "./shadow_config.ts";
import type { Identity } from "./shadow_events.ts";
import { shadowHandler } from "./shadow_http.ts";
import { createShadowMetrics } from "./shadow_metrics.ts";
import { ShadowRunner } from "./shadow_runner.ts";
import type { SseEvent } from "./sse_parser.ts";

export interface ServiceOptions {
  readonly cfg: ShadowConfig;
  readonly log: Logger;
  /** Wall clock; tests pass a manual one. */
  readonly now?: () => number;
  /** Period of the internal tick timer; null = no timer (tests call tick()). Default 1000 ms. */
  readonly tickEveryMs?: number | null;
  readonly random?: () => number;
}

export interface ShadowService {
  readonly runner: ShadowRunner;
  readonly stream: FeedStream;
  readonly handler: Handler;
  /** Heartbeat if due; reconnects a stale stream. */
  tick(): void;
  /** Stops the stream and the timer, flushes and closes the events file. Idempotent. */
  stop(): Promise<void>;
}

export const IDENTITY_COMPONENT = "shadow_mvs";
export const IDENTITY_SOURCE = "refstrat_01";

export async function startShadowService(opts: ServiceOptions): Promise<ShadowService> {
  const { cfg, log } = opts;
  const now = opts.now ?? Date.now;
  const id: Identity = { run_id: cfg.runId, component: IDENTITY_COMPONENT, source: IDENTITY_SOURCE };
  const resume = await findResume(cfg.eventsPath, id, cfg.series);
  const writer = await EventWriter.open(cfg.eventsPath);
  const runner = new ShadowRunner(
    {
      id,
      series: cfg.series,
      params: cfg.params,
      heartbeatEveryMs: cfg.heartbeatEveryMs,
      staleAfterMs: cfg.staleAfterMs,
    },
    writer,
    now,
    log,
    resume,
  );
  log("info", "shadow_mvs starting", {
    run_id: cfg.runId,
    ...cfg.series,
    feed: cfg.feedUrl,
    events: cfg.eventsPath,
    resume_after_open_time_ms: resume?.lastDecidedOpenTimeMs ?? null,
    position: runner.state.book.size,
  });

  const onEvent = (ev: SseEvent) => {
    if (ev.event === "heartbeat") {
      const hb = parseJson(ev.data);
      const r = parseFeedHeartbeat(hb);
      if (r.ok) runner.feedHeartbeat(r.value);
      else {
        runner.invalidInput();
        log("warn", "invalid feed heartbeat", { error: r.ok ? "" : r.error });
      }
      return;
    }
    if (ev.event !== "bar") return;
    const raw = parseJson(ev.data);
    if (!isForSeries(raw, cfg.series)) {
      // Another series on the shared stream still proves the feed alive.
      if (raw !== undefined) runner.touch();
      else runner.invalidInput();
      return;
    }
    const r = parseClosedBar(raw);
    if (r.ok) runner.liveBar(r.value);
    else {
      runner.invalidInput();
      log("warn", "invalid bar", { id: ev.id, error: r.error });
    }
  };

  let failures = 0;
  const stream = new FeedStream(
    {
      url: streamUrl(cfg.feedUrl, cfg.series),
      backoffBaseMs: cfg.backoffBaseMs,
      backoffMaxMs: cfg.backoffMaxMs,
      random: opts.random,
    },
    {
      async beforeConnect(signal) {
        runner.reconnects = stream.reconnects;
        const h = await fetchHistory(cfg.feedUrl, cfg.series, cfg.warmupBars, signal);
        if (h.dropped > 0) {
          log("warn", "history entries dropped", { dropped: h.dropped, first: h.firstError });
        }
        runner.history(h.bars);
        // Resume the stream after what we already hold (a feed that replays will skip ahead).
        const last = runner.lastProcessedOpenTimeMs;
        if (!stream.lastEventId && last !== null) stream.lastEventId = barId(cfg.series, last);
      },
      onOpen() {
        failures = 0;
        runner.streamOpened();
        log("info", "feed stream open", { last_event_id: stream.lastEventId || null });
      },
      onEvent,
      onClose(reason) {
        runner.streamClosed();
        // One line per outage, then at attempts 2, 4, 8, ...: a long outage must not flood the log.
        failures++;
        if ((failures & (failures - 1)) === 0) {
          log("warn", "feed stream closed; no decisions until it is back", { reason, failures });
        }
      },
    },
  );

  const ctrl = new AbortController();
  const running = stream.run(ctrl.signal).catch((err) =>
    log("error", "feed stream loop failed", { error: String(err) })
  );
  const tick = () => {
    if (runner.tick()) {
      log("warn", "feed stream stale; reconnecting", { stale_after_ms: cfg.staleAfterMs });
      stream.restart();
    }
  };
  const tickEveryMs = opts.tickEveryMs === undefined ? 1000 : opts.tickEveryMs;
  const timer = tickEveryMs === null ? null : setInterval(tick, tickEveryMs);
  const registry = createShadowMetrics(() => runner.status(), now);
  const handler = shadowHandler(() => runner.status(), registry, {
    runId: cfg.runId,
    series: cfg.series,
    feedUrl: cfg.feedUrl,
    eventsPath: cfg.eventsPath,
  }, now);

  let stopped: Promise<void> | null = null;
  return {
    runner,
    stream,
    handler,
    tick,
    stop() {
      stopped ??= (async () => {
        if (timer !== null) clearInterval(timer);
        ctrl.abort(new Error("stop"));
        await running;
        writer.close();
        log("info", "shadow_mvs stopped", { decisions: runner.status().decisions });
      })();
      return stopped;
    },
  };
}

/** The feed filters server-side when it can; we filter again client-side, so a feed that ignores it is fine. */
export function streamUrl(feedUrl: string, k: SeriesKey): string {
  const u = new URL("/stream/bars", feedUrl);
  u.searchParams.set("venue", k.venue);
  u.searchParams.set("symbol", k.symbol);
  u.searchParams.set("interval", k.interval);
  return u.href;
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
