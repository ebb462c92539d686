// A feed store for `./tp drift` (written by the feed's own BarStore): two days of 1m BTC-USDT bars per
// venue, binance unchanged, okx with volatility and volume tripled on day 2, kraken too short to judge.
// And what a drift report flagged, read from its own drift_psi.tsv.
import { join } from "node:path";
import { BarStore } from "../lib/store/bar_store.ts";
import { walkBars } from "./walk_bars.ts";

export const DRIFT_T0 = Date.UTC(2026, 0, 1);
const DAY = 1440;

export async function buildDriftStore(path: string): Promise<void> {
  const store = await BarStore.open(path);
  try {
    const base = {
      symbol: "BTC-USDT",
      interval: "1m" as const,
      firstOpenTimeMs: DRIFT_T0,
      startPrice: 60_000,
    };
    const calm = { count: DAY, sigma: 0.001, volume: 5 };
    await store.upsertBars(walkBars({ ...base, venue: "binance", seed: 7, regimes: [calm, calm] }));
    await store.upsertBars(
      walkBars({ ...base, venue: "okx", seed: 8, regimes: [calm, { count: DAY, sigma: 0.003, volume: 15 }] }),
    );
    await store.upsertBars(
      walkBars({ ...base, venue: "kraken", seed: 9, regimes: [{ ...calm, count: 150 }] }),
    );
  } finally {
    await store.close();
  }
}

/** The flagged features of a drift report folder (its drift_psi.tsv), with their PSI, by feature name. */
export async function driftFlagged(dir: string): Promise<{ feature: string; psi: number }[]> {
  const rows = (await Deno.readTextFile(join(dir, "drift_psi.tsv"))).trimEnd().split("\n").slice(1)
    .map((l) => l.split("\t"));
  return rows.filter((r) => r[5] === "yes").map((r) => ({ feature: r[0], psi: Number(r[3]) }))
    .sort((a, b) => a.feature < b.feature ? -1 : 1);
}
