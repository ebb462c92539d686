// The live_loop service as ./tp live assembles it, on real parts over loopback: the venue simulator's
// private API through the real Binance connector (testing/binance_connector.ts), a test feed serving
// closed bars over SSE, the loop, and its HTTP shell on port 0. A cold start on an empty state dir, a
// bar as the mark, an order's life, a clean stop, then a warm start on the same state (it reconciles).
import assert from "node:assert/strict";
import type { Timers } from "../lib/async/sleep.ts";
import { waitFor } from "../lib/async/poll.ts";
import { DEFAULT_LIVE_CONFIG, loadLiveFile } from "../lib/live/config_file.ts";
import { type LiveService, startLiveService } from "../lib/live/service.ts";
import { shellConfig } from "../lib/live/shell_config.ts";
import type { ClosedBar } from "../lib/market/types.ts";
import { type ConnectorSim, startConnectorSim } from "../testing/binance_connector.ts";
import { TestFeed } from "./shadow_feed_server.ts";

const U = 100_000_000;
const bar = (closeMs: number, c: number): ClosedBar => ({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  openTimeMs: closeMs - 60_000,
  o: c,
  h: c,
  l: c,
  c,
  v: 1,
  trades: 1,
  origin: "trades",
  closedAtMs: closeMs,
  features: { ema_12: null, ema_26: null, sma_20: null, rsi_14: null, atr_14: null, vwap_session_utc: null },
});

async function service(s: ConnectorSim, feed: TestFeed, stateDir: string, lines: Record<string, unknown>[]) {
  const env = (k: string) =>
    ({ LIVE_STATE_DIR: stateDir, LIVE_FEED_URL: feed.url } as Record<string, string>)[k];
  return await startLiveService({
    shell: shellConfig(env, { port: "0" }),
    file: await loadLiveFile(DEFAULT_LIVE_CONFIG, env, { venueTimeoutMs: s.spot.requestTimeoutMs }),
    venue: s.spot,
    now: () => s.t.sim.clock.nowMs(),
    wallNow: () => Date.now(),
    timers: s.timers as unknown as Timers,
    log: (level, msg, fields) => lines.push({ level, msg, ...fields }),
  });
}

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
    svc = await service(s, feed, dir, lines);
    assert.deepEqual([svc.startMode, svc.started.status], ["cold", "ready"]);
    await pump("feed stream open", () => feed.clients === 1);
    feed.publish([bar(s.t.sim.clock.nowMs(), 60_000)]);
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

    svc = await service(s, feed, dir, lines);
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
