// End to end against the real venue simulator (in-process, port 0, 600x, real WebSockets, real REST,
// real DuckDB): stored bars equal the ground truth, a restart on the same store duplicates nothing,
// a replay of the recording gives the live bars, and the HTTP face behaves (promtool, 405, 400).
// The test moves simulated time itself, a step at a time once the feed has every trade so far: on a
// wall clock at 600x, which bars the feed had to repair from REST depended on machine load.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ClosedBar, Venue } from "../lib/market/types.ts";
import { jsonLogger } from "../lib/log.ts";
import { replayText } from "../lib/feed/replay_frames.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { waitFor } from "../lib/async/poll.ts";
import type { FeedService } from "../lib/feed/service.ts";
import {
  EPOCH,
  feedConfig,
  HOUR,
  MINUTE,
  type RunningSim,
  startSim,
  steppedClock,
  subscribed,
} from "./feed_support.ts";
import { compare, duplicateKeys, storedBars, truthBars } from "./feed_truth.ts";
import { outputWithin } from "../testing/bounded_output.ts";

const VENUES: Venue[] = ["binance", "bybit", "okx", "kraken"];
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];
const START = EPOCH + HOUR - 2 * MINUTE;
const SPEED = 600;
const GRACE = 30_000;
/** Simulated ms per step: under the close grace, so no trade can reach the feed after its bar closed. */
const STEP = 15_000;
const logs: string[] = [];
const log = jsonLogger("feed", { write: (l) => logs.push(l) });

async function promtool(text: string): Promise<{ code: number; out: string }> {
  const o = await outputWithin("promtool", { args: ["check", "metrics"] }, undefined, text);
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout) + dec.decode(o.stderr) };
}

/** The feed has taken in every trade the simulator delivered so far (per venue and symbol). */
function caughtUp(sim: RunningSim, service: FeedService): boolean {
  return VENUES.every((v) =>
    SYMBOLS.every((sym) => {
      const last = sim.sim.recentTrades(v, sym).at(-1);
      return last === undefined ||
        (service.ingest.streams.get(v)?.get(sym)?.lastTradeMs ?? -Infinity) >= last.timeMs;
    })
  );
}

/** Moves simulated time to `target` in STEPs, each delivered (and, with a feed, taken in) before the next. */
async function stepTo(sim: RunningSim, target: number, service?: FeedService): Promise<void> {
  while (sim.sim.clock.nowMs() < target) {
    const simMs = Math.min(STEP, target - sim.sim.clock.nowMs());
    sim.wall!.advance(simMs / SPEED);
    sim.sim.tick();
    if (service) {
      await waitFor(
        `the feed to take in every trade up to ${new Date(sim.sim.simNow()).toISOString()}`,
        () => caughtUp(sim, service),
      );
    }
  }
}

/** The simulator's connections are exactly the feed's, each subscribed (and none of an earlier feed). */
async function connected(sim: RunningSim, service: FeedService): Promise<void> {
  await waitFor(
    "every venue connected and subscribed to its trades",
    () =>
      sim.sim.conns.size === service.connections.length && service.connections.every((c) => c.up) &&
      subscribed(sim, VENUES, SYMBOLS),
  );
}

function streamsOf(bars: readonly ClosedBar[], interval: string) {
  const m = new Map<string, number[]>();
  for (const b of bars.filter((x) => x.interval === interval)) {
    const k = `${b.venue}|${b.symbol}`;
    (m.get(k) ?? m.set(k, []).get(k)!).push(b.openTimeMs);
  }
  return m;
}

Deno.test("feed against the simulator: truth, HTTP face, restart, replay", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "feed_e2e_" });
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed: SPEED,
    startSimMs: START,
    tradeRate: 1,
    stepped: true,
  });
  const store = join(dir, "feed.duckdb");
  const record = join(dir, "frames.jsonl");
  const config = feedConfig(sim.port, {
    STORE_PATH: store,
    BAR_CLOSE_GRACE_MS: String(GRACE),
    // Wall seconds: frames pause whenever the test does not step, and a pause must not be a stall.
    STALE_TIMEOUT_MS: "600000",
  });
  const clock = steppedClock(sim);
  const ctrl = new AbortController();
  let feed: RunningFeed | null = null;
  try {
    // The feed starts half a minute in: the start minute (and hour) are gaps it backfills from REST.
    await stepTo(sim, START + MINUTE / 2);
    feed =
      (await startFeed({ config, clock, hostname: "127.0.0.1", port: 0, log, signal: ctrl.signal, record }))!;
    const base = `http://127.0.0.1:${feed.port}`;
    const end1h = EPOCH + 2 * HOUR;
    const a = feed;
    await connected(sim, a.service);
    // Through the first whole hour after the start and the 1m bar opening at its end, both closed.
    await stepTo(sim, end1h + MINUTE + GRACE, a.service);
    const m1Bars = (end1h - START) / MINUTE + 1;
    await waitFor(
      "the 1h bar of the first whole hour and the 1m bar after it, stored for every stream",
      () =>
        [...a.service.committer.storedBy].every(([k, n]) => n >= (k.endsWith("|1h") ? 2 : m1Bars)) &&
        a.service.committer.storedBy.size === VENUES.length * SYMBOLS.length * 2,
    );

    await t.step("HTTP: /metrics passes promtool (only the mandated *_ms names are flagged)", async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      for (
        const name of [
          "feed_transport_latency_ms_bucket",
          "feed_bars_total",
          "feed_connection_up",
          "feature_compute_ms_count",
        ]
      ) {
        assert.match(text, new RegExp(`^${name}\\{`, "m"), name);
      }
      const r = await promtool(text);
      const problems = r.out.trim().split("\n").filter((l) => l !== "").sort();
      assert.deepEqual(problems, [
        "feature_compute_ms metric names should not contain abbreviated units",
        "feed_bar_close_lag_ms metric names should not contain abbreviated units",
        "feed_transport_latency_ms metric names should not contain abbreviated units",
      ]);
      assert.equal(r.code, 3, "3 = lint findings only (1 would be a parse error)");
    });

    await t.step("HTTP: GET only, /api/bars validation and content, /health profile", async () => {
      const post = await fetch(`${base}/metrics`, { method: "POST" });
      assert.equal(post.status, 405);
      await post.body?.cancel();
      for (
        const [q, want] of [
          [
            "venue=ftx&symbol=BTC-USDT&interval=1m",
            /^\{"error":"venue must be one of binance, bybit, okx, kraken, got \\"ftx\\""\}\n$/,
          ],
          ["venue=binance&interval=1m", /^\{"error":"symbol is required/],
          ["venue=binance&symbol=BTC-USDT&interval=5m", /interval must be one of 1m, 1h, got \\"5m\\"/],
          [
            "venue=binance&symbol=BTC-USDT&interval=1m&limit=0",
            /limit must be a whole number from 1 to 5000, got \\"0\\"/,
          ],
          ["venue=binance&symbol=BTC-USDT&interval=1m&limit=2x", /limit must be a whole number/],
        ] as const
      ) {
        const r = await fetch(`${base}/api/bars?${q}`);
        assert.equal(r.status, 400, q);
        assert.match(await r.text(), want);
      }
      const bars = await (await fetch(`${base}/api/bars?venue=binance&symbol=BTCUSDT&interval=1m&limit=5`))
        .json();
      assert.equal(bars.length, 5);
      for (let i = 1; i < 5; i++) assert.equal(bars[i].openTimeMs - bars[i - 1].openTimeMs, MINUTE);
      assert.deepEqual(Object.keys(bars[0].features), [
        "ema_12",
        "ema_26",
        "sma_20",
        "rsi_14",
        "atr_14",
        "vwap_session_utc",
      ]);
      assert.ok(bars[4].features.ema_26 !== null, "warm features after 60+ bars");
      const h = await (await fetch(`${base}/health`)).json();
      assert.equal(h.profile, "sim");
      assert.equal(h.clock.kind, "sim");
      assert.equal(h.connections.length, 5);
      assert.ok(h.connections.every((c: { up: boolean }) => c.up));
      assert.equal(h.store.path, store);
    });

    await a.stop();
    feed = null;
    // Stepped time: no trade arrived after its bar closed, so no bar needed a repair from REST.
    assert.equal(a.service.ingest.verdicts.late, 0, "late trades");
    assert.equal(a.service.committer.repaired, 0, "bars repaired from REST");
    const truth = truthBars(sim.truthPath);
    const first = await storedBars(store);

    await t.step("stored 1m and 1h bars equal the ground truth (4 venues x 2 symbols)", () => {
      assert.deepEqual(compare(first, truth), []);
      const m1 = streamsOf(first, "1m");
      assert.equal(m1.size, 8);
      for (const [k, opens] of m1) {
        // Contiguous from the start minute (its gap backfilled from REST) through the first whole hour.
        assert.equal(opens[0], START, k);
        opens.forEach((o, i) => assert.equal(o, START + i * MINUTE, k));
        assert.ok(opens.at(-1)! >= end1h, `${k} reaches the end of the hour`);
      }
      const hour = first.filter((b) => b.interval === "1h" && b.openTimeMs === EPOCH + HOUR);
      assert.equal(hour.length, 8);
      assert.ok(hour.every((b) => b.origin === "trades" && b.trades > 3000), "whole hour built from trades");
      const startGaps = first.filter((b) => b.origin === "backfill");
      assert.deepEqual(startGaps.map((b) => `${b.interval}@${b.openTimeMs}`).sort(), [
        ...Array(8).fill(`1h@${EPOCH}`),
        ...Array(8).fill(`1m@${START}`),
      ]);
    });

    await t.step("replay of the recording gives the live run's bars", () => {
      const text = Deno.readTextFileSync(record);
      for (const venue of VENUES) {
        const out: ClosedBar[] = [];
        const r = replayText(text, { venue, graceMs: 30_000, onBar: (b) => out.push(b) });
        assert.equal(r.tally.kinds.dropped ?? 0, 0);
        const live = first.filter((b) => b.venue === venue && b.origin !== "backfill");
        const pick = (
          b: ClosedBar,
        ) => [b.symbol, b.interval, b.openTimeMs, b.o, b.h, b.l, b.c, b.v, b.trades, b.origin];
        const sort = (x: ClosedBar[]) => x.map(pick).sort((p, q) => String(p).localeCompare(String(q)));
        // The live run stopped with bars still open; the replay may close the same ones or not.
        const replayed = out.filter((b) =>
          live.some((l) =>
            l.symbol === b.symbol && l.interval === b.interval && l.openTimeMs === b.openTimeMs
          )
        );
        assert.equal(replayed.length, live.length, venue);
        assert.deepEqual(sort(replayed), sort(live), venue);
      }
    });

    await t.step("restart on the same store: gap backfilled, no key stored twice", async () => {
      const before = first.length;
      await waitFor("the first feed's connections gone from the simulator", () => sim.sim.conns.size === 0);
      // Down five minutes, back half a minute into a minute (a gap again), then three minutes on.
      const restart = end1h + 6 * MINUTE + MINUTE / 2;
      await stepTo(sim, restart);
      const b =
        (await startFeed({ config, clock, hostname: "127.0.0.1", port: 0, log, signal: ctrl.signal }))!;
      feed = b;
      await connected(sim, b.service);
      await stepTo(sim, restart + 3 * MINUTE + GRACE, b.service);
      await waitFor("three 1m bars per stream after the restart", () => {
        const m1 = [...b.service.committer.storedBy].filter(([k]) => k.endsWith("|1m"));
        return m1.length === 8 && m1.every(([, n]) => n >= 3);
      });
      await b.stop();
      feed = null;
      const all = await storedBars(store);
      assert.equal(await duplicateKeys(store), 0);
      assert.ok(all.length >= before + 24, `${all.length} rows after ${before}`);
      assert.deepEqual(compare(all, truthBars(sim.truthPath)), []);
    });
  } finally {
    await feed?.stop();
    ctrl.abort();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
