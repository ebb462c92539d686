// BusBars on the in-process MarketBus (memory_bus.ts, the same contract as JetStream's): what is handed
// to the loop cold and warm, which bars reach it, and the feed gate on a bus that falls silent.
import assert from "node:assert/strict";
import { waitFor } from "../async/poll.ts";
import { MemoryBus } from "../bus/memory_bus.ts";
import { EMPTY_FEATURES } from "../features/feature_set.ts";
import type { ClosedBar } from "../market/types.ts";
import { INITIAL_STATE } from "../strategy/refstrat_01.ts";
import { BusBars } from "./bus_bars.ts";

const bar = (symbol: string, minute: number, c = 100, interval: "1m" | "1h" = "1m"): ClosedBar => ({
  venue: "binance",
  symbol,
  interval,
  openTimeMs: minute * 60_000,
  o: c,
  h: c,
  l: c,
  c,
  v: 1,
  trades: 1,
  origin: "trades",
  closedAtMs: (minute + 1) * 60_000,
  features: EMPTY_FEATURES,
});

function rig() {
  const bus = new MemoryBus();
  const clock = { now: 1_000_000 };
  const got: string[] = [];
  const feed = new BusBars(bus, {
    venue: "binance",
    interval: "1m",
    symbols: { "BTC-USDT": "BTCUSDT" },
    staleAfterMs: 30_000,
    backoffBaseMs: 1,
    backoffMaxMs: 5,
    now: () => clock.now,
  }, {
    mark: (b) => (got.push(`mark ${b.symbol} ${b.close} ${b.closeTimeMs}`), Promise.resolve()),
    bar: (
      b,
      raw,
      seq,
    ) => (got.push(`bar ${b.symbol} ${raw.openTimeMs / 60_000} seq ${seq}`), Promise.resolve()),
  }, () => {});
  return { bus, clock, got, feed };
}

Deno.test("bus bars: cold, the newest retained bar is a mark only; then each traded bar is handed on with its sequence", async () => {
  const { bus, got, feed } = rig();
  for (const b of [bar("BTC-USDT", 1), bar("BTC-USDT", 2, 101)]) await bus.publishBar(b);
  const stop = new AbortController();
  assert.deepEqual(feed.view(), { ok: false, error: "not subscribed yet", lastBarAgeMs: null });
  const run = feed.run(stop.signal, null);
  try {
    await waitFor("the mark", () => got.length === 1);
    // Not traded (ETH), another interval, a revision of minute 2 (handed on: as the feed's correction).
    await bus.publishBar(bar("ETH-USDT", 3));
    await bus.publishBar(bar("BTC-USDT", 3, 100, "1h"));
    await bus.publishBar(bar("BTC-USDT", 2, 102), 1);
    await bus.publishBar(bar("BTC-USDT", 3, 103));
    await bus.publishBar(bar("BTC-USDT", 3, 103)); // the same message id again: one copy
    await waitFor("minute 3", () => got.length === 3);
    // Sequences: minutes 1 and 2 are 1 and 2, ETH 3, the 1h bar 4 (not ours: never read), the revision 5.
    assert.deepEqual(got, [
      "mark BTCUSDT 10100000000 180000",
      "bar BTCUSDT 2 seq 5",
      "bar BTCUSDT 3 seq 6",
    ]);
    assert.equal(await feed.lag(), 0);
    assert.deepEqual(feed.view(), { ok: true, error: null, lastBarAgeMs: 0 });
  } finally {
    stop.abort();
    await run;
    await bus.close();
  }
});

Deno.test("bus bars: warm, read from after the saved sequence: the bars since are catch-up, decided", async () => {
  const { bus, got, feed } = rig();
  for (let m = 1; m <= 4; m++) await bus.publishBar(bar("BTC-USDT", m));
  const stop = new AbortController();
  const run = feed.run(stop.signal, { lastDecidedOpenTimeMs: 2 * 60_000, busSeq: 2, state: INITIAL_STATE });
  try {
    await waitFor("the catch-up", () => got.length === 2);
    assert.deepEqual(got, ["bar BTCUSDT 3 seq 3", "bar BTCUSDT 4 seq 4"]);
  } finally {
    stop.abort();
    await run;
    await bus.close();
  }
});

Deno.test("bus bars: no bar for the stale time plus one interval fails the feed gate; a bar clears it", async () => {
  const { bus, clock, feed } = rig();
  const stop = new AbortController();
  const run = feed.run(stop.signal, null);
  try {
    await waitFor("subscribed", () => feed.connected);
    assert.equal(feed.staleAfterMs, 90_000);
    clock.now += 90_000;
    assert.deepEqual(feed.view(), { ok: true, error: null, lastBarAgeMs: null });
    clock.now += 1;
    assert.deepEqual(feed.view(), { ok: false, error: "stale: nothing for 90 s", lastBarAgeMs: null });
    // Another symbol of the venue and interval is a sign of life too, as over SSE.
    await bus.publishBar(bar("ETH-USDT", 1));
    await waitFor("the gate open again", () => feed.view().ok);
    assert.equal(feed.lastBarMs, null);
  } finally {
    stop.abort();
    await run;
    await bus.close();
  }
});
