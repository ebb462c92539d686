// Deterministic closed bars in the feed's /api/bars shape, with EMA/SMA/RSI/ATR/VWAP computed the usual
// way (EMA seeded by the SMA of its first period, Wilder smoothing for RSI/ATR). Test and demo input.
import type { ClosedBar, Interval, Venue } from "../market/types.ts";
import { INTERVALS } from "../market/types.ts";

export interface SampleBarsSpec {
  readonly venue: Venue;
  readonly symbol: string;
  readonly interval: Interval;
  readonly count: number;
  readonly firstOpenTimeMs: number;
  readonly basePrice: number;
}

/** Bar i closes at base * (1 + 0.01·sin(i/7) + 0.004·sin(i/2.3)): smooth, wavy, reproducible. */
export function sampleBars(spec: SampleBarsSpec): ClosedBar[] {
  const stepMs = INTERVALS[spec.interval];
  const bars: ClosedBar[] = [];
  const closes: number[] = [];
  let ema12: number | null = null;
  let ema26: number | null = null;
  let avgGain = 0, avgLoss = 0, atr: number | null = null, pv = 0, vol = 0, trSum = 0;
  let prevClose = spec.basePrice;
  for (let i = 0; i < spec.count; i++) {
    const price = (k: number) => spec.basePrice * (1 + 0.01 * Math.sin(k / 7) + 0.004 * Math.sin(k / 2.3));
    const o = i === 0 ? price(-1) : prevClose;
    const c = round(price(i));
    const h = round(Math.max(o, c) * 1.0008);
    const l = round(Math.min(o, c) * 0.9992);
    const v = round(1 + (i % 5) * 0.25);
    closes.push(c);
    ema12 = emaStep(ema12, closes, 12);
    ema26 = emaStep(ema26, closes, 26);
    const tr = i === 0 ? h - l : Math.max(h - l, Math.abs(h - prevClose), Math.abs(l - prevClose));
    if (i < 14) trSum += tr;
    if (i === 13) atr = trSum / 14;
    else if (i > 13) atr = (atr! * 13 + tr) / 14;
    let rsi: number | null = null;
    if (i > 0) {
      const d = c - prevClose;
      const gain = Math.max(d, 0), loss = Math.max(-d, 0);
      if (i <= 14) {
        avgGain += gain / 14;
        avgLoss += loss / 14;
      } else {
        avgGain = (avgGain * 13 + gain) / 14;
        avgLoss = (avgLoss * 13 + loss) / 14;
      }
      if (i >= 14) rsi = avgLoss === 0 ? 100 : 100 - 100 / (1 + avgGain / avgLoss);
    }
    const openTimeMs = spec.firstOpenTimeMs + i * stepMs;
    // The VWAP session is the UTC day: it restarts at midnight.
    if (i > 0 && Math.floor(openTimeMs / 86_400_000) !== Math.floor((openTimeMs - stepMs) / 86_400_000)) {
      pv = 0;
      vol = 0;
    }
    pv += ((h + l + c) / 3) * v;
    vol += v;
    bars.push({
      venue: spec.venue,
      symbol: spec.symbol,
      interval: spec.interval,
      openTimeMs,
      o,
      h,
      l,
      c,
      v,
      trades: 3 + (i % 4),
      origin: "trades",
      closedAtMs: openTimeMs + stepMs,
      features: {
        ema_12: ema12,
        ema_26: ema26,
        sma_20: closes.length >= 20 ? closes.slice(-20).reduce((a, b) => a + b, 0) / 20 : null,
        rsi_14: rsi,
        atr_14: atr,
        vwap_session_utc: pv / vol,
      },
    });
    prevClose = c;
  }
  return bars;
}

function emaStep(prev: number | null, closes: readonly number[], period: number): number | null {
  if (closes.length < period) return null;
  if (prev === null) return closes.slice(-period).reduce((a, b) => a + b, 0) / period;
  const k = 2 / (period + 1);
  return closes[closes.length - 1] * k + prev * (1 - k);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
