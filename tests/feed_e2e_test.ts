// End to end against the real venue simulator (in-process, port 0, 600x, real WebSockets, real REST,
// real DuckDB): stored bars equal the ground truth, a restart on the same store duplicates nothing,
// a replay of the recording gives the live bars, and the HTTP face behaves (promtool, 405, 400).
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ClosedBar, Venue } from "../lib/market/types.ts";
import { jsonLogger } from "../lib/log.ts";
import { replayText } from "../lib/feed/replay_frames.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { EPOCH, feedConfig, HOUR, MINUTE, startSim, waitFor } from "./feed_support.ts";
import { compare, duplicateKeys, storedBars, truthBars } from "./feed_truth.ts";

const VENUES: Venue[] = ["binance", "bybit", "okx", "kraken"];
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];
const START = EPOCH + HOUR - 2 * MINUTE;
const logs: string[] = [];
const log = jsonLogger("feed", { write: (l) => logs.push(l) });

async function promtool(text: string): Promise<{ code: number; out: string }> {
  const p = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const w = p.stdin.getWriter();
  await w.write(new TextEncoder().encode(text));
  await w.close();
  const o = await p.output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout) + dec.decode(o.stderr) };
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
    speed: 600,
    startSimMs: START,
    tradeRate: 1,
  });
  const store = join(dir, "feed.duckdb");
  const record = join(dir, "frames.jsonl");
  const config = feedConfig(sim.port, {
    STORE_PATH: store,
    BAR_CLOSE_GRACE_MS: "30000",
    STALE_TIMEOUT_MS: "3000",
  });
  const ctrl = new AbortController();
  let feed: RunningFeed | null = null;
  try {
    feed = (await startFeed({ config, hostname: "127.0.0.1", port: 0, log, signal: ctrl.signal, record }))!;
    const base = `http://127.0.0.1:${feed.port}`;
    const end1h = EPOCH + 2 * HOUR;
    const a = feed;
    // Run until the first whole hour after the start has closed and been stored everywhere, and the
    // 1m bar opening at its end too (it closes a wall 0.1 s later: waiting for the 1h bars alone raced).
    const m1Bars = (end1h - START) / MINUTE + 1;
    await waitFor(
      "the 1h bar of the first whole hour and the 1m bar after it",
      () =>
        [...a.service.committer.storedBy].every(([k, n]) => n >= (k.endsWith("|1h") ? 2 : m1Bars)) &&
        a.service.committer.storedBy.size === VENUES.length * SYMBOLS.length * 2,
      50_000,
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
      const b = (await startFeed({ config, hostname: "127.0.0.1", port: 0, log, signal: ctrl.signal }))!;
      feed = b;
      await waitFor(
        "three 1m bars per stream after the restart",
        () =>
          [...b.service.committer.storedBy].filter(([k]) => k.endsWith("|1m")).length === 8 &&
          [...b.service.committer.storedBy].filter(([k]) => k.endsWith("|1m")).every(([, n]) => n >= 3),
        30_000,
      );
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
