// The live_loop service as ./tp live assembles it, on real parts over loopback: the venue simulator's
// private API through the real Binance connector (testing/binance_connector.ts), a test feed serving
// closed bars over SSE, the loop, and its HTTP shell on port 0. A cold start on an empty state dir, a
// bar as the mark, an order's life, a clean stop, then a warm start on the same state (it reconciles).
import assert from "node:assert/strict";
import { waitFor } from "../lib/async/poll.ts";
import type { LiveService } from "../lib/live/service.ts";
import { startConnectorSim } from "../testing/binance_connector.ts";
import { closedBar, startPaperService } from "../testing/live_service.ts";
import { TestFeed } from "./shadow_feed_server.ts";

const U = 100_000_000;
const health = async (svc: LiveService) => {
  const res = await fetch(`${svc.shell.url}/health`);
  return { status: res.status, body: await res.json() };
};

Deno.test("live service: cold start, bars from the feed, an order placed and filled, clean stop, warm restart reconciles", async () => {
  const s = await startConnectorSim();
  const feed = new TestFeed();
  const dir = await Deno.makeTempDir({ prefix: "tp_live_service_" });
  const lines: Record<string, unknown>[] = [];
  const pump = (what: string, cond: () => boolean | Promise<boolean>) =>
    waitFor(what, async () => (s.timers.advance(0), await cond()), { timeoutMs: 15_000, everyMs: 10 });
  let svc: LiveService | null = null;
  try {
    svc = await startPaperService(s, { stateDir: dir, feedUrl: feed.url, lines });
    assert.deepEqual([svc.startMode, svc.started.status], ["cold", "ready"]);
    await pump("feed stream open", () => feed.clients === 1);
    feed.publish([closedBar(s.t.sim.clock.nowMs(), { close: 60_000 })]);
    await pump("the bar as mark", () => svc!.feed.lastBarMs !== null);
    await pump("user stream up", () => svc!.loop.snapshot().stream.state === "up");
    const ready = await health(svc);
    assert.equal(ready.status, 200, JSON.stringify(ready.body.reasons));
    assert.equal(ready.body.components["dependency:feed"].status, "ok");

    const sent = await svc.loop.submitOrder(
      "binance-spot",
      { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", quantity: U / 1000, price: 60_000 * U },
      "svc-1",
    );
    assert.deepEqual(sent, { ok: true, clientOrderId: "rs01-1" });
    await pump("the ack", () => svc!.loop.orders()[0]?.state === "ACCEPTED");
    s.tick(100);
    s.timers.advance(100);
    await pump("the fill", () => svc!.loop.orders()[0]?.state === "FILLED");
    const metrics = await (await fetch(`${svc.shell.url}/metrics`)).text();
    assert.match(
      metrics,
      /^live_loop_orders_total\{venue="binance-spot",symbol="BTCUSDT",event="placed"\} 1$/m,
    );
    assert.match(metrics, /^live_loop_fills_total\{venue="binance-spot",symbol="BTCUSDT"\} 1$/m);
    assert.match(metrics, /^live_loop_position\{venue="binance-spot",symbol="BTCUSDT"\} 0.001$/m);

    const left = await svc.stop();
    assert.deepEqual(left, { open: [], queued: [] });
    await assert.rejects(() => fetch(`${svc!.shell.url}/health`));
    svc = null;

    svc = await startPaperService(s, { stateDir: dir, feedUrl: feed.url, lines });
    assert.deepEqual([svc.startMode, svc.started.status], ["warm", "ready"]);
    assert.equal(svc.loop.snapshot().reconciliation.state, "done");
    assert.deepEqual(svc.loop.orders().map((o) => [o.clientOrderId, o.state]), [["rs01-1", "FILLED"]]);
    assert.equal(svc.loop.snapshot().store.recovery, "clean");
  } finally {
    await svc?.stop();
    await feed.close();
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
