// A gap's wait for its backfill: never while its venue is down (REST may be down too), and counted
// from the reconnect, so a long outage is backfilled after it instead of given up during it.
import assert from "node:assert/strict";
import type { ReleasedBar } from "../market/types.ts";
import { BarPipeline } from "./bar_pipeline.ts";

const M = 60_000;
const T0 = Date.UTC(2026, 0, 1);

Deno.test("BarPipeline: gaps of a long outage wait from the reconnect, not from their interval's end", () => {
  const out: ReleasedBar[] = [];
  const p = new BarPipeline({ intervals: ["1m"], graceMs: 0, maxGapWaitMs: 5 * M }, (b) => out.push(b));
  p.event({
    kind: "trade",
    venue: "okx",
    symbol: "BTC-USDT",
    tradeId: "1",
    price: 100,
    size: 1,
    side: "buy",
    venueTimeMs: T0 + 1000,
    receivedAtMs: T0 + 1000,
  });
  p.connectionDown("okx", T0 + 30_000);
  p.advance(T0 + 60 * M); // an hour down: every minute of it is a gap, none expires meanwhile
  assert.equal(p.pendingGaps().length, 60);
  p.connectionUp("okx", T0 + 60 * M);
  p.advance(T0 + 65 * M - 1);
  assert.equal(p.pendingGaps().length, 60, "five minutes from the reconnect to backfill them");
  p.advance(T0 + 65 * M);
  assert.deepEqual(p.pendingGaps().map((g) => (g.openTimeMs - T0) / M), []);
  assert.equal(p.dq.totalInterval("abandoned_gaps"), 60);
  // The flat minutes after the reconnect were held behind the gaps and go on now.
  assert.deepEqual(
    out.map((b) => [(b.openTimeMs - T0) / M, b.origin]),
    [60, 61, 62, 63, 64].map((m) => [m, "flat"]),
  );
});
