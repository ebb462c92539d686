// RefStrat_01 trading through the live loop in paper mode (./tp live's service, config/live/paper.json),
// on real parts over loopback: the venue simulator's private API through the real Binance connector, a
// test feed serving closed bars over SSE, the loop and its shell on port 0. A cross up buys, a redelivered
// bar never trades twice (in the run, and after a restart with the strategy's memory gone: the OMS holds
// the bar's correlation id), no order while the feed says it is unhealthy, a cross down sells the
// position; fills and kill-switch changes are ai_event v1 lines in the events file.
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor } from "../lib/async/poll.ts";
import { validateEvent } from "../lib/events/ai_event.ts";
import { barCorrelationId } from "../lib/live/bar_strategy.ts";
import type { LiveService } from "../lib/live/service.ts";
import { startConnectorSim } from "../testing/binance_connector.ts";
import { crossBar, startPaperService } from "../testing/live_service.ts";
import { TestFeed } from "./shadow_feed_server.ts";

const SIZE = 100_000; // 0.001 BTC in atoms: config/live/paper.json's strategy.size
/** The buy's taker fee (20 bps, the test venue's) is paid in BTC: the account holds 0.000998 to sell. */
const SOLD = SIZE - 200;

type Row = Record<string, unknown>;

const events = (dir: string): Row[] =>
  Deno.readTextFileSync(join(dir, "ai_events.jsonl")).split("\n").filter((l) => l).map((l) => {
    const v = validateEvent(JSON.parse(l));
    assert.ok(v.ok, l);
    return v.event as Row;
  });

Deno.test("live strategy: RefStrat_01 in paper mode orders per bar once, obeys the feed gate, writes ai_events", async () => {
  const s = await startConnectorSim();
  const feed = new TestFeed();
  const dir = await Deno.makeTempDir({ prefix: "tp_live_strategy_" });
  const lines: Row[] = [];
  const pump = (what: string, cond: () => boolean | Promise<boolean>) =>
    waitFor(what, async () => (s.timers.advance(0), await cond()), { timeoutMs: 15_000, everyMs: 10 });
  let svc: LiveService | null = null;
  const up = async () => {
    svc = await startPaperService(s, {
      stateDir: join(dir, "state"),
      feedUrl: feed.url,
      lines,
      events: { path: join(dir, "ai_events.jsonl"), runId: "rs01-paper" },
    });
    await pump("feed stream open", () => feed.clients === 1);
    await pump("user stream up", () => svc!.loop.snapshot().stream.state === "up");
    return svc;
  };
  const strategyLines = () => lines.filter((l) => l.msg === "live_loop.strategy_decision");
  try {
    let v = await up();
    s.tick(1_000); // the simulated market prints: a MARKET order fills against them
    const t0 = s.t.sim.clock.nowMs();
    const b1 = crossBar(t0, 99, 100), b2 = crossBar(t0 + 60_000, 101, 100);
    // b1 is warm-up (no previous EMAs); b2 crosses up: one BUY MARKET of the configured size.
    feed.publish([b1, b2]);
    await pump("two decisions", () => strategyLines().length === 2);
    await pump("the buy filled", () => v.loop.orders()[0]?.state === "FILLED");
    const cid2 = barCorrelationId("rs01", "BTCUSDT", b2);
    assert.equal(cid2, `rs01:BTCUSDT:1m:${b2.openTimeMs}`);
    assert.deepEqual(
      v.loop.orders().map((o) => [o.clientOrderId, o.side, o.type, o.quantity, o.correlationId, o.strategy]),
      [["rs01-1", "BUY", "MARKET", SIZE, cid2, "rs01"]],
    );
    assert.deepEqual(strategyLines().map((l) => [l.decision, l.reason, l.order]), [
      ["hold", "warmup", null],
      ["enter_long", "cross_up", "rs01-1"],
    ]);

    // The same bar again (a feed replay): not decided again, no second order.
    feed.publish([b2]);
    await pump("the resend seen", () => v.strategy!.counts.duplicate === 1);
    assert.equal(v.loop.orders().length, 1);

    // Feed before bot: the feed says it is unhealthy, so a cross down is not decided (no sell).
    feed.heartbeat(false);
    await pump("feed not ok", () => !v.feed.view().ok);
    feed.publish([crossBar(t0 + 120_000, 99, 100)]);
    await pump("the gated bar", () => v.strategy!.counts.feed_not_ok === 1);
    assert.deepEqual([v.strategy!.counts.decided, v.loop.orders().length], [2, 1]);

    // Restart with the strategy's memory gone: b1 and b2 again decide a cross up on b2, but the OMS
    // already holds an order with b2's correlation id, so nothing is sent.
    await v.stop();
    await Deno.remove(join(dir, "state", "strategy_rs01.json"));
    v = await up();
    assert.equal(v.startMode, "warm");
    feed.heartbeat(true);
    feed.publish([b1, b2]);
    await pump("b2 decided again after the restart", () => strategyLines().length === 4);
    assert.deepEqual(strategyLines().slice(-1).map((l) => [l.decision, l.order, l.why]), [
      ["enter_long", null, "an order for this bar exists"],
    ]);
    assert.equal(v.loop.orders().length, 1);

    // A cross down sells the position (what the account holds of it; reduce-only), keyed by its own bar.
    const b4 = crossBar(t0 + 180_000, 99, 100);
    feed.publish([b4]);
    await pump("the sell filled", () => v.loop.orders()[1]?.state === "FILLED");
    assert.deepEqual(
      v.loop.orders().map((o) => [o.clientOrderId, o.side, o.quantity, o.reduceOnly, o.correlationId]),
      [
        ["rs01-1", "BUY", SIZE, false, cid2],
        ["rs01-2", "SELL", SOLD, true, barCorrelationId("rs01", "BTCUSDT", b4)],
      ],
    );
    assert.equal(v.loop.snapshot().positions.find((p) => p.symbol === "BTCUSDT")?.qty, 200, "the fee's dust");
    assert.equal(v.loop.closable("BTCUSDT").qty, 0);

    // The kill switch: engaged and reset, each an action line.
    await v.loop.engageKillSwitch("drill", "test");
    await v.loop.resetKillSwitch("drill over", "test");
    await v.stop();
    svc = null;

    const ev = events(dir);
    const tradeIds = v.loop.orders().flatMap((o) => o.tradeIds);
    assert.deepEqual(
      ev.map((e) => [e.type, e.run_id, e.component, e.source, e.action, e.symbol ?? null, e.mode]),
      [
        ...v.loop.orders()[0].tradeIds.map(
          () => ["action", "rs01-paper", "live_loop", "refstrat_01", "fill", "BTCUSDT", "paper"],
        ),
        ...v.loop.orders()[1].tradeIds.map(
          () => ["action", "rs01-paper", "live_loop", "refstrat_01", "fill", "BTCUSDT", "paper"],
        ),
        ["action", "rs01-paper", "live_loop", "refstrat_01", "kill_switch_halted", null, "paper"],
        ["action", "rs01-paper", "live_loop", "refstrat_01", "kill_switch_reset", null, "paper"],
      ],
    );
    const fills = ev.filter((e) => e.action === "fill");
    assert.deepEqual(fills.map((e) => e.trade_id), tradeIds);
    assert.deepEqual(fills.map((e) => [e.side, e.client_order_id, e.correlation_id]), [
      ...v.loop.orders()[0].tradeIds.map(() => ["buy", "rs01-1", cid2]),
      ...v.loop.orders()[1].tradeIds.map(() => ["sell", "rs01-2", barCorrelationId("rs01", "BTCUSDT", b4)]),
    ]);
    assert.equal(fills.reduce((q, e) => q + Math.round((e.qty as number) * 1e8), 0), SIZE + SOLD);
    assert.deepEqual(fills.filter((e) => e.side === "buy").map((e) => [e.commission, e.commission_asset]), [
      [0.000002, "BTC"],
    ]);
    assert.deepEqual(ev.slice(-2).map((e) => [e.kill_switch, e.reason, e.by]), [
      ["HALTED", "drill", "test"],
      ["ACTIVE", "drill over", "test"],
    ]);
  } finally {
    await (svc as LiveService | null)?.stop();
    await feed.close();
    await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
