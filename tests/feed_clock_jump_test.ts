// A restarted simulator whose clock is 7 h behind the feed's: the feed sees the jump at the reconnect,
// counts it, never stores flat bars from the clock it no longer trusts, deletes the old timeline's
// "future" bars, and builds bars from trades again that equal the new simulator's ground truth. The
// outage in between is one reconnect however many attempts failed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { EMPTY_FEATURES } from "../lib/features/feature_set.ts";
import { jsonLogger } from "../lib/log.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { BarStore } from "../lib/store/bar_store.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { EPOCH, feedConfig, HOUR, MINUTE, type RunningSim, startSim } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";
import { compare, storedBars, truthBars } from "./feed_truth.ts";

const SYMBOLS = ["BTC-USDT"];

async function metric(port: number, series: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
}

Deno.test("simulator down, then back 7 h behind: one reconnect, jump counted, future bars gone, bars equal the new truth", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_clock_jump_" });
  const sims: RunningSim[] = [];
  const simAt = (sub: string, startSimMs: number, port?: number) => {
    Deno.mkdirSync(join(dir, sub));
    const s = startSim(join(dir, sub), {
      venues: ["binance"],
      symbols: SYMBOLS,
      speed: 60,
      startSimMs,
      tradeRate: 2,
      seed: sims.length + 11,
      port,
    });
    sims.push(s);
    return s;
  };
  const first = simAt("first", EPOCH + 7 * HOUR);
  const storePath = join(dir, "feed.duckdb");
  const config = feedConfig(first.port, {
    VENUES_ENABLED: "binance",
    SYMBOLS: SYMBOLS.join(","),
    INTERVALS: "1m",
    STORE_PATH: storePath,
    STALE_TIMEOUT_MS: "2000",
    BACKOFF_BASE_MS: "20",
    BACKOFF_MAX_MS: "100",
  });
  const logs: string[] = [];
  let feed: RunningFeed | null = null;
  try {
    feed = (await startFeed({
      config,
      hostname: "127.0.0.1",
      port: 0,
      log: jsonLogger("feed", { write: (l) => logs.push(l) }),
      signal: new AbortController().signal,
    }))!;
    const f = feed;
    const tradeBars = (fromMs: number, toMs: number) =>
      f.store.countBars({ interval: "1m", fromMs, toMs }).then(async (n) =>
        n === 0 ? 0 : (await f.store.recentBars("binance", "BTC-USDT", "1m", 5000))
          .filter((b) => b.origin === "trades" && b.openTimeMs >= fromMs && b.openTimeMs < toMs).length
      );
    await waitFor(
      "three trade-built bars on the first timeline",
      async () => (await tradeBars(EPOCH + 7 * HOUR, Infinity)) >= 3,
    );

    await first.stop();
    // An outage: the feed retries (and fails) several times before the simulator is back.
    const failures = 'feed_connect_failures_total{venue="binance"}';
    await waitFor("three failed connect attempts", async () => (await metric(f.port, failures)) >= 3);
    const second = simAt("second", EPOCH, first.port);
    await waitFor(
      "three trade-built bars on the second timeline",
      async () => (await tradeBars(EPOCH + MINUTE, EPOCH + HOUR)) >= 3,
    );
    const jumps = await metric(f.port, 'feed_clock_jumps_total{direction="backward"}');
    const deleted = await metric(f.port, "feed_clock_deleted_bars_total");
    const reconnects = await metric(f.port, 'feed_reconnects_total{venue="binance"}');
    const failed = await metric(f.port, failures);
    const health = await (await fetch(`http://127.0.0.1:${f.port}/health`)).json();
    // /api/bars serves the new timeline's bars, newest last: nothing from the old one's future.
    const api =
      await (await fetch(`http://127.0.0.1:${f.port}/api/bars?venue=binance&symbol=BTC-USDT&interval=1m`))
        .json() as { openTimeMs: number }[];
    await feed.stop();
    feed = null;
    await second.stop();

    assert.equal(jumps, 1, "one backward jump counted");
    assert.equal(reconnects, 1, `one outage is one reconnect (${failed} failed attempts counted apart)`);
    assert.ok(failed >= 3);
    assert.deepEqual(health.clock.jumps, { backward: 1, forward: 0 }, "/health names the jump");
    assert.ok(deleted >= 3, `the old timeline's bars deleted (${deleted})`);
    assert.ok(api.length > 0 && api.at(-1)!.openTimeMs < EPOCH + HOUR, "/api/bars ends on the new timeline");
    const bars = await storedBars(storePath);
    const late = bars.filter((b) => b.openTimeMs >= EPOCH + HOUR);
    assert.deepEqual(late, [], "no bar of the old timeline is left ahead of the new clock");
    // Every stored bar of the new timeline equals its ground truth (flat only where it had no trade).
    assert.deepEqual(compare(bars, truthBars(second.truthPath, ["1m"])), []);
    assert.ok(bars.filter((b) => b.origin === "trades").length >= 3);
    assert.ok(logs.some((l) => l.includes("venue clock jumped")), "the jump is logged");
  } finally {
    await feed?.stop();
    for (const s of sims) await s.stop().catch(() => {});
  }
});

Deno.test("a feed started on a store holding bars ahead of the clock deletes them: /api/bars is fresh", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_clock_ahead_" });
  const storePath = join(dir, "feed.duckdb");
  // What a run on a simulator 7 h ahead left behind: flat bars in this run's future.
  const old = await BarStore.open(storePath);
  const future = (i: number): ClosedBar => ({
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: EPOCH + 7 * HOUR + i * MINUTE,
    o: 100,
    h: 100,
    l: 100,
    c: 100,
    v: 0,
    trades: 0,
    origin: "flat",
    features: EMPTY_FEATURES,
    closedAtMs: EPOCH + 7 * HOUR + (i + 1) * MINUTE,
  });
  await old.upsertBars([0, 1, 2, 3, 4].map(future));
  await old.close();
  const sim = startSim(dir, {
    venues: ["binance"],
    symbols: SYMBOLS,
    speed: 60,
    startSimMs: EPOCH,
    tradeRate: 2,
  });
  let feed: RunningFeed | null = null;
  try {
    feed = (await startFeed({
      config: feedConfig(sim.port, {
        VENUES_ENABLED: "binance",
        SYMBOLS: SYMBOLS.join(","),
        INTERVALS: "1m",
        STORE_PATH: storePath,
      }),
      hostname: "127.0.0.1",
      port: 0,
      log: () => {},
      signal: new AbortController().signal,
    }))!;
    const f = feed;
    const url = `http://127.0.0.1:${f.port}/api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=3`;
    let api: ClosedBar[] = [];
    await waitFor("two trade-built bars served by /api/bars", async () => {
      api = await (await fetch(url)).json();
      return api.filter((b) => b.origin === "trades").length >= 2;
    });
    assert.ok(api.every((b) => b.openTimeMs < EPOCH + HOUR), JSON.stringify(api.map((b) => b.openTimeMs)));
    assert.equal(await metric(f.port, "feed_clock_deleted_bars_total"), 5);
  } finally {
    await feed?.stop();
    await sim.stop();
  }
});
