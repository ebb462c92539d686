// Wires shadow_mvs together: resume point from the events file, the event writer, the runner, the bar
// source (the feed's SSE stream, or the market bus when BUS_URL is set), the periodic tick, and the
// HTTP handler. The script only adds flags, the port and signals; tests start this directly with a
// manual clock.
import { JetStreamBus } from "../bus/jetstream_bus.ts";
import type { MarketBus } from "../bus/market_bus.ts";
import type { Handler } from "../http/serve.ts";
import type { Logger } from "../log.ts";
import type { BarSource } from "./bar_source.ts";
import { BusBarSource, busStaleAfterMs } from "./bus_source.ts";
import { EventWriter, findResume } from "./event_log.ts";
import type { ShadowConfig } from "./shadow_config.ts";
import type { Identity } from "./shadow_events.ts";
import { shadowHandler } from "./shadow_http.ts";
import { createShadowMetrics } from "./shadow_metrics.ts";
import { ShadowRunner } from "./shadow_runner.ts";
import { sseBarSource } from "./sse_source.ts";

export { streamUrl } from "./sse_source.ts";

export interface ServiceOptions {
  readonly cfg: ShadowConfig;
  readonly log: Logger;
  /** Wall clock; tests pass a manual one. */
  readonly now?: () => number;
  /** Period of the internal tick timer; null = no timer (tests call tick()). Default 1000 ms. */
  readonly tickEveryMs?: number | null;
  readonly random?: () => number;
  /** A bus to read bars from (the caller closes it); default: cfg.bus opened when its url is set. */
  readonly bus?: MarketBus;
}

export interface ShadowService {
  readonly runner: ShadowRunner;
  readonly stream: BarSource;
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
  const ownBus = opts.bus === undefined && cfg.bus.url !== null ? await JetStreamBus.open(cfg.bus) : null;
  const bus = opts.bus ?? ownBus;
  const writer = await EventWriter.open(cfg.eventsPath).catch(async (err) => {
    await ownBus?.close();
    throw err;
  });
  const runner = new ShadowRunner(
    {
      id,
      series: cfg.series,
      params: cfg.params,
      heartbeatEveryMs: cfg.heartbeatEveryMs,
      staleAfterMs: bus ? busStaleAfterMs(cfg.staleAfterMs, cfg.series.interval) : cfg.staleAfterMs,
    },
    writer,
    now,
    log,
    resume,
  );
  log("info", "shadow_mvs starting", {
    run_id: cfg.runId,
    ...cfg.series,
    ...(bus ? { bus: cfg.bus.url ?? "in-process" } : { feed: cfg.feedUrl }),
    events: cfg.eventsPath,
    resume_after_open_time_ms: resume?.lastDecidedOpenTimeMs ?? null,
    ...(bus ? { resume_after_bus_seq: resume?.busSeq ?? null } : {}),
    position: runner.state.book.size,
  });

  const source = bus
    ? new BusBarSource(bus, runner, resume, { ...cfg, random: opts.random }, log)
    : sseBarSource(cfg, runner, log, opts.random);
  const ctrl = new AbortController();
  const running = source.run(ctrl.signal).catch((err) =>
    log("error", bus ? "bus subscription loop failed" : "feed stream loop failed", { error: String(err) })
  );
  const tick = () => {
    if (runner.tick()) {
      const what = bus ? "bus subscription stale; resubscribing" : "feed stream stale; reconnecting";
      log("warn", what, { stale_after_ms: runner.cfg.staleAfterMs });
      source.restart();
    }
  };
  const tickEveryMs = opts.tickEveryMs === undefined ? 1000 : opts.tickEveryMs;
  const timer = tickEveryMs === null ? null : setInterval(tick, tickEveryMs);
  const busLag = source instanceof BusBarSource ? () => source.lag() : undefined;
  const registry = createShadowMetrics(() => runner.status(), now, busLag);
  const handler = shadowHandler(() => runner.status(), registry, {
    runId: cfg.runId,
    series: cfg.series,
    feedUrl: bus ? cfg.bus.url ?? "in-process" : cfg.feedUrl,
    eventsPath: cfg.eventsPath,
  }, now);

  let stopped: Promise<void> | null = null;
  return {
    runner,
    stream: source,
    handler,
    tick,
    stop() {
      stopped ??= (async () => {
        if (timer !== null) clearInterval(timer);
        ctrl.abort(new Error("stop"));
        await running;
        writer.close();
        await ownBus?.close();
        log("info", "shadow_mvs stopped", { decisions: runner.status().decisions });
      })();
      return stopped;
    },
  };
}
