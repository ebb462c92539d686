import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { emptyStats } from "../venues/connection_events.ts";
import { registerFrameMetrics, registerLinkCounters } from "./connection_metrics.ts";
import type { FeedState } from "./feed_state.ts";

function stats(reconnects: number, data: number, dropped: Record<string, number>) {
  const s = emptyStats();
  s.reconnects = reconnects;
  s.failedConnects = 1;
  s.byKind.data = data;
  s.droppedByReason = dropped;
  return s;
}

const state = {
  connections: [
    { venue: "okx", name: "okx/public", up: true, stats: stats(2, 10, { malformed_json: 1 }) },
    { venue: "okx", name: "okx/business", up: false, stats: stats(1, 5, { unknown_topic: 2 }) },
  ],
  lastMessageWallMs: { okx: 1_767_225_600_500 },
  stalls: { okx: 3 },
} as unknown as FeedState;

Deno.test("per venue: links' counts summed; every configured venue present; drop reasons pre-initialised", async () => {
  const registry = new Registry();
  registerLinkCounters(registry, ["binance", "okx"], () => state);
  registerFrameMetrics(registry, ["binance", "okx"], () => state);
  const text = await registry.metrics();
  for (
    const line of [
      'feed_reconnects_total{venue="okx"} 3',
      'feed_reconnects_total{venue="binance"} 0',
      'feed_connect_failures_total{venue="okx"} 2',
      'feed_stalls_total{venue="okx"} 3',
      'feed_frames_total{venue="okx",kind="data"} 15',
      'feed_frames_dropped_total{venue="okx",reason="malformed_json"} 1',
      'feed_frames_dropped_total{venue="okx",reason="unknown_topic"} 2',
      'feed_frames_dropped_total{venue="binance",reason="invalid_value"} 0',
      'feed_connection_up{venue="okx",connection="okx/public"} 1',
      'feed_connection_up{venue="okx",connection="okx/business"} 0',
      'feed_last_message_timestamp_seconds{venue="okx"} 1767225600.5',
      'feed_last_message_timestamp_seconds{venue="binance"} 0',
    ]
  ) assert.ok(text.includes(`\n${line}\n`), line);
});
