import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { waitFor } from "../async/poll.ts";
import { resolveBusConfig } from "../bus/bus_config.ts";
import { MemoryBus } from "../bus/memory_bus.ts";
import { type Level, type Logger } from "../log.ts";
import type { Trade } from "../market/types.ts";
import { sampleBars } from "../../testing/sample_bars.ts";
import { registerBusMetrics } from "./bus_metrics.ts";
import { contentRevision, FeedBusPublisher } from "./bus_publisher.ts";

const BARS = sampleBars({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  count: 2,
  firstOpenTimeMs: 1_700_000_040_000,
  basePrice: 65_000,
});
const trade = (id: number): Trade => ({
  kind: "trade",
  venue: "binance",
  symbol: "BTC-USDT",
  tradeId: String(id),
  price: 65_000,
  size: 0.1,
  side: "buy",
  venueTimeMs: 1_700_000_040_000 + id,
  receivedAtMs: 1_700_000_040_100 + id,
});

function recorder(): { log: Logger; lines: [Level, string][] } {
  const lines: [Level, string][] = [];
  return { log: (level, msg) => lines.push([level, msg]), lines };
}

Deno.test("publisher: trades and bars go out fire-and-forget, acks counted per kind; a restated bar gets a content revision", async () => {
  const bus = new MemoryBus({ config: resolveBusConfig({}) });
  const { log, lines } = recorder();
  const pub = new FeedBusPublisher(bus, { capacity: 10_000, log });
  pub.trade(trade(1));
  pub.trade(trade(2));
  pub.bar(BARS[0], false);
  pub.bar(BARS[1], false);
  const fixed = { ...BARS[1], c: BARS[1].c + 1 };
  pub.bar(fixed, true);
  pub.bar(fixed, true); // the same correction again (a resend, a second feed): one copy
  await waitFor("every publish acknowledged", () => pub.stats().published.bar === 4);
  const s = pub.stats();
  assert.deepEqual(s.published, { trade: 2, bar: 4 });
  assert.equal(s.rejected, 0);
  assert.equal(s.outbox.depth, 0);
  assert.equal(s.latency.bar.count, 4);
  const got = [];
  const ctrl = new AbortController();
  for await (const m of bus.subscribeBars({ signal: ctrl.signal })) {
    got.push([m.msgId, m.revision]);
    if (got.length === 3) break;
  }
  const rev = contentRevision(fixed);
  assert.ok(rev >= 1 && Number.isSafeInteger(rev));
  assert.notEqual(rev, contentRevision(BARS[1]));
  assert.deepEqual(got, [
    [`b:binance:BTC-USDT:1m:${BARS[0].openTimeMs}`, 0],
    [`b:binance:BTC-USDT:1m:${BARS[1].openTimeMs}`, 0],
    [`b:binance:BTC-USDT:1m:${BARS[1].openTimeMs}:r${rev}`, rev],
  ]);
  await pub.close(1000);
  assert.deepEqual(lines, []);
});

Deno.test("publisher: a full outbox refuses, is counted, logged once per period, and shown on /metrics", async () => {
  const bus = new MemoryBus({ config: resolveBusConfig({ BUS_OUTBOX_CAPACITY: "1" }) });
  const { log, lines } = recorder();
  let wall = 0;
  const pub = new FeedBusPublisher(bus, { capacity: 1, log, wallNow: () => wall });
  const registry = new Registry();
  registerBusMetrics(registry, () => pub.stats());
  // Synchronously: the first waits in the outbox, the next two find it full.
  pub.trade(trade(1));
  pub.trade(trade(2));
  pub.trade(trade(3));
  assert.equal(pub.stats().outbox.depth, 1);
  await waitFor("the first trade acknowledged", () => pub.stats().published.trade === 1);
  wall = 10_000;
  pub.trade(trade(4));
  pub.trade(trade(5));
  await waitFor("the fourth acknowledged", () => pub.stats().published.trade === 2);
  assert.equal(pub.stats().outbox.full, 3);
  assert.deepEqual(lines, [
    ["warn", "bus outbox full: publishes refused (feed_bus_outbox_full_total)"],
    ["warn", "bus outbox full: publishes refused (feed_bus_outbox_full_total)"],
  ]);
  const text = await registry.metrics();
  for (
    const line of [
      "feed_bus_outbox_depth 0",
      "feed_bus_outbox_capacity 1",
      "feed_bus_outbox_full_total 3",
      "feed_bus_publish_retries_total 0",
      "feed_bus_publish_rejected_total 0",
      'feed_bus_published_total{kind="trade"} 2',
      'feed_bus_published_total{kind="bar"} 0',
      'feed_bus_publish_latency_ms_count{kind="trade"} 2',
      'feed_bus_publish_latency_ms_count{kind="bar"} 0',
    ]
  ) {
    assert.ok(text.split("\n").includes(line), `${line}\n${text}`);
  }
  await pub.close(1000);
});
