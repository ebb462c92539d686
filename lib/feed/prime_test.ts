// Warm start on a real DuckDB store: a committer primed from the stored bars continues every
// stream's indicators from them (new bars' features = a fresh run over all stored bars), heals stored
// features a cold start got wrong, and re-feeds the bars above an interior hole once it is filled.
import assert from "node:assert/strict";
import type { Bar, ClosedBar, ReleasedBar } from "../market/types.ts";
import { FeatureStream, sameFeatures } from "../features/feature_stage.ts";
import { loadReferencePair, releasedBar } from "../../testing/reference_fixture.ts";
import { BarStore } from "../store/bar_store.ts";
import { BarCommitter } from "./commit.ts";
import { primeFeatures } from "./prime_features.ts";
import { SuspectBook } from "./suspects.ts";

const { bars: fixture } = await loadReferencePair();
const live = fixture.slice(0, 60).map((b) => releasedBar(b));
const STREAM = { venue: "binance", symbol: "BTC-USDT", interval: "1m" } as const;

function committer(store: BarStore, published: ClosedBar[] = []) {
  return new BarCommitter({
    store,
    publish: (b) => published.push(b),
    venueBar: (_: Bar) => Promise.resolve(null),
    suspects: new SuspectBook(),
    featureTimer: () => {},
    log: () => {},
  });
}

async function commitAll(c: BarCommitter, bars: readonly ReleasedBar[]) {
  for (const b of bars) c.push(b);
  await c.drain();
}

/** Indexes of stored bars whose features differ from a fresh run over the stored bars. */
async function notFresh(store: BarStore): Promise<number[]> {
  const stored = await store.recentBars("binance", "BTC-USDT", "1m", 1000);
  const s = new FeatureStream();
  return stored.flatMap((b, i) => sameFeatures(s.close(b).features, b.features) ? [] : [i]);
}

Deno.test("warm start: primed from the store, new bars continue the stored stream; cold-start features are healed", async () => {
  const store = await BarStore.open(":memory:");
  try {
    await commitAll(committer(store), live.slice(0, 20));
    // A cold start (what the feed did before priming): bars 20..29 got features from scratch.
    await commitAll(committer(store), live.slice(20, 30));
    assert.deepEqual((await notFresh(store)).length, 10);
    const published: ClosedBar[] = [];
    const c = committer(store, published);
    assert.equal(await primeFeatures(store, c, [STREAM], []), 30);
    assert.equal(c.restated, 10, "the ten cold bars stored and published again");
    assert.deepEqual(published.map((b) => b.openTimeMs), live.slice(20, 30).map((b) => b.openTimeMs));
    await commitAll(c, live.slice(30));
    assert.equal(c.stored, 30);
    assert.deepEqual(await notFresh(store), []);
  } finally {
    await store.close();
  }
});

Deno.test("warm start over an interior hole: bars above it wait, then follow the filled hole", async () => {
  const store = await BarStore.open(":memory:");
  try {
    const hole = live.slice(10, 13);
    await commitAll(committer(store), [...live.slice(0, 10), ...live.slice(13, 30)]);
    assert.deepEqual(await notFresh(store), []);
    const published: ClosedBar[] = [];
    const c = committer(store, published);
    const holes = [{ ...STREAM, holes: hole.map((b) => b.openTimeMs), beyondLookback: 0 }];
    await primeFeatures(store, c, [STREAM], holes);
    assert.equal(published.length, 0, "nothing restated before the hole is filled");
    // The restart backfill's bars, then live ones: bars 13..29 go through again after the hole.
    await commitAll(c, [...hole, ...live.slice(30, 40)]);
    assert.equal(c.stored, 13);
    assert.equal(c.restated, 17, "every bar above the hole stored and published again");
    assert.deepEqual(await notFresh(store), []);
    assert.equal((await store.recentBars("binance", "BTC-USDT", "1m", 1000)).length, 40);
  } finally {
    await store.close();
  }
});

Deno.test("warm start over a hole never filled: the held bars go through at flushHeld, unchanged", async () => {
  const store = await BarStore.open(":memory:");
  try {
    await commitAll(committer(store), [...live.slice(0, 10), ...live.slice(13, 30)]);
    const c = committer(store);
    const holes = [{ ...STREAM, holes: [live[10].openTimeMs], beyondLookback: 0 }];
    await primeFeatures(store, c, [STREAM], holes);
    c.flushHeld();
    await commitAll(c, live.slice(30, 35));
    assert.equal(c.restated, 0, "stored features already were a fresh run over the stored bars");
    assert.deepEqual(await notFresh(store), []);
  } finally {
    await store.close();
  }
});
