import assert from "node:assert/strict";
import { fixtureClosedBars } from "../../testing/shadow_fixture.ts";
import type { SeriesKey } from "./feed_schema.ts";
import { historyUrl, readHistory } from "./history.ts";

const K: SeriesKey = { venue: "binance", symbol: "BTC-USDT", interval: "1m" };

Deno.test("readHistory keeps valid ascending bars of our series and counts the rest", () => {
  const b = fixtureClosedBars().slice(0, 5);
  const h = readHistory([
    b[0],
    { ...b[1], symbol: "ETH-USDT" },
    b[1],
    { ...b[2], h: b[2].l - 1 },
    { ...b[2], features: { ...b[2].features, ema_12: "x" } },
    b[0],
    b[3],
  ], K);
  assert.deepEqual(h.bars.map((x) => x.openTimeMs), [b[0], b[1], b[3]].map((x) => x.openTimeMs));
  assert.equal(h.dropped, 4);
  assert.equal(h.firstError, "a bar of another series");
  assert.throws(() => readHistory({ bars: [] }, K), /did not return a JSON array/);
  assert.equal(
    historyUrl("http://127.0.0.1:8000", K, 200),
    "http://127.0.0.1:8000/api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=200",
  );
});
