// deleteFrom: after the venue's clock jumped back, one interval's bars from a time on are deleted
// (every venue and symbol), the rest stay, and the Parquet mirror follows.
import assert from "node:assert/strict";
import { join } from "node:path";
import { EMPTY_FEATURES } from "../features/feature_set.ts";
import type { ClosedBar, Interval } from "../market/types.ts";
import { BarStore } from "./bar_store.ts";

const M = 60_000;
const T0 = Date.UTC(2024, 4, 14);
const bar = (i: number, interval: Interval = "1m", venue: "binance" | "okx" = "binance"): ClosedBar => ({
  venue,
  symbol: "BTC-USDT",
  interval,
  openTimeMs: T0 + i * (interval === "1m" ? M : 60 * M),
  o: 100,
  h: 101,
  l: 99,
  c: 100,
  v: 1,
  trades: 3,
  origin: "trades",
  features: EMPTY_FEATURES,
  closedAtMs: T0 + (i + 1) * M,
});

Deno.test("deleteFrom removes one interval's bars from a time on, every venue, and rewrites Parquet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bar_store_delete_" });
  const store = await BarStore.open(join(dir, "bars.duckdb"), { parquetDir: join(dir, "pq") });
  try {
    await store.upsertBars([0, 1, 2, 3, 4].map((i) => bar(i)));
    await store.upsertBars([bar(3, "1m", "okx"), bar(0, "1h"), bar(1, "1h")]);
    assert.equal(await store.deleteFrom("1m", T0 + 3 * M), 3);
    assert.deepEqual(
      (await store.recentBars("binance", "BTC-USDT", "1m", 10)).map((b) => b.openTimeMs),
      [T0, T0 + M, T0 + 2 * M],
    );
    assert.equal(await store.countBars({ venue: "okx" }), 0);
    assert.equal(await store.countBars({ interval: "1h" }), 2, "other intervals untouched");
    assert.equal(await store.deleteFrom("1m", T0 + 10 * M), 0);
    assert.equal(store.parquetErrors, 0);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
