// Test helper (not a test): the indicator fixture as ClosedBars, and an independent expectation of
// RefStrat_01 on it, written as a plain index loop over the TA-Lib reference arrays.
import type { ClosedBar } from "../lib/market/types.ts";
import bars from "../tests/fixtures/indicators/ohlcv_1m.json" with { type: "json" };
import ref from "../tests/fixtures/indicators/talib_reference.json" with { type: "json" };
import type { FeatureKey } from "../lib/features/feature_set.ts";
import { ohlcvOfRow } from "../lib/features/ohlcv_file.ts";
import type { FixtureBar } from "./reference_fixture.ts";

export const FIXTURE_BARS: readonly FixtureBar[] = bars.bars;
type Series = readonly (number | null)[];
export const REF = ref.values as unknown as Record<FeatureKey, Series>;

/** Simulated feed close delay: closedAtMs = bar end + this. */
export const CLOSE_DELAY_MS = 250;

/** The fixture as the feed would publish it (1m binance BTC-USDT, features = TA-Lib reference). */
export function fixtureClosedBars(): ClosedBar[] {
  return FIXTURE_BARS.map((b, i) => ({
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    ...ohlcvOfRow(b),
    trades: 1,
    origin: "trades",
    closedAtMs: b.t + 60_000 + CLOSE_DELAY_MS,
    features: {
      ema_12: REF.ema_12[i],
      ema_26: REF.ema_26[i],
      sma_20: REF.sma_20[i],
      rsi_14: REF.rsi_14[i],
      atr_14: REF.atr_14[i],
      vwap_session_utc: REF.vwap_session_utc[i],
    },
  }));
}

export interface Expected {
  readonly enters: number[];
  readonly exits: { i: number; reason: "stop" | "cross_down" }[];
  readonly position: number;
  readonly realised: number;
  readonly pnl: number;
}

/**
 * Decides bars `from`..end as a simple loop: a cross needs both EMAs at i−1 and i (and ATR at i);
 * enter at close on a cross up, exit at close on stop (checked first) or cross down.
 */
export function expectedRun(from: number, k: number, feeBps: number, size: number): Expected {
  const e12 = REF.ema_12, e26 = REF.ema_26, atr = REF.atr_14;
  const enters: number[] = [];
  const exits: Expected["exits"] = [];
  let long = false, entry = 0, stop = 0, realised = 0;
  for (let i = Math.max(from, 1); i < FIXTURE_BARS.length; i++) {
    const a = e12[i - 1], b = e26[i - 1], x = e12[i], y = e26[i], r = atr[i];
    if (a === null || b === null || x === null || y === null || r === null) continue;
    const c = FIXTURE_BARS[i].c;
    if (!long) {
      if (a <= b && x > y) {
        long = true;
        entry = c;
        stop = c - k * r;
        realised -= c * size * feeBps / 10_000;
        enters.push(i);
      }
    } else if (c <= stop || (a >= b && x < y)) {
      exits.push({ i, reason: c <= stop ? "stop" : "cross_down" });
      realised += (c - entry) * size - c * size * feeBps / 10_000;
      long = false;
    }
  }
  const last = FIXTURE_BARS[FIXTURE_BARS.length - 1].c;
  return {
    enters,
    exits,
    position: long ? size : 0,
    realised,
    pnl: realised + (long ? (last - entry) * size : 0),
  };
}
