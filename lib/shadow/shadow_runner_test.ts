// A bar the feed re-publishes under the same key (a REST correction with restated features) is never
// decided twice: it is counted as `corrected` (a resend with the same values stays a `duplicate`),
// and a correction of the newest decided bar re-primes the EMA memory the next decision reads.
import assert from "node:assert/strict";
import type { AiEventInput } from "../events/ai_event.ts";
import type { ClosedBar } from "../market/types.ts";
import { FeatureStream } from "../features/feature_stage.ts";
import { loadReferencePair, releasedBar } from "../../testing/reference_fixture.ts";
import { ShadowRunner } from "./shadow_runner.ts";

const { bars } = await loadReferencePair();

function closed(n: number, fixAt = -1): ClosedBar[] {
  const s = new FeatureStream();
  return bars.slice(0, n).map((b, i) =>
    s.close(i === fixAt ? { ...releasedBar(b), c: b.c + 30, h: b.h + 30 } : releasedBar(b))
  );
}

Deno.test("ShadowRunner: a corrected bar is counted and logged, never decided again; a resend is a duplicate", () => {
  const events: AiEventInput[] = [];
  const logs: string[] = [];
  const r = new ShadowRunner(
    {
      id: { run_id: "t", component: "shadow_mvs", source: "refstrat_01" },
      series: { venue: "binance", symbol: "BTC-USDT", interval: "1m" },
      params: { stopAtrK: 2, feeBps: 1, size: 1 },
      heartbeatEveryMs: 1e12,
      staleAfterMs: 1e12,
    },
    { write: (e) => events.push(e) },
    () => 0,
    (level, msg) => logs.push(`${level} ${msg}`),
    null,
  );
  r.streamOpened();
  const original = closed(60);
  for (const b of original) r.liveBar(b);
  const decisions = () => Object.values(r.status().decisions).reduce((a, b) => a + b, 0);
  assert.equal(decisions(), 60);
  const written = events.length;
  // The feed corrects bar 40 and re-publishes it and every later bar (their features changed).
  const restated = closed(60, 40);
  for (const b of restated.slice(40)) r.liveBar(b);
  r.liveBar(restated[50]); // a resend (Last-Event-ID replay) of a correction already seen
  assert.equal(decisions(), 60, "no second decision for a decided bar");
  assert.equal(events.length, written, "no event for a correction");
  assert.deepEqual(r.status().barsSkipped, { duplicate: 1, invalid: 0, feed_not_ok: 0, corrected: 20 });
  assert.equal(logs.filter((l) => l.includes("corrected by the feed")).length, 20);
  // The next decision reads the corrected newest bar's EMAs.
  assert.equal(r.state.prevEma12, restated[59].features.ema_12);
  assert.equal(r.state.lastClose, restated[59].c);
  assert.notEqual(r.state.prevEma12, original[59].features.ema_12);
  r.liveBar(closed(61, 40)[60]);
  assert.equal(decisions(), 61);
});
