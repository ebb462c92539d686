// BarCommitter's recheck path on a real DuckDB store: a bar corrected from REST after it was
// published is stored and published again with features from the corrected OHLCV, every later bar of
// its stream is recomputed (and restated where its features changed), live bars continue from the
// corrected state, and a correction the store or the features refuse changes nothing.
import assert from "node:assert/strict";
import type { Bar, ClosedBar, ReleasedBar, VenueKline } from "../market/types.ts";
import { FeatureStream, sameFeatures } from "../features/feature_stage.ts";
import { loadReferencePair, releasedBar } from "../../testing/reference_fixture.ts";
import { BarStore } from "../store/bar_store.ts";
import { BarCommitter } from "./commit.ts";
import { SuspectBook } from "./suspects.ts";

const { bars: fixture } = await loadReferencePair();
const M = 60_000;

/** The venue's REST: agrees with every bar except the overrides (by open time). */
function venue(overrides: Map<number, Partial<VenueKline>>) {
  return (b: Bar): Promise<VenueKline | null> => {
    const k: VenueKline = {
      kind: "kline",
      venue: b.venue,
      symbol: b.symbol,
      interval: b.interval,
      openTimeMs: b.openTimeMs,
      o: b.o,
      h: b.h,
      l: b.l,
      c: b.c,
      v: b.v,
      trades: b.trades,
      closed: true,
      venueTimeMs: b.openTimeMs,
      receivedAtMs: b.openTimeMs,
      ...overrides.get(b.openTimeMs),
    };
    return Promise.resolve(k);
  };
}

async function setup(overrides: Map<number, Partial<VenueKline>>) {
  const store = await BarStore.open(":memory:");
  const published: ClosedBar[] = [];
  const logs: string[] = [];
  const c = new BarCommitter({
    store,
    publish: (b) => published.push(b),
    venueBar: venue(overrides),
    suspects: new SuspectBook(),
    featureTimer: () => {},
    log: (level, msg) => logs.push(`${level} ${msg}`),
  });
  return { store, published, logs, c };
}

/** Features of a fresh run over the bars (oldest first). */
function fresh(bars: readonly ReleasedBar[]) {
  const s = new FeatureStream();
  return bars.map((b) => s.close(b).features);
}

function assertFeatures(got: readonly ClosedBar[], want: ReturnType<typeof fresh>, what: string) {
  assert.equal(got.length, want.length, `${what}: count`);
  got.forEach((b, i) => assert.ok(sameFeatures(b.features, want[i]), `${what}: bar ${i}`));
}

const live = fixture.slice(0, 60).map((b) => releasedBar(b));
const AT = 30;
const fix = { h: live[AT].h + 40, c: live[AT].c + 25, v: live[AT].v + 3, trades: 9 };

Deno.test("recheck: a bar corrected after publication restates it and every later bar, store = stream = fresh run", async () => {
  const { store, published, logs, c } = await setup(new Map([[live[AT].openTimeMs, fix]]));
  try {
    for (const b of live) c.push(b);
    c.push(releasedBar(fixture[0], "1h")); // another stream: untouched by the restatement
    await c.drain();
    assert.equal(published.length, 61);
    c.recheck("binance", "BTC-USDT", live[AT].openTimeMs, live[AT].openTimeMs + M - 1);
    await c.drain();
    const corrected = live.map((b, i) => i === AT ? { ...b, ...fix, origin: "backfill" as const } : b);
    const stored = await store.recentBars("binance", "BTC-USDT", "1m", 1000);
    assert.deepEqual(
      stored.map((b) => [b.h, b.c, b.v, b.trades, b.origin]),
      corrected.map((b) => [b.h, b.c, b.v, b.trades, b.origin]),
    );
    assertFeatures(stored, fresh(corrected), "stored vs fresh run over the corrected bars");
    // Republished: the corrected bar and every later bar (EMA/RSI/ATR/VWAP carry the change on).
    const again = published.slice(61);
    assert.deepEqual(again.map((b) => b.openTimeMs), live.slice(AT).map((b) => b.openTimeMs));
    const last = new Map(published.map((b) => [`${b.interval}|${b.openTimeMs}`, b]));
    assert.deepEqual(stored, stored.map((b) => last.get(`1m|${b.openTimeMs}`)), "last published = stored");
    assert.equal(c.repaired, 1);
    assert.equal(c.restated, 30);
    assert.equal(c.stored, 61, "restatements are not new bars");
    assert.ok(logs.includes("info bar corrected after publication; features restated"));
    assert.equal((await store.recentBars("binance", "BTC-USDT", "1h", 5))[0].c, fixture[0].c);
    // A live bar after the restatement continues from the corrected indicator state.
    const next = releasedBar(fixture[60]);
    c.push(next);
    await c.drain();
    assert.ok(sameFeatures(published.at(-1)!.features, fresh([...corrected, next])[60]));
    // A second recheck of the same window does not ask again: the bar is confirmed.
    const checked = c.checked;
    c.recheck("binance", "BTC-USDT", live[AT].openTimeMs, live[AT].openTimeMs);
    await c.drain();
    assert.equal(c.checked, checked);
  } finally {
    await store.close();
  }
});

Deno.test("recheck: only bars whose features changed are restated", async () => {
  const end = live.length - 1;
  const cases = [
    // The newest bar: nothing after it to recompute.
    { at: end, fix: { c: live[end].c + 1 }, restated: [end] },
    // Only the trade count differs: the bar is restated, its features and later bars are not.
    { at: AT, fix: { trades: 9 }, restated: [AT] },
  ];
  for (const k of cases) {
    const { store, published, c } = await setup(new Map([[live[k.at].openTimeMs, k.fix]]));
    try {
      for (const b of live) c.push(b);
      c.recheck("binance", "BTC-USDT", live[0].openTimeMs, live[end].openTimeMs);
      await c.drain();
      assert.equal(c.checked, 60);
      assert.deepEqual(
        published.slice(60).map((b) => b.openTimeMs),
        k.restated.map((i) => live[i].openTimeMs),
      );
      const corrected = live.map((b, i) => i === k.at ? { ...b, ...k.fix } : b);
      const stored = await store.recentBars("binance", "BTC-USDT", "1m", 100);
      assertFeatures(stored, fresh(corrected), "stored");
      assert.equal(stored[k.at].trades, k.fix.trades ?? 3);
    } finally {
      await store.close();
    }
  }
});

Deno.test("recheck: a correction the store or the features refuse leaves bars, stream and indicator state as they were", async () => {
  for (const bad of [{ c: live[AT].c + 1, trades: 1.5 }, { v: -1 }]) {
    const { store, published, c } = await setup(new Map([[live[AT].openTimeMs, bad]]));
    try {
      for (const b of live) c.push(b);
      c.recheck("binance", "BTC-USDT", live[AT].openTimeMs, live[AT].openTimeMs);
      const next = releasedBar(fixture[60]);
      c.push(next);
      await c.drain();
      assert.equal(c.restated, 0, JSON.stringify(bad));
      assert.equal(published.length, 61);
      assertFeatures(
        await store.recentBars("binance", "BTC-USDT", "1m", 100),
        fresh([...live, next]),
        "unchanged",
      );
      assert.equal(c.storeErrors + c.featureErrors, 1);
    } finally {
      await store.close();
    }
  }
});

Deno.test("a suspect bar whose REST check failed is asked again later and corrected (never left for good)", async () => {
  const store = await BarStore.open(":memory:");
  const published: ClosedBar[] = [];
  const suspects = new SuspectBook();
  suspects.mark("binance", "BTC-USDT", live[AT].openTimeMs, live[AT].openTimeMs);
  let restUp = false;
  const rest = venue(new Map([[live[AT].openTimeMs, fix]]));
  const c = new BarCommitter({
    store,
    publish: (b) => published.push(b),
    venueBar: (b) => restUp ? rest(b) : Promise.resolve(null),
    suspects,
    featureTimer: () => {},
    log: () => {},
  });
  try {
    for (const b of live) c.push(b);
    await c.drain();
    assert.equal(c.checkFailed, 1);
    assert.equal(c.unconfirmedBars, 1);
    c.retryUnconfirmed(); // REST still down: asked again, kept
    await c.drain();
    assert.equal(c.checkFailed, 2);
    assert.equal(c.unconfirmedBars, 1);
    restUp = true;
    c.retryUnconfirmed();
    await c.drain();
    assert.equal(c.unconfirmedBars, 0);
    assert.equal(c.repaired, 1);
    const corrected = live.map((b, i) => i === AT ? { ...b, ...fix, origin: "backfill" as const } : b);
    const stored = await store.recentBars("binance", "BTC-USDT", "1m", 1000);
    assert.deepEqual(
      stored.map((b) => [b.h, b.c, b.v, b.trades]),
      corrected.map((b) => [b.h, b.c, b.v, b.trades]),
    );
    assertFeatures(stored, fresh(corrected), "stored after the late confirmation");
    const last = new Map(published.map((b) => [b.openTimeMs, b]));
    assert.equal(last.get(live[AT].openTimeMs)!.c, fix.c, "the corrected bar was published again");
  } finally {
    await store.close();
  }
});
