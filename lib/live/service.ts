// The live_loop service as `./tp live` runs it: the HTTP shell bound first (a busy port fails before the
// state dir is touched; /health says 503 while the loop boots and reconciles), the feed's bars into the
// loop, then the loop's start (cold, or warm when the state dir holds a run: it reconciles first).
// stop(): the feed (so the strategy gets no new bar; the one being decided finishes), then the loop's
// shutdown (worker drained, state persisted, clean-end marker), then the shell. With a strategy in the config, RefStrat_01 decides each closed bar of its symbol after the
// loop took it as its mark (bar_strategy.ts); with an events file, fills and kill-switch changes are
// ai_event lines (ai_events.ts). Venue, clocks, timers and the logger are injected. With BUS_URL set the
// bars come from the market bus (bus_bars.ts) instead of the feed's SSE stream, read from after the
// strategy's last decision once the loop has started.
import type { Timers } from "../async/sleep.ts";
import { JetStreamBus } from "../bus/jetstream_bus.ts";
import type { MarketBus } from "../bus/market_bus.ts";
import type { ClosedBar } from "../market/types.ts";
import type { Resume } from "../shadow/shadow_events.ts";
import type { Logger } from "../log.ts";
import { listRuns } from "../oms/boot.ts";
import { prepareStateDir, type StateRegistry } from "../oms/state_version.ts";
import type { BinanceSpot } from "../trading/binance_spot.ts";
import { EventWriter } from "../shadow/event_log.ts";
import { BINANCE_SPOT_LIMITS } from "../trading/rate_limits.ts";
import { attachAiEvents, LIVE_COMPONENT } from "./ai_events.ts";
import { BarStrategy, loadStrategyState, strategyStateFile } from "./bar_strategy.ts";
import type { LiveFileConfig } from "./config_file.ts";
import { BusBars } from "./bus_bars.ts";
import { FeedBars, type LoopBar } from "./feed_bars.ts";
import { connectorLimiterView } from "./limiters.ts";
import { LiveLoop } from "./loop.ts";
import type { LoopView } from "./loop_view.ts";
import type { LoopEffects } from "./core.ts";
import { registerBusLag } from "./metrics.ts";
import { type LiveShell, loopKillSwitch, startLiveShell } from "./shell.ts";
import type { ShellConfig } from "./shell_config.ts";

export interface LiveServiceDeps {
  readonly shell: ShellConfig;
  readonly file: LiveFileConfig;
  readonly venue: BinanceSpot;
  /** The venue's clock (ms): the loop's grace periods, ages and record times. */
  readonly now: () => number;
  /** Local wall clock (ms): the feed's and the shell's ages. */
  readonly wallNow: () => number;
  readonly timers: Timers;
  readonly log: Logger;
  /** The AI events file (PEAK_TRADE_AI_EVENTS_JSONL) and the run id its lines carry; null: none. */
  readonly events?: { readonly path: string; readonly runId: string } | null;
  /** Fault injection and the drill API: the crash-point proof's hooks (paper only, refused otherwise). */
  readonly crashAt?: LoopEffects["crashAt"];
  readonly drill?: boolean;
  /** The state dir's migrations (lib/oms/state_version.ts); default this release's. */
  readonly stateRegistry?: StateRegistry;
  /** A bus to read bars from (the caller closes it); default: file.bus opened when its url is set. */
  readonly bus?: MarketBus;
}

export interface LiveService {
  readonly loop: LiveLoop;
  readonly shell: LiveShell;
  /** The feed's bars over SSE, or (BUS_URL set) the market bus's. */
  readonly feed: FeedBars | BusBars;
  /** RefStrat_01 through the loop (null without a strategy in the config). */
  readonly strategy: BarStrategy | null;
  readonly startMode: "cold" | "warm";
  /** The view right after start (status ready, or why not). */
  readonly started: LoopView;
  stop(): Promise<{ readonly open: readonly string[]; readonly queued: readonly string[] }>;
}

/** cold unless asked, or when the state dir already holds a run (then warm: reconcile first). */
export async function startModeFor(
  asked: "cold" | "warm" | null,
  stateDir: string,
): Promise<"cold" | "warm"> {
  return asked ?? ((await listRuns(stateDir)).length > 0 ? "warm" : "cold");
}

export async function startLiveService(d: LiveServiceDeps): Promise<LiveService> {
  const cfg = d.file.loop;
  const loop = new LiveLoop(cfg, {
    venue: d.venue,
    now: d.now,
    timers: d.timers,
    logger: d.log,
    crashAt: d.crashAt,
  });
  const st = d.file.strategy;
  let strategy: BarStrategy | null = null;
  const onBar = async (b: LoopBar, bar: ClosedBar, busSeq?: number) => {
    await loop.onBar(b);
    if (strategy && b.symbol === st?.symbol) await strategy.onBar(bar, b.symbol, busSeq);
  };
  const ownBus = d.bus === undefined && d.file.bus.url !== null ? await JetStreamBus.open(d.file.bus) : null;
  const bus = d.bus ?? ownBus;
  const feedOpts = { ...d.file.feed, backoffBaseMs: 500, backoffMaxMs: 10_000, now: d.wallNow };
  const feed = bus
    ? new BusBars(bus, feedOpts, { mark: (b) => loop.onBar(b), bar: onBar }, d.log)
    : new FeedBars(feedOpts, onBar, d.log);
  let shell: LiveShell;
  try {
    shell = startLiveShell({
      cfg: d.shell,
      snapshot: () => loop.snapshot(),
      killSwitch: loopKillSwitch(loop),
      feed: () => feed.view(),
      clientLimiter: () =>
        connectorLimiterView(d.venue.rest.limits.snapshot(d.now()), BINANCE_SPOT_LIMITS, d.now()),
      log: d.log,
      now: d.wallNow,
      drill: d.drill ? { loop, venue: d.venue.name } : undefined,
    });
  } catch (err) {
    await ownBus?.close();
    throw err;
  }
  // Bus mode only, so the SSE mode's /metrics stays as it was.
  if (feed instanceof BusBars) registerBusLag(shell.metrics.registry, () => feed.lag());
  const feedStop = new AbortController();
  let feedRun = feed instanceof FeedBars ? feed.run(feedStop.signal) : Promise.resolve();
  let writer: EventWriter | null = null;
  let startMode: "cold" | "warm";
  let started: LoopView;
  try {
    if (d.events) {
      writer = await EventWriter.open(d.events.path);
      const id = { run_id: d.events.runId, component: LIVE_COMPONENT, source: st ? "refstrat_01" : cfg.tag };
      attachAiEvents(loop, writer, { id, venue: d.venue.name, mode: cfg.mode }, d.wallNow, d.log);
    }
    let resume: Resume | null = null;
    if (st) {
      // Bars before this are the loop's marks only; the strategy decides from the next one on.
      const stateFile = strategyStateFile(cfg.stateDir, cfg.tag);
      const params = { mode: cfg.mode, tag: cfg.tag, params: st.params, sizeAtoms: st.sizeAtoms, stateFile };
      resume = await loadStrategyState(stateFile);
      strategy = new BarStrategy(params, loop, () => feed.view(), d.log, d.wallNow, resume);
    }
    // Schema first: a state dir newer than this release is refused before the loop reads a byte of it.
    await prepareStateDir(cfg.stateDir, { registry: d.stateRegistry, migrate: true });
    startMode = await startModeFor(d.shell.start, d.file.loop.stateDir);
    started = await loop.start({ coldStart: startMode === "cold" });
    // The bus is read from after the strategy's last decision only now: a bar read while the loop boots
    // and reconciles would be skipped (loop_not_ready) and, its sequence passed, never decided.
    if (feed instanceof BusBars) feedRun = feed.run(feedStop.signal, resume);
  } catch (err) {
    feedStop.abort();
    await feedRun;
    await shell.stop();
    writer?.close();
    await ownBus?.close();
    throw err;
  }
  let stopping: ReturnType<LiveService["stop"]> | null = null;
  return {
    loop,
    shell,
    feed,
    strategy,
    startMode,
    started,
    stop: () =>
      stopping ??= (async () => {
        // The strategy first (no new bar, the one being decided finishes), then the loop.
        feedStop.abort();
        await feedRun;
        const left = await loop.shutdown();
        await shell.stop();
        writer?.close();
        await ownBus?.close();
        return left;
      })(),
  };
}
