// The connector's user stream against the venue simulator on loopback, for the user-stream tests:
// the simulator's private API (testing/trading_sim.ts) with the venue clock's skew under the test's
// hand, the WebSocket API reached through a TCP relay (testing/tcp_relay.ts) for network faults, and
// BinanceSpot.userEvents running with the lifecycle and bad frames recorded.
import type { Backoff } from "../lib/async/backoff.ts";
import type { Timers } from "../lib/async/sleep.ts";
import type { SimServerOptions } from "../lib/sim/sim_server.ts";
import type { RateLimitConfig } from "../lib/sim/trading/rate_limits.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { UserEvent } from "../lib/trading/venue.ts";
import { ManualTimers } from "./manual_timers.ts";
import { TcpRelay } from "./tcp_relay.ts";
import { startTradingSim } from "./trading_sim.ts";

export const KEY = "streamKey0123456789streamKey0123456789streamKey0123456789stream0";
export const SECRET = "streamSecret0123456789streamSecret0123456789streamSecret01234567";
export const HOUR = 3_600_000;

/** The connector's Timers on a hand-driven timer source (its ids are numbers, not Node Timeouts). */
export function manualTimers(): { manual: ManualTimers; timers: Timers } {
  const manual = new ManualTimers();
  const timers = {
    setTimeout: (fn: () => void, ms: number) => manual.setTimeout(fn, ms),
    clearTimeout: (id: unknown) => manual.clearTimeout(id),
  } as unknown as Timers;
  return { manual, timers };
}

export interface StartOptions {
  readonly secret?: string;
  readonly pingEveryMs?: number;
  readonly answerTimeoutMs?: number;
  readonly maxConnectionMs?: number;
  readonly backoff?: Backoff;
  /** The loop's sink throws after taking each event (it must not take the stream down). */
  readonly sinkThrows?: boolean;
  readonly timers?: Timers;
  /** The connector's clock for atMs and retryAfter waits (default Date.now). */
  readonly now?: () => number;
  /** The venue's wall clock for connection ages (default Date.now). */
  readonly venueWall?: () => number;
  readonly limits?: RateLimitConfig;
  readonly server?: Partial<SimServerOptions>;
}

export async function startUserStream(o: StartOptions = {}) {
  const venueClock = { skewMs: 0 };
  const t = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: Date.now() }, // the venue's clock is the machine's (the sim ticks only on demand)
    venue: (sim) => ({
      now: () => sim.clock.nowMs() + venueClock.skewMs,
      wallNow: o.venueWall,
      limits: o.limits,
    }),
    server: o.server,
  });
  const relay = new TcpRelay(t.server.port);
  const bad: string[] = [];
  const spot = new BinanceSpot(
    {
      rest: { baseUrl: `http://127.0.0.1:${t.server.port}/binance` },
      userStream: {
        wsApiUrl: `ws://127.0.0.1:${relay.port}/binance/ws-api/v3`,
        pingEveryMs: o.pingEveryMs ?? 30_000,
        answerTimeoutMs: o.answerTimeoutMs ?? 10_000,
        maxConnectionMs: o.maxConnectionMs,
        backoff: o.backoff ?? { baseMs: 10, maxMs: 50, jitter: "none" },
      },
    },
    new ApiCredentials(KEY, o.secret ?? SECRET),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: {
        connect: (u) => new WebSocket(u),
        now: o.now ?? (() => Date.now()),
        onBadFrame: (d) => bad.push(d),
        timers: o.timers,
      },
    },
  );
  const events: UserEvent[] = [];
  const stop = new AbortController();
  const running = spot.userEvents((e) => {
    events.push(e);
    if (o.sinkThrows) throw new Error("the loop's bug");
  }, stop.signal);
  const lifecycle = () =>
    events.filter((e) => e.type === "stream_up" || e.type === "stream_down")
      .map((e) => e.type === "stream_down" ? `down: ${e.cause}` : "up");
  const ups = () => events.filter((e) => e.type === "stream_up").length;
  const subs = () => t.wsMethods.filter((m) => m === "userDataStream.subscribe.signature").length;
  const end = async () => {
    stop.abort();
    await running;
    await relay.close();
    await t.close();
  };
  return { t, relay, venueClock, spot, events, bad, lifecycle, ups, subs, end };
}
