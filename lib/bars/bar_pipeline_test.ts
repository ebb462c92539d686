import assert from "node:assert/strict";
import type { ClosedBar, Trade, Venue, VenueKline } from "../market/types.ts";
import { FEATURE_KEYS } from "../features/feature_set.ts";
import { FeatureStage } from "../features/feature_stage.ts";
import { ohlcvOfRow } from "../features/ohlcv_file.ts";
import { closeTo, type FixtureBar, loadReferencePair } from "../../testing/reference_fixture.ts";
import { BarPipeline, type EventVerdict, type PipelineOptions } from "./bar_pipeline.ts";

const M = 60_000;
const pair = await loadReferencePair();

/** Four trades that rebuild a fixture bar exactly: open, high, low, close. */
function tradesFor(b: FixtureBar, i: number, venue: Venue = "binance"): Trade[] {
  const q = b.v / 4;
  const sizes = [q, q, q, b.v - 3 * q];
  return [b.o, b.h, b.l, b.c].map((price, k) => ({
    kind: "trade",
    venue,
    symbol: "BTC-USDT",
    tradeId: String(i * 4 + k + 1),
    price,
    size: sizes[k],
    side: "buy",
    venueTimeMs: b.t + 1000 * (k + 1),
    receivedAtMs: b.t + 1000 * (k + 1) + 3,
  }));
}

function kline(b: FixtureBar, closed = true): VenueKline {
  return {
    kind: "kline",
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    ...ohlcvOfRow(b),
    closed,
    venueTimeMs: b.t + M - 1,
    receivedAtMs: b.t + M,
  };
}

function setup(opts: PipelineOptions = {}) {
  const out: ClosedBar[] = [];
  // The pipeline releases bars; the feature stage after it gives them their features.
  const stage = new FeatureStage();
  const p = new BarPipeline({ intervals: ["1m"], ...opts }, (b) => out.push(stage.close(b)));
  return { p, out };
}

function assertMatchesReference(out: readonly ClosedBar[]) {
  const bad: string[] = [];
  out.forEach((bar, j) => {
    const i = pair.t.indexOf(bar.openTimeMs);
    for (const k of FEATURE_KEYS) {
      if (!closeTo(bar.features[k], pair.values[k][i])) bad.push(`${k}[${i}] ${bar.features[k]}`);
    }
    assert.equal(i, j, "bars come out in open-time order without holes");
  });
  assert.deepEqual(bad.slice(0, 3), []);
}

Deno.test("BarPipeline: trades -> bars -> features match the TA-Lib reference (300 bars)", () => {
  const { p, out } = setup();
  const bars = pair.bars.slice(0, 300);
  bars.forEach((b, i) => tradesFor(b, i).forEach((t) => assert.equal(p.event(t), "bar_input")));
  p.advance(bars[299].t + M + 2000);
  assert.equal(out.length, 300);
  out.forEach((c, i) => {
    assert.deepEqual([c.o, c.h, c.l, c.c, c.trades, c.origin], [
      bars[i].o,
      bars[i].h,
      bars[i].l,
      bars[i].c,
      4,
      "trades",
    ]);
    assert.ok(Math.abs(c.v - bars[i].v) <= 1e-12 * bars[i].v);
  });
  assert.equal(out[0].closedAtMs, bars[1].t + 1003); // closed by the first trade of the next minute
  assert.equal(out[299].closedAtMs, bars[299].t + M + 2000); // closed by the clock
  assertMatchesReference(out);
});

Deno.test("BarPipeline: a down period becomes gaps; backfilled bars feed the indicators in open-time order", () => {
  const { p, out } = setup({ maxGapWaitMs: 3_600_000 });
  const bars = pair.bars.slice(0, 100);
  bars.forEach((b, i) => {
    if (i === 50) {
      tradesFor(b, i).slice(0, 2).forEach((t) => p.event(t));
      p.connectionDown("binance", b.t + 10_000);
    } else if (i === 53) {
      p.connectionUp("binance", b.t + 5_000);
      tradesFor(b, i).slice(2).forEach((t) => p.event(t));
    } else if (i < 50 || i > 53) {
      tradesFor(b, i).forEach((t) => p.event(t));
    } else {
      p.advance(b.t + 30_000);
    }
  });
  p.advance(bars[99].t + M + 2000);
  assert.deepEqual(p.pendingGaps().map((g) => (g.openTimeMs - bars[0].t) / M), [50, 51, 52, 53]);
  assert.equal(out.length, 50, "bars after the gap are held back");
  for (const i of [52, 50, 53, 51]) assert.equal(p.backfill(kline(bars[i]), bars[99].t + 2 * M), true);
  assert.equal(p.backfill(kline(bars[51]), bars[99].t + 2 * M), false); // not an open gap any more
  assert.equal(out.length, 100);
  assert.deepEqual(out.slice(49, 55).map((b) => b.origin), [
    "trades",
    "backfill",
    "backfill",
    "backfill",
    "backfill",
    "trades",
  ]);
  assertMatchesReference(out);
  const [row] = p.dq.snapshot();
  assert.equal(row.counters.reconnects, 1);
  assert.deepEqual(row.intervals["1m"], {
    trade_bars: 96,
    flat_bars: 0,
    gap_bars: 4,
    backfilled_bars: 4,
    abandoned_gaps: 0,
    kline_checked: 0,
    kline_mismatches: 0,
  });
});

Deno.test("BarPipeline: duplicates, invalid and late trades are dropped and counted; conservation holds", () => {
  const { p, out } = setup({ graceMs: 0 });
  const b = pair.bars.slice(0, 3);
  const trades = [...tradesFor(b[0], 0), ...tradesFor(b[1], 1)];
  const verdicts: EventVerdict[] = []; // ids 1..8, then 900 (invalid: not tracked), 901, 903
  for (const t of trades) verdicts.push(p.event(t));
  verdicts.push(p.event(trades[1])); // duplicate id
  verdicts.push(p.event({ ...trades[2], tradeId: "900", price: Number.NaN }));
  p.advance(b[1].t + M); // minute 1 closes
  verdicts.push(p.event({ ...trades[5], tradeId: "901" })); // minute 1 again: late
  verdicts.push(p.event({ ...trades[5], tradeId: "903", venueTimeMs: b[2].t })); // id 902 skipped
  const tally = Object.fromEntries(["bar_input", "duplicate", "invalid", "late"].map((v) => [
    v,
    verdicts.filter((x) => x === v).length,
  ]));
  assert.deepEqual(tally, { bar_input: 9, duplicate: 1, invalid: 1, late: 1 });
  assert.equal(verdicts.length, trades.length + 4);
  assert.equal(out.length, 2);
  assert.equal(out[1].trades, 4, "the late trade did not change the closed bar");
  const c = p.dq.snapshot()[0].counters;
  assert.deepEqual(
    [c.duplicates, c.invalid, c.late_trades, c.id_gaps, c.ids_missing],
    [1, 1, 1, 2, 893],
  );
});

Deno.test("BarPipeline: venue klines are cross-checked; divergence compares venues' latest closes", () => {
  const { p, out } = setup({ graceMs: 0 });
  const b = pair.bars.slice(0, 2);
  for (const venue of ["binance", "okx"] as const) tradesFor(b[0], 0, venue).forEach((t) => p.event(t));
  p.event(kline(b[0]));
  p.event({ ...kline(b[0]), venue: "okx", c: b[0].c + 1 });
  p.event({ ...trade0(b[1], "okx"), price: b[0].c * 1.001 }); // okx moves on first
  p.advance(b[0].t + M);
  assert.equal(out.length, 2);
  const rows = p.dq.snapshot();
  assert.deepEqual(
    rows.map((r) => [r.venue, r.intervals["1m"]?.kline_checked, r.intervals["1m"]?.kline_mismatches]),
    [
      ["binance", 1, 0],
      ["okx", 1, 1],
    ],
  );
  const d = p.divergence.row("BTC-USDT", "1m")!;
  assert.deepEqual([d.openTimeMs, d.venues, d.bps], [b[0].t, ["binance", "okx"], 0]);
  p.event({ ...kline(b[0]), interval: "1h" });
  assert.equal(p.event({ ...kline(b[0]), o: Number.NaN }), "invalid");
});

function trade0(b: FixtureBar, venue: Venue): Trade {
  return tradesFor(b, 1000, venue)[0];
}

Deno.test("BarPipeline: gaps not backfilled in time are given up and the held bars go on", () => {
  const { p, out } = setup({ graceMs: 0, maxGapWaitMs: 150_000, startMs: pair.bars[0].t + 5 });
  const bars = pair.bars.slice(0, 3);
  bars.forEach((b, i) => tradesFor(b, i).forEach((t) => p.event(t)));
  p.advance(bars[2].t + M);
  assert.equal(out.length, 0, "the first minute was only partly seen: a gap holds the rest");
  assert.deepEqual(p.pendingGaps().map((g) => g.openTimeMs), [bars[0].t]);
  p.advance(bars[0].t + M + 150_000);
  assert.deepEqual(out.map((b) => b.openTimeMs), [bars[1].t, bars[2].t]);
  assert.equal(p.dq.snapshot()[0].intervals["1m"]?.abandoned_gaps, 1);
});

Deno.test("BarPipeline: replay mode (no backfill) never holds bars; 1m and 1h streams run side by side", () => {
  const out: ClosedBar[] = [];
  const stage = new FeatureStage();
  const p = new BarPipeline({ awaitBackfill: false, graceMs: 0 }, (b) => out.push(stage.close(b)));
  const bars = pair.bars.slice(100, 190); // crosses 2024-05-15T00:00Z (index 120)
  bars.forEach((b, i) => tradesFor(b, i).forEach((t) => p.event(t)));
  p.advance(bars.at(-1)!.t + M);
  const hours = out.filter((b) => b.interval === "1h");
  assert.equal(out.filter((b) => b.interval === "1m").length, 90);
  assert.deepEqual(hours.map((b) => new Date(b.openTimeMs).toISOString()), [
    "2024-05-14T23:00:00.000Z",
    "2024-05-15T00:00:00.000Z",
  ]);
  assert.equal(hours[1].features.vwap_session_utc !== null, true);
  assert.equal(hours[0].features.ema_12, null);
});
