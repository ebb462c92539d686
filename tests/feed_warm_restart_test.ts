// Warm indicators after a restart: a real feed (startFeed) on a real DuckDB stops, three stored bars
// in the middle of one stream are deleted (a hole an earlier run could not fill), simulated time moves
// on while it is down, and a new feed on the same store backfills the outage and the hole from REST.
// Afterwards every stored bar's features equal a fresh feature run over the stored bars of its stream,
// bit for bit: the new feed's features continued from the stored bars, and the bars above the hole
// went through the features again once it was filled (published again where that changed them).
import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Interval, INTERVALS, type Venue } from "../lib/market/types.ts";
import type { RunningFeed } from "../lib/feed/run.ts";
import { EPOCH, feedConfig, HOUR, MINUTE, startQuietFeed, startSim } from "./feed_support.ts";
import { missingBetween } from "./feed_proc.ts";
import { waitFor } from "../lib/async/poll.ts";
import { staleFeatures, storedBars } from "./feed_truth.ts";

const VENUES: Venue[] = ["binance", "bybit"];
const SYMBOLS = ["BTC-USDT"];
const SPEED = 600;

async function deleteBars(path: string, venue: Venue, interval: Interval, opens: readonly number[]) {
  const db = await DuckDBInstance.create(path);
  const con = await db.connect();
  try {
    for (const t of opens) {
      await con.run("DELETE FROM bars WHERE venue = $1 AND interval = $2 AND open_time = $3", [
        venue,
        interval,
        t,
      ]);
    }
    await con.run("CHECKPOINT");
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

Deno.test("warm restart: stored features = fresh run over the stored bars, across a stop, an outage and an interior hole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_warm_" });
  let shift = 0;
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed: SPEED,
    startSimMs: EPOCH + HOUR - 10 * MINUTE,
    tradeRate: 2,
    wallNow: () => Date.now() + shift,
  });
  const store = join(dir, "feed.duckdb");
  // Grace 20 simulated s (longer than a simulator tick): late trades are not this test's subject.
  const config = feedConfig(sim.port, {
    VENUES_ENABLED: VENUES.join(","),
    SYMBOLS: SYMBOLS.join(","),
    STORE_PATH: store,
    INTERVALS: "1m,1h",
    BAR_CLOSE_GRACE_MS: "20000",
  });
  const ctrl = new AbortController();
  let feed: RunningFeed | null = null;
  const start = async () => feed = await startQuietFeed(config, ctrl.signal);
  const minutes = (f: RunningFeed, n: number) =>
    VENUES.every((v) => (f.service.committer.storedBy.get(`${v}|BTC-USDT|1m`) ?? 0) >= n);
  try {
    const a = await start();
    await waitFor("30 1m bars stored per stream", () => minutes(a, 30), { timeoutMs: 120_000 });
    await a.stop();
    feed = null;
    const first = await storedBars(store);
    const opens = first.filter((b) => b.venue === "binance" && b.interval === "1m").map((b) => b.openTimeMs);
    const hole = opens.slice(10, 13);
    await deleteBars(store, "binance", "1m", hole);
    shift += 5 * MINUTE / SPEED; // five simulated minutes down

    const b = await start();
    const c = b.service.committer;
    const started = b.service.startedAtMs;
    await waitFor("live 1m bars after the restart, the hole and the outage backfilled", async () => {
      const live = VENUES.every((v) => (c.storedBy.get(`${v}|BTC-USDT|1m`) ?? 0) >= 10);
      const holeBack = await b.store.countBars({
        venue: "binance",
        interval: "1m",
        fromMs: hole[0],
        toMs: hole[2] + 1,
      });
      return live && holeBack === 3 && b.service.pipeline.pendingGaps().length === 0;
    }, { timeoutMs: 120_000 });
    await b.stop();
    feed = null;
    const bars = await storedBars(store);
    const missing = missingBetween(bars.filter((x) => x.interval === "1m"), (iv) => INTERVALS[iv]);
    assert.deepEqual([...missing.values()], [0, 0], `1m bars missing: ${JSON.stringify([...missing])}`);
    assert.ok(
      bars.some((x) => x.origin === "backfill" && x.interval === "1m" && x.openTimeMs < started - MINUTE),
      "the outage came from REST",
    );
    assert.deepEqual(
      staleFeatures(bars).slice(0, 3),
      [],
      "stored features = a fresh run over the stored bars",
    );
  } finally {
    await (feed as RunningFeed | null)?.stop();
    ctrl.abort();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
