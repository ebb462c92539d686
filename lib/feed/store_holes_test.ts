// The restart scan on a real (in-memory) DuckDB store: holes within the lookback become gaps held
// ahead of live bars; what lies beyond is counted; a stream without stored bars is left alone.
import assert from "node:assert/strict";
import { BarPipeline } from "../bars/bar_pipeline.ts";
import { killBar } from "../../testing/kill_writer.ts";
import { BarStore } from "../store/bar_store.ts";
import { findStoreHoles, missingOpens, restoreHoles } from "./store_holes.ts";
import { resolveFeedConfig } from "./config.ts";
import { parseEnvFile } from "./env_file.ts";

const M = 60_000;

Deno.test("missingOpens: aligned open times in [from, to) not stored", () => {
  assert.deepEqual(missingOpens([0, 2 * M], 0, 4 * M, M), [M, 3 * M]);
  assert.deepEqual(missingOpens([], 30_000, 2 * M, M), [M], "starts at the first whole interval");
  assert.deepEqual(missingOpens([0], 0, 0, M), []);
});

Deno.test("findStoreHoles + restoreHoles: holes become gaps, older ones are counted", async () => {
  const store = await BarStore.open(":memory:");
  try {
    // Stored: minutes 0..9 except 4, then the feed died; it starts again inside minute 20.
    const bars = Array.from({ length: 10 }, (_, i) => killBar(i)).filter((_, i) => i !== 4);
    await store.upsertBars(bars);
    const t0 = bars[0].openTimeMs;
    const { venue, symbol } = bars[0];
    const startMs = t0 + 20 * M + 15_000;
    const streams = [{ venue, symbol, interval: "1m" as const }, {
      venue,
      symbol: "BTC-USDT",
      interval: "1m" as const,
    }];
    const all = await findStoreHoles(store, streams, startMs, 7 * 86_400_000);
    assert.deepEqual(all, [{
      venue,
      symbol,
      interval: "1m",
      holes: [4, ...Array.from({ length: 10 }, (_, i) => 10 + i)].map((i) => t0 + i * M),
      beyondLookback: 0,
    }]);
    // A 12-minute lookback reaches back to minute 9: minute 4 and 10..19 stay, 4 of them beyond it.
    const near = await findStoreHoles(store, streams, startMs, 12 * M);
    assert.deepEqual(near[0].holes, Array.from({ length: 10 }, (_, i) => t0 + (10 + i) * M));
    assert.equal(near[0].beyondLookback, 1);

    const p = new BarPipeline({ intervals: ["1m"], startMs }, () => {});
    const beyond = new Map<string, number>();
    assert.equal(restoreHoles(p, near, startMs, beyond), 10);
    assert.deepEqual(p.pendingGaps().map((g) => g.openTimeMs), near[0].holes);
    assert.deepEqual([...beyond], [[`${venue}|${symbol}|1m`, 1]]);
    assert.equal(p.dq.totalInterval("gap_bars"), 10);
  } finally {
    await store.close();
  }
});

Deno.test("BACKFILL_MAX_LOOKBACK: a duration in ms, 7d unless set; a bad value is one line naming the key", () => {
  const file = new URL("../../config/env/live.env", import.meta.url).pathname;
  const fileEnv = parseEnvFile(Deno.readTextFileSync(file), file);
  const lookback = (processEnv: Record<string, string>, base = fileEnv) =>
    resolveFeedConfig(base, processEnv, {}, "live.env").settings.BACKFILL_MAX_LOOKBACK;
  assert.equal(lookback({}), 7 * 86_400_000);
  const { BACKFILL_MAX_LOOKBACK: _, ...without } = fileEnv;
  assert.equal(lookback({}, without), 7 * 86_400_000, "an env file without the key gets the default");
  assert.equal(lookback({ BACKFILL_MAX_LOOKBACK: "90m" }), 90 * M);
  assert.equal(lookback({ BACKFILL_MAX_LOOKBACK: "12h" }), 12 * 60 * M);
  assert.throws(
    () => lookback({ BACKFILL_MAX_LOOKBACK: "a week" }),
    new RangeError(
      'config live.env: BACKFILL_MAX_LOOKBACK must be a duration like 90m, 12h or 7d (value: "a week")',
    ),
  );
  assert.throws(() => lookback({ BACKFILL_MAX_LOOKBACK: "0d" }), /BACKFILL_MAX_LOOKBACK must be more than 0/);
});
