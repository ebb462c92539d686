// What only the JetStream bus meets (the shared contract is tests/market_bus_contract_test.ts): a message
// on the bars stream that is no closed bar (not JSON, or JSON of the wrong shape) is skipped, counted and
// reported to the subscriber in stream order; the subscription goes on with the next bar.
import assert from "node:assert/strict";
import { withDeadline } from "../async/poll.ts";
import { sampleBars } from "../../testing/sample_bars.ts";
import { resolveBusConfig } from "./bus_config.ts";
import { JetStreamBus } from "./jetstream_bus.ts";
import type { BadBusMessage, BusBar } from "./market_bus.ts";
import { connectNats } from "./nats_client.ts";
import { startNats } from "./nats_cluster.ts";
import { barSubject } from "./subjects.ts";

const BARS = sampleBars({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  count: 3,
  firstOpenTimeMs: 1_700_000_040_000,
  basePrice: 65_000,
});

Deno.test("JetStream bus: a bad bar message is skipped, counted and reported; the next bars still arrive", async () => {
  const nats = await startNats();
  const bus = await JetStreamBus.open(resolveBusConfig({ BUS_URL: nats.urls.join(",") }));
  const raw = await connectNats(nats.urls);
  try {
    const subject = barSubject("binance", "BTC-USDT", "1m");
    const enc = new TextEncoder();
    assert.equal((await bus.publishBar(BARS[0])).seq, 1);
    await raw.publish(subject, enc.encode("{not json"), "bad-1", 5000);
    await raw.publish(subject, enc.encode(JSON.stringify({ venue: "binance" })), "bad-2", 5000);
    assert.equal((await bus.publishBar(BARS[1])).seq, 4);
    assert.equal((await bus.publishBar(BARS[2])).seq, 5);

    const got: BusBar[] = [];
    const bad: BadBusMessage[] = [];
    const order: number[] = [];
    const ctrl = new AbortController();
    await withDeadline(
      "three bars from the bus",
      (async () => {
        const sub = bus.subscribeBars({
          signal: ctrl.signal,
          onBadMessage: (m) => void (bad.push(m), order.push(m.seq)),
        });
        for await (const m of sub) {
          got.push(m);
          order.push(m.seq);
          if (got.length === 3) break;
        }
      })(),
      20_000,
    );
    ctrl.abort();
    assert.deepEqual(got.map((m) => m.bar), BARS);
    assert.deepEqual(order, [1, 2, 3, 4, 5], "bad messages reported in stream order");
    assert.deepEqual(bad.map((m) => [m.seq, m.subject, m.msgId]), [[2, subject, "bad-1"], [
      3,
      subject,
      "bad-2",
    ]]);
    assert.match(bad[0].error, /^bus: bar message 2 is not JSON/);
    assert.match(bad[1].error, /^bus: bar message 3 is not a closed bar/);
    assert.equal(bus.badBars(), 2);
  } finally {
    await raw.close();
    await bus.close(1000);
    await nats.stop();
  }
});
