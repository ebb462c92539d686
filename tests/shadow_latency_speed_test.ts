// Decision latency is wall ms at any feed speed: the feed's close delay (on its clock) is divided by
// the speed its heartbeat reports, so a 60x simulator's 2 s close (120 s of bar time) reads 2000 ms.
import assert from "node:assert/strict";
import type { ClosedBar } from "../lib/market/types.ts";
import { ShadowRunner } from "../lib/shadow/shadow_runner.ts";
import { INITIAL_STATE } from "../lib/strategy/refstrat_01.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function bar(i: number, closeDelayMs: number): ClosedBar {
  return {
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: T0 + i * MIN,
    o: 100,
    h: 101,
    l: 99,
    c: 100,
    v: 1,
    trades: 5,
    origin: "trades",
    features: { ema_12: 100, ema_26: 100, sma_20: 100, rsi_14: 50, atr_14: 1, vwap_session_utc: 100 },
    closedAtMs: T0 + (i + 1) * MIN + closeDelayMs,
  };
}

Deno.test("decision latency divides the feed's close delay by the speed its heartbeat reports", () => {
  const events: Record<string, unknown>[] = [];
  const runner = new ShadowRunner(
    {
      id: { run_id: "t", component: "shadow_mvs", source: "test" },
      series: { venue: "binance", symbol: "BTC-USDT", interval: "1m" },
      params: { stopAtrK: 2, feeBps: 10, size: 1 },
      heartbeatEveryMs: 60_000,
      staleAfterMs: 60_000,
    },
    { write: (e) => events.push(e as Record<string, unknown>) },
    () => 0, // the runner's own processing takes no time here
    () => {},
    // Resumed (not cold): live bars are decided at once instead of priming the strategy.
    { state: INITIAL_STATE, lastDecidedOpenTimeMs: T0 - MIN },
  );
  runner.streamOpened();
  runner.feedHeartbeat({ feedOk: true, nowMs: T0 });
  runner.liveBar(bar(0, 2000)); // speed 1 (no speed in the heartbeat): 2 s
  runner.feedHeartbeat({ feedOk: true, nowMs: T0, speed: 60 });
  runner.liveBar(bar(1, 120_000)); // 120 s of 60x bar time: 2 s of wall time
  const lat = events.filter((e) => e.type === "decision").map((e) => e.latency_ms);
  assert.deepEqual(lat, [2000, 2000]);
});
