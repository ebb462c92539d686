// Replay of bare venue frames captured by other tools: several captures in one file, a symbol quiet
// for months, frames out of order, every venue. Every trade is printed exactly once in input order;
// only duplicates and invalid records are left out and counted; a stretch with no frame at all is a
// recording gap (gap intervals, never flat bars); time going back starts a new session.
import assert from "node:assert/strict";
import { join } from "node:path";
import { replayText, tradeLine } from "../lib/feed/replay_frames.ts";
import { type ClosedBar, INTERVALS, type Venue, VENUES } from "../lib/market/types.ts";
import { CONTROL_FILES, DAY, fixture, shifted, TRADE_FILES, tradesOf } from "./replay_fixture_input.ts";
import { runScript } from "../testing/script_proc.ts";

const SCRIPT = new URL("../scripts/replay.ts", import.meta.url).pathname;
const M = INTERVALS["1m"];
const H = INTERVALS["1h"];

async function replayCli(input: string, ...args: string[]) {
  const { code, stdout, stderr } = await runScript(SCRIPT, ["--venue", "binance", "--input", input, ...args]);
  assert.equal(code, 0, stderr);
  return { lines: stdout === "" ? [] : stdout.trimEnd().split("\n"), ...JSON.parse(stderr) };
}

interface DqLike {
  symbol: string;
  counters: Record<string, number>;
  intervals: Record<string, Record<string, number>>;
}
const dqOf = (dq: DqLike[], symbol: string) => dq.find((r) => r.symbol === symbol)!;

/** Bars whose interval overlaps [fromMs, toMs): the recording holds nothing there. */
const inGap = (bars: readonly ClosedBar[], fromMs: number, toMs: number) =>
  bars.filter((b) => b.openTimeMs < toMs && b.openTimeMs + INTERVALS[b.interval] > fromMs);

Deno.test("replay --venue binance: concatenated captures -> every trade once, sessions, gap without flat bars", async () => {
  const dir = await Deno.makeTempDir({ prefix: "replay_captures_" });
  try {
    const agg = fixture("binance", "aggTrade.jsonl"); // itself two captures: 16 frames Aug 2021, 11 Apr 2021
    const old = fixture("binance", "trade.jsonl"); // one frame, Apr 2019
    const bad = [
      "{not json",
      agg[0].replace(/"p":"[^"]+"/, '"p":"NaN"'),
      agg[1].replace(/"q":"[^"]+"/, '"q":"0.00000000"'),
    ];
    const input = join(dir, "captures.jsonl");
    await Deno.writeTextFile(input, [...agg, ...old, ...agg, ...bad].join("\n") + "\n");
    const unique = tradesOf("binance", [...agg, ...old]);
    assert.equal(unique.length, 28);

    const t = await replayCli(input, "--emit", "trades");
    assert.deepEqual(t.lines, unique.map(tradeLine), "every trade once, in input order");
    const gapFrom = unique[27].venueTimeMs; // the 2019 trade, then nothing until the Aug capture again
    const gapTo = unique[0].venueTimeMs;
    assert.deepEqual(t.tally.dropped, { duplicate: 27, invalid_value: 2, malformed_json: 1 });
    assert.equal(t.tally.sessions, 4); // Aug | Apr | 2019 + Aug again | Apr again + bad frames
    assert.deepEqual(t.tally.spans.map((s: { frames: number }) => s.frames), [16, 11, 17, 14]);
    assert.equal(t.tally.recordingGaps, 1);
    assert.deepEqual(t.tally.gapSpans, [[gapFrom, gapTo]]);
    assert.deepEqual(t.tally.trades, {
      "FTM-USDT": 13,
      "XMR-BTC": 3,
      "SWRV-BUSD": 2,
      "BUSD-TRY": 3,
      "VET-ETH": 5,
      "QSP-BTC": 1,
      "BNB-BTC": 1,
    });
    assert.equal(t.tally.verdicts.invalid, undefined, "no skew verdict across sessions");
    assert.equal(t.tally.verdicts.bar_input, 28);

    const b = await replayCli(input);
    const bars: ClosedBar[] = b.lines.map((l: string) => JSON.parse(l));
    // The first capture's own bars (Aug 2021 14:46) lie in that span too; nothing else does.
    assert.deepEqual(
      inGap(bars, gapFrom, gapTo).map((x) => `${x.symbol} ${x.interval} ${x.openTimeMs} ${x.origin}`),
      [`FTM-USDT 1m ${Math.floor(gapTo / M) * M} trades`, `XMR-BTC 1m ${Math.floor(gapTo / M) * M} trades`],
    );
    const bnb = dqOf(b.dq, "BNB-BTC");
    assert.equal(bnb.intervals["1m"].flat_bars, 0);
    // Decided by the last clock of that session (14:47:05 UTC): every minute from the 2019 one to the
    // one the recording resumed in is a gap; the hour it resumed in is still open.
    assert.equal(bnb.intervals["1m"].gap_bars, Math.floor(gapTo / M) - Math.floor(gapFrom / M) + 1);
    assert.equal(bnb.intervals["1h"].gap_bars, Math.floor(gapTo / H) - Math.floor(gapFrom / H));
    assert.equal(bnb.intervals["1h"].flat_bars, 0);
    assert.equal(bnb.counters.reconnects, 0, "a recording gap is not a reconnect");
    assert.deepEqual(b.tally.gapIntervals, {
      "BNB-BTC": { "1m": bnb.intervals["1m"].gap_bars, "1h": bnb.intervals["1h"].gap_bars },
    });

    // --flush: the counters count exactly the bars printed (none after a session's last data).
    const f = await replayCli(input, "--flush");
    const printed: Record<string, number> = {};
    for (const l of f.lines) {
      const bar: ClosedBar = JSON.parse(l);
      const k = `${bar.symbol}|${bar.interval}|${bar.origin}`;
      printed[k] = (printed[k] ?? 0) + 1;
    }
    const counted: Record<string, number> = {};
    for (const r of f.dq as DqLike[]) {
      for (const [iv, c] of Object.entries(r.intervals)) {
        if (c.trade_bars) counted[`${r.symbol}|${iv}|trades`] = c.trade_bars;
        if (c.flat_bars) counted[`${r.symbol}|${iv}|flat`] = c.flat_bars;
      }
    }
    assert.deepEqual(printed, counted);
    assert.ok(f.lines.length > b.lines.length, "--flush closes the bars still open at each session's end");

    const usage = await runScript(SCRIPT, ["--venue", "binance", "--input", input, "--max-silence-ms", "0"]);
    assert.equal(usage.code, 2);
    assert.equal(
      usage.stderr,
      "replay: --max-silence-ms must be a whole number > 0\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("replay: a symbol quiet for two months: flat bars only while other frames show the recording alive, none across the stretch with no frame", () => {
  const agg = fixture("binance", "aggTrade.jsonl");
  const ftm = agg[0]; // FTMUSDT, T 1628952396572
  const xmr = agg.find((l) => l.includes('"XMRBTC"'))!;
  const at = (raw: string, ms: number, id: number) => {
    const f = JSON.parse(raw);
    Object.assign(f.data, { E: ms, T: ms, a: id, f: id, l: id });
    return JSON.stringify(f);
  };
  const T0 = Date.UTC(2021, 7, 1);
  const R = T0 + 61 * DAY + 5_000; // the recording resumes
  const lines: string[] = [];
  for (let k = 0; k < 2880; k++) { // one FTM trade every 30 s for a day: the recording is alive
    lines.push(at(ftm, T0 + 5_000 + k * 30_000, 1 + k));
    if (k === 0) lines.push(at(xmr, T0 + 10_000, 1));
  }
  for (let k = 0; k < 10; k++) {
    lines.push(at(ftm, R + k * 30_000, 5000 + k));
    if (k === 4) lines.push(at(xmr, R + 130_000, 2)); // after the FTM frame at R + 120 s
  }
  const printed: string[] = [];
  const bars: ClosedBar[] = [];
  const r = replayText(lines.join("\n"), {
    venue: "binance",
    onTrade: (t) => printed.push(t.symbol),
    onBar: (b) => bars.push(b),
  });
  assert.equal(printed.length, 2892);
  assert.deepEqual(r.tally.trades, { "FTM-USDT": 2890, "XMR-BTC": 2 });
  assert.equal(r.tally.sessions, 1);
  const lastAlive = T0 + 5_000 + 2879 * 30_000; // 23:59:35 on day 0
  assert.deepEqual(r.tally.gapSpans, [[lastAlive, R]]);
  const x1m = bars.filter((b) => b.symbol === "XMR-BTC" && b.interval === "1m");
  const minute = (b: ClosedBar) => (b.openTimeMs - T0) / M;
  // Day 0: its trade at 00:00, flat 00:01..23:58 (23:59 holds the last frame: partly recorded, a gap).
  // Day 61: 00:00 gap (recording resumed inside it), 00:01 flat, 00:02 trade, 00:03 flat; 00:04 open.
  const flats = x1m.filter((b) => b.origin === "flat").map(minute);
  const day61 = 61 * 1440;
  assert.deepEqual(flats, [...Array.from({ length: 1438 }, (_, i) => i + 1), day61 + 1, day61 + 3]);
  assert.deepEqual(x1m.filter((b) => b.origin === "trades").map(minute), [0, day61 + 2]);
  assert.deepEqual(inGap(bars, lastAlive, R), []);
  const dq = dqOf(r.dq as unknown as DqLike[], "XMR-BTC").intervals;
  assert.equal(dq["1m"].gap_bars, day61 + 1 - 1439);
  assert.equal(dq["1m"].flat_bars, 1440);
  assert.deepEqual([dq["1h"].trade_bars, dq["1h"].flat_bars, dq["1h"].gap_bars], [1, 22, 61 * 24 - 23]);
});

Deno.test("replay: frames out of order and an old trade among new ones stay in one session, printed once", () => {
  const frames = fixture("okx", "trades.jsonl");
  const swapped = [...frames];
  for (let i = 0; i + 1 < swapped.length; i += 2) [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
  const stale = shifted("okx", frames[0], -3 * 3_600_000, 1_000_000); // an old trade (as after subscribe)
  swapped.splice(30, 0, stale);
  const printed: string[] = [];
  const r = replayText(swapped.join("\n"), { venue: "okx", onTrade: (t) => printed.push(tradeLine(t)) });
  assert.deepEqual(printed, tradesOf("okx", swapped).map(tradeLine));
  assert.equal(printed.length, 70);
  assert.equal(r.tally.sessions, 1);
  assert.equal(r.tally.recordingGaps, 0);
  assert.equal(r.tally.verdicts.straggler, 1);
  assert.deepEqual(r.tally.dropped, {});
  assert.equal(r.tally.verdicts.invalid, undefined);
});

Deno.test("replay of every venue: three captures, duplicates, a two-month hole -> exact counts", () => {
  for (const venue of VENUES as readonly Venue[]) {
    const control = CONTROL_FILES[venue].flatMap((f) => fixture(venue, f));
    let a = TRADE_FILES[venue].flatMap((f) => fixture(venue, f));
    if (venue === "binance") a = a.slice(0, 16); // its first capture (the file holds two, and 2019's)
    const move = (days: number, ids: number) => a.map((l) => shifted(venue, l, days * DAY, ids));
    const b = move(-90, 1e9);
    const c = move(-180, 2e9);
    // Kraken v1 trades carry no id: a repeated frame cannot be told from a new trade, so none is added.
    const dup = venue === "kraken" ? [] : c.slice(0, 3);
    const d = move(-119, 3e9);
    const input = [...control, ...a, ...b, ...c, ...dup, ...d];
    const printed: string[] = [];
    const bars: ClosedBar[] = [];
    const r = replayText(input.join("\n"), {
      venue,
      flush: true,
      onTrade: (t) => printed.push(tradeLine(t)),
      onBar: (x) => bars.push(x),
    });
    const want = tradesOf(venue, [...a, ...b, ...c, ...d]);
    assert.deepEqual(printed, want.map(tradeLine), venue);
    assert.equal(r.tally.frames, input.length, venue);
    assert.equal(r.tally.sessions, 3, venue);
    const dups = tradesOf(venue, dup).length;
    assert.deepEqual(r.tally.dropped, dups ? { duplicate: dups } : {}, venue);
    assert.equal(r.tally.verdicts.invalid, undefined, venue);
    const gapFrom = Math.max(...tradesOf(venue, c).map((t) => t.venueTimeMs));
    const gapTo = Math.max(...tradesOf(venue, [d[0]]).map((t) => t.venueTimeMs));
    assert.equal(r.tally.recordingGaps, 1, venue);
    assert.deepEqual(r.tally.gapSpans, [[gapFrom, gapTo]], venue);
    assert.deepEqual(inGap(bars, gapFrom, gapTo), [], venue);
    assert.ok(bars.some((x) => x.origin === "trades"), venue);
  }
});
