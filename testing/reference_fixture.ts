// Loads the OHLCV bars + TA-Lib reference pair (tests/fixtures/indicators) for tests and benches.
import type { ReleasedBar } from "../lib/market/types.ts";
import type { FeatureKey } from "../lib/features/feature_set.ts";

export interface FixtureBar {
  readonly t: number;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
  readonly v: number;
}

export interface ReferencePair {
  readonly bars: readonly FixtureBar[];
  readonly t: readonly number[];
  readonly values: Readonly<Record<FeatureKey, readonly (number | null)[]>>;
}

export const FIXTURE_DIR = new URL("../tests/fixtures/indicators/", import.meta.url);

/** Reads both files; throws if their open times do not line up. */
export async function loadReferencePair(dir: URL = FIXTURE_DIR): Promise<ReferencePair> {
  const bars = JSON.parse(await Deno.readTextFile(new URL("ohlcv_1m.json", dir))).bars as FixtureBar[];
  const ref = JSON.parse(await Deno.readTextFile(new URL("talib_reference.json", dir)));
  const t = ref.t as number[];
  if (t.length !== bars.length || t.some((x, i) => x !== bars[i].t)) {
    throw new Error("reference fixture: open times of ohlcv_1m.json and talib_reference.json differ");
  }
  return { bars, t, values: ref.values };
}

/** TA-Lib comparison rule: |got - want| <= 1e-9 * max(1, |want|), null exactly where want is null. */
export function closeTo(got: number | null, want: number | null): boolean {
  if (want === null || got === null) return got === want;
  return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
}

/**
 * A fixture bar as the pipeline would release it: binance BTC-USDT 1m, closed 2 s after its end.
 * For "1h" the open time is scaled by 60 (the fixture's minutes become hours).
 */
export function releasedBar(b: FixtureBar, interval: "1m" | "1h" = "1m"): ReleasedBar {
  const len = interval === "1m" ? 60_000 : 3_600_000;
  const open = b.t * (len / 60_000);
  return {
    venue: "binance",
    symbol: "BTC-USDT",
    interval,
    openTimeMs: open,
    o: b.o,
    h: b.h,
    l: b.l,
    c: b.c,
    v: b.v,
    trades: 3,
    origin: "trades",
    closedAtMs: open + len + 2000,
  };
}
