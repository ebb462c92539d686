// A restart leaves no hole: the feed (a real subprocess) is killed with kill -9, simulated time
// moves on while it is down (the test shifts the simulator's clock, so the outage length is exact),
// and a new feed on the same store backfills every missing 1m and 1h bar from the venues' REST
// klines, paging past one request's limit; what lies beyond BACKFILL_MAX_LOOKBACK is reported.
import assert from "node:assert/strict";
import { join } from "node:path";
import { INTERVALS, type Venue } from "../lib/market/types.ts";
import { type FeedProc, metricSum, missingBetween, startFeedProc } from "./feed_proc.ts";
import { EPOCH, HOUR, MINUTE, type RunningSim, startSim } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";
import { compare, duplicateKeys, staleFeatures, storedBars, truthBars } from "./feed_truth.ts";

const ALL: Venue[] = ["binance", "bybit", "okx", "kraken"];
const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** The simulator with a shiftable clock: `jump(simMs)` moves simulated time on at once. */
function shiftableSim(
  dir: string,
  opts: { venues: Venue[]; symbols: string[]; speed: number; start: number; tradeRate?: number },
) {
  let shift = 0;
  const sim = startSim(dir, {
    venues: opts.venues,
    symbols: opts.symbols,
    speed: opts.speed,
    startSimMs: opts.start,
    tradeRate: opts.tradeRate,
    wallNow: () => Date.now() + shift,
  });
  return { sim, jump: (simMs: number) => shift += simMs / opts.speed };
}

/** Waits until every stream of `venues` x `symbols` has a stored `interval` bar opening at or after `fromMs`. */
async function storedFrom(
  feed: FeedProc,
  venues: Venue[],
  symbols: string[],
  interval: "1m" | "1h",
  fromMs: number,
) {
  await waitFor(
    `${interval} bars from ${new Date(fromMs).toISOString()} stored for every stream`,
    async () => {
      for (const v of venues) {
        for (const s of symbols) {
          if (!((await feed.bars(v, s, interval)).at(-1)?.openTimeMs! >= fromMs)) {
            return false;
          }
        }
      }
      return true;
    },
    { timeoutMs: 120_000 },
  );
}

/** Waits for a live 1m bar after the start interval and no pending gap. */
async function settle(feed: FeedProc, venues: Venue[], symbols: string[], also?: () => Promise<boolean>) {
  const started = (await feed.health()).clock.nowMs;
  await storedFrom(feed, venues, symbols, "1m", started - (started % MINUTE) + MINUTE);
  await waitFor(
    "no gap pending",
    async () => (await feed.health()).gaps.pending === 0 && (!also || await also()),
    { timeoutMs: 120_000 },
  );
}

async function checkStore(store: string, sim: RunningSim) {
  await sim.stop();
  const bars = await storedBars(store);
  assert.equal(await duplicateKeys(store), 0);
  return {
    bars,
    missing: missingBetween(bars, (iv) => INTERVALS[iv]),
    bad: compare(bars, truthBars(sim.truthPath)),
  };
}

const env = (store: string, over: Record<string, string> = {}) => ({
  STORE_PATH: store,
  QUIET: "true",
  STATUS_MIN_SECS: "1",
  INTERVALS: "1m,1h",
  ...over,
});

Deno.test("restart after kill -9 and 6 simulated minutes down (60x): no 1m bar missing, all equal truth", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_restart_" });
  const symbols = ["BTC-USDT", "ETH-USDT"];
  const { sim, jump } = shiftableSim(dir, {
    venues: ALL,
    symbols,
    speed: 60,
    start: EPOCH + HOUR - 10 * MINUTE,
  });
  const store = join(dir, "feed.duckdb");
  // Grace 30 simulated s (0.5 wall s at 60x): late trades on a loaded machine are not this test's subject.
  const e = env(store, {
    VENUES_ENABLED: ALL.join(","),
    SYMBOLS: symbols.join(","),
    BAR_CLOSE_GRACE_MS: "30000",
  });
  try {
    const a = await startFeedProc(dir, "feed1", sim.port, e);
    const t1 = (await a.health()).clock.nowMs;
    await storedFrom(a, ALL, symbols, "1m", t1 - (t1 % MINUTE) + 2 * MINUTE);
    await a.kill9();
    jump(6 * MINUTE);
    const b = await startFeedProc(dir, "feed2", sim.port, e);
    await settle(b, ALL, symbols);
    const h = await b.health();
    const m = await b.metrics();
    assert.equal((await b.child.stop(60_000)).code, 0);
    const { bars, missing, bad } = await checkStore(store, sim);
    assert.equal(sum(missing), 0, `missing between first and last stored: ${JSON.stringify([...missing])}`);
    assert.deepEqual(bad, []);
    assert.equal(h.gaps.notRecovered, 0);
    // Warm indicators: the second feed's features (backfill included) continue from the stored bars.
    assert.deepEqual(
      staleFeatures(bars).slice(0, 3),
      [],
      "stored features = a fresh run over the stored bars",
    );
    // At least the six minutes of the outage per 1m stream came from REST, marked and counted.
    const backfilled1m = bars.filter((x) => x.origin === "backfill" && x.interval === "1m").length;
    assert.ok(backfilled1m >= 6 * ALL.length * symbols.length, `backfilled 1m bars: ${backfilled1m}`);
    assert.ok(metricSum(m, "feed_backfilled_bars_total") >= 6 * ALL.length * symbols.length);
    for (const v of ALL) assert.ok(metricSum(m, "feed_gaps_total", { venue: v }) >= 6 * symbols.length, v);
  } finally {
    await sim.stop().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restart after 7 simulated hours down (600x): pages past OKX's 300, every 1m and 1h bar; then a lookback bound", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "feed_restart_long_" });
  const symbols = ["BTC-USDT"];
  // OKX (300 a page) and Kraken (the newest 720 only), few trades: 600x stays light on a loaded machine.
  const venues: Venue[] = ["okx", "kraken"];
  const { sim, jump } = shiftableSim(dir, {
    venues,
    symbols,
    speed: 600,
    start: EPOCH + HOUR - 30 * MINUTE,
    tradeRate: 0.2,
  });
  const store = join(dir, "feed.duckdb");
  const e = env(store, {
    VENUES_ENABLED: venues.join(","),
    SYMBOLS: "BTC-USDT",
    BAR_CLOSE_GRACE_MS: "300000",
  });
  try {
    await t.step("7 h outage: paged backfill, nothing missing, equal to truth", async () => {
      const a = await startFeedProc(dir, "feed1", sim.port, e);
      const t1 = (await a.health()).clock.nowMs;
      await storedFrom(a, venues, symbols, "1h", t1 - (t1 % HOUR)); // the hour it started in, via REST
      await a.kill9();
      jump(7 * HOUR);
      const b = await startFeedProc(dir, "feed2", sim.port, e);
      const t2 = (await b.health()).clock.nowMs;
      await settle(b, venues, symbols);
      await storedFrom(b, venues, symbols, "1h", t2 - (t2 % HOUR));
      assert.equal((await b.child.stop(60_000)).code, 0);
      const bars = await storedBars(store);
      const missing = missingBetween(bars, (iv) => INTERVALS[iv]);
      assert.equal(sum(missing), 0, `missing: ${JSON.stringify([...missing])}`);
      const okx1m = bars.filter((x) => x.venue === "okx" && x.interval === "1m" && x.origin === "backfill");
      assert.ok(okx1m.length > 400, `okx 1m backfilled ${okx1m.length}: more than one 300-bar page`);
      assert.ok(
        bars.filter((x) => x.interval === "1h" && x.origin === "backfill").length >= 7 * venues.length,
      );
    });

    await t.step("5 h more down with BACKFILL_MAX_LOOKBACK=2h: older bars counted and reported", async () => {
      jump(5 * HOUR);
      const c = await startFeedProc(dir, "feed3", sim.port, { ...e, BACKFILL_MAX_LOOKBACK: "2h" });
      await settle(c, venues, symbols);
      const h = await c.health();
      const m = await c.metrics();
      assert.equal((await c.child.stop(60_000)).code, 0);
      const { missing, bad } = await checkStore(store, sim);
      assert.deepEqual(bad, []);
      // Exactly the bars reported beyond the lookback are missing, every stream and interval.
      assert.deepEqual(
        Object.fromEntries([...missing].filter(([, n]) => n > 0)),
        h.gaps.beyondLookback,
      );
      assert.ok(missing.get("okx|BTC-USDT|1m")! >= 2 * 60, "about 3 h of 1m bars beyond a 2 h lookback");
      assert.equal(h.gaps.notRecovered, sum(missing));
      assert.equal(metricSum(m, "feed_gaps_beyond_lookback_total"), sum(missing));
      // The status line's "not recovered" is the same function as /health's (lib/feed/run.ts), and its
      // text is unit-tested (suspects_test); the child's piped stdout reaches its log only in blocks.
    });
  } finally {
    await sim.stop().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
