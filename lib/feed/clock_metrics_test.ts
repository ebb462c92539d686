import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { registerClockMetrics } from "./clock_metrics.ts";
import type { ClockCounts } from "./feed_state.ts";

async function render(c: ClockCounts | undefined): Promise<string> {
  const registry = new Registry();
  registerClockMetrics(registry, () => c);
  return await registry.metrics();
}

Deno.test("a followed clock's counts at scrape time; trusted 0 while bars wait for a sync", async () => {
  const text = await render({
    jumps: { backward: 1, forward: 2 },
    syncFailures: 3,
    discardedBars: 4,
    deletedBars: 5,
    trusted: false,
  });
  for (
    const line of [
      'feed_clock_jumps_total{direction="backward"} 1',
      'feed_clock_jumps_total{direction="forward"} 2',
      "feed_clock_sync_failures_total 3",
      "feed_clock_discarded_bars_total 4",
      "feed_clock_deleted_bars_total 5",
      "feed_clock_trusted 0",
    ]
  ) assert.ok(text.includes(`\n${line}\n`), line);
});

Deno.test("on the wall clock (no counts) every series is there, zero, and trusted", async () => {
  const text = await render(undefined);
  assert.ok(text.includes('\nfeed_clock_jumps_total{direction="backward"} 0\n'));
  assert.ok(text.includes("\nfeed_clock_deleted_bars_total 0\n"));
  assert.ok(text.includes("\nfeed_clock_trusted 1\n"));
});
