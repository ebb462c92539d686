// The live_loop service for tests as `./tp live` assembles it (lib/live/service.ts): config/live/paper.json,
// the state dir and the feed from the env as the CLI reads them, the shell on port 0, over a connector on
// the venue simulator (testing/binance_connector.ts) with its clock and timers. Also the closed bars a
// test feed serves it (or a test hands the loop's strategy).
import type { Timers } from "../lib/async/sleep.ts";
import { EMPTY_FEATURES } from "../lib/features/feature_set.ts";
import { DEFAULT_LIVE_CONFIG, loadLiveFile } from "../lib/live/config_file.ts";
import { type LiveService, startLiveService } from "../lib/live/service.ts";
import { shellConfig } from "../lib/live/shell_config.ts";
import type { ClosedBar, Features } from "../lib/market/types.ts";
import type { ConnectorSim } from "./binance_connector.ts";

/**
 * A closed 1m BTC-USDT bar of binance closing at `closeMs`: open, high, low and close all `close`
 * (default 60000), volume 1, one trade, the features given (the rest null).
 */
export function closedBar(
  closeMs: number,
  o: { readonly close?: number; readonly features?: Partial<Features> } = {},
): ClosedBar {
  const c = o.close ?? 60_000;
  return {
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: closeMs - 60_000,
    o: c,
    h: c,
    l: c,
    c,
    v: 1,
    trades: 1,
    origin: "trades",
    closedAtMs: closeMs,
    features: { ...EMPTY_FEATURES, ...o.features },
  };
}

/** A bar with the EMAs RefStrat_01 reads its cross from, and an ATR of 100 for its stop. */
export const crossBar = (closeMs: number, ema12: number, ema26: number): ClosedBar =>
  closedBar(closeMs, { features: { ema_12: ema12, ema_26: ema26, atr_14: 100 } });

export interface PaperServiceOptions {
  /** LIVE_STATE_DIR. */
  readonly stateDir: string;
  /** LIVE_FEED_URL: the test feed. */
  readonly feedUrl: string;
  /** Every log line of the service: {level, msg, ...fields}. */
  readonly lines: Record<string, unknown>[];
  /** The AI events file and its run id (default none). */
  readonly events?: { readonly path: string; readonly runId: string };
  /** More env the CLI would read (e.g. BUS_URL: the bars from the market bus). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts the service on config/live/paper.json, checked against the sim connector's own timeout. */
export async function startPaperService(s: ConnectorSim, o: PaperServiceOptions): Promise<LiveService> {
  const vars: Record<string, string> = { ...o.env, LIVE_STATE_DIR: o.stateDir, LIVE_FEED_URL: o.feedUrl };
  const env = (k: string) => vars[k];
  return await startLiveService({
    shell: shellConfig(env, { port: "0" }),
    file: await loadLiveFile(DEFAULT_LIVE_CONFIG, env, { venueTimeoutMs: s.spot.requestTimeoutMs }),
    venue: s.spot,
    now: () => s.t.sim.clock.nowMs(),
    wallNow: () => Date.now(),
    timers: s.timers as unknown as Timers,
    log: (level, msg, fields) => o.lines.push({ level, msg, ...fields }),
    events: o.events,
  });
}
