// Issue 11's execution-chaos knobs over real HTTP on loopback: the simulator's trading venue with the
// chaos file's `trading` key set (after a clean warm-up call, so the re-read path is what turns each
// knob on), the real connector doing what a trading loop does. Each knob produces exactly the
// ambiguity it names, the connector classifies it, a follow-up query settles it, the chaos log names
// it, and once chaos is off the orders and fills truth files equal the connector's view.
import assert from "node:assert/strict";
import { waitForValue } from "../lib/async/poll.ts";
import type { Outcome, UserEvent, VenueOrder } from "../lib/trading/venue.ts";
import { limit } from "../testing/binance_connector.ts";
import { assertTruthEqualsConnector, type ChaosSim, startChaosSim } from "../testing/trading_chaos_sim.ts";

const brief = (o: Outcome<unknown>) =>
  o.kind === "rejected"
    ? `rejected ${o.reason} ${o.code} ${o.httpStatus}`
    : o.kind === "ambiguous"
    ? `ambiguous ${o.httpStatus} ${o.code}`
    : `confirmed ${(o.value as VenueOrder).clientOrderId} ${(o.value as VenueOrder).status}`;

/** Far below the sim's BTC market: accepted and never filled by the market. */
const resting = (id: string) => ({ ...limit(id), price: "1000.00", quantity: "0.01000000" });

async function withSim(f: (h: ChaosSim) => Promise<void>): Promise<void> {
  const h = await startChaosSim();
  try {
    assert.equal((await h.spot.balances()).kind, "confirmed", "warm-up: clock synced, no chaos");
    await f(h);
    h.setChaos(undefined);
    await assertTruthEqualsConnector(h);
  } finally {
    await h.close();
  }
}

const orderIdOf = (o: Outcome<VenueOrder>) => o.kind === "confirmed" ? o.value.orderId : -1;

Deno.test("ackConnectionClosedRate: placed, the answer dies mid-body: ambiguous; the query finds the order", async () => {
  await withSim(async (h) => {
    h.setChaos({ ackConnectionClosedRate: 1 });
    const out = await h.spot.place(resting("cc-1"));
    assert.equal(brief(out), "ambiguous undefined undefined");
    assert.match(out.kind === "ambiguous" ? out.cause : "", /^POST \/api\/v3\/order: /);
    const q = await h.spot.queryByClientId("BTCUSDT", "cc-1");
    assert.equal(brief(q), "confirmed cc-1 NEW");
    assert.deepEqual(h.chaosLines(), [{
      kind: "ack_connection_closed",
      venue: "binance",
      route: "POST /binance/api/v3/order",
      clientOrderId: "cc-1",
      orderId: orderIdOf(q),
      venueStatus: 200,
    }]);
  });
});

Deno.test("burst5xx: an HTML 502 before the engine: ambiguous 502; the query says -2013; then calls pass", async () => {
  await withSim(async (h) => {
    h.setChaos({ burst5xx: { calls: 2 } });
    const out = await h.spot.place(resting("b5-1"));
    assert.equal(brief(out), "ambiguous 502 undefined");
    assert.equal(out.kind === "ambiguous" && out.cause, "HTTP 502: execution status unknown");
    assert.equal(brief(await h.spot.queryByClientId("BTCUSDT", "b5-1")), "ambiguous 502 undefined");
    assert.equal(brief(await h.spot.queryByClientId("BTCUSDT", "b5-1")), "rejected not_found -2013 400");
    assert.deepEqual(h.chaosLines(), [
      {
        kind: "burst_5xx",
        venue: "binance",
        route: "POST /binance/api/v3/order",
        call: 0,
        clientOrderId: "b5-1",
      },
      {
        kind: "burst_5xx",
        venue: "binance",
        route: "GET /binance/api/v3/order",
        call: 1,
        clientOrderId: "b5-1",
      },
    ]);
    assert.deepEqual(h.ordersTruth(), []);
  });
});

Deno.test("storm429: rejected rate_limited -1003 with Retry-After; nothing goes out until then; not placed", async () => {
  await withSim(async (h) => {
    h.setChaos({ storm429: { calls: 1, retryAfterS: 30 } });
    const t0 = Date.now();
    const out = await h.spot.place(resting("st-1"));
    assert.equal(brief(out), "rejected rate_limited -1003 429");
    assert.ok(
      out.kind === "rejected" && out.retryAtMs! >= t0 + 30_000 && out.retryAtMs! < Date.now() + 31_000,
    );
    // Held back by the connector itself: the storm's window (one call) is not even consumed.
    assert.equal(brief(await h.spot.queryByClientId("BTCUSDT", "st-1")), "rejected rate_limited null null");
    assert.equal(h.chaosLines().length, 1);
    h.advance(30_000);
    assert.equal(brief(await h.spot.queryByClientId("BTCUSDT", "st-1")), "rejected not_found -2013 400");
    assert.deepEqual(h.chaosLines(), [{
      kind: "storm_429",
      venue: "binance",
      route: "POST /binance/api/v3/order",
      call: 0,
      clientOrderId: "st-1",
      retryAfterS: 30,
    }]);
    assert.deepEqual(h.ordersTruth(), []);
  });
});

Deno.test("orphans: an order someone else placed shows in openOrders, the user stream and the truth, once", async () => {
  await withSim(async (h) => {
    const events: UserEvent[] = [];
    const ac = new AbortController();
    const stream = h.spot.userEvents((e) => events.push(e), ac.signal);
    try {
      await waitForValue("the user stream up", () => events.find((e) => e.type === "stream_up"));
      const orphans = [{
        id: "A1b2",
        symbol: "BTCUSDT",
        side: "BUY" as const,
        price: "900.00",
        quantity: "0.02",
      }];
      h.setChaos({ orphans });
      const open = await h.spot.openOrders("BTCUSDT");
      assert.deepEqual(
        open.kind === "confirmed" && open.value.map((o) => [o.clientOrderId, o.status, o.price]),
        [
          ["web_A1b2", "NEW", "900.00000000"],
        ],
      );
      const ev = await waitForValue(
        "the orphan's executionReport",
        () => events.find((e) => e.type === "order" && e.order.clientOrderId === "web_A1b2"),
      );
      assert.equal(ev.type === "order" && ev.execType, "NEW");
      h.setChaos({ orphans, seed: 2 }); // a re-read (another key changed): the orphan is not placed again
      assert.equal((await h.spot.openOrders("BTCUSDT")).kind, "confirmed");
      const orderId = h.ordersTruth()[0].orderId;
      assert.deepEqual(h.ordersTruth().map((l) => [l.event, l.clientOrderId, l.status]), [[
        "NEW",
        "web_A1b2",
        "NEW",
      ]]);
      assert.deepEqual(h.chaosLines(), [
        { kind: "orphan_order", venue: "binance", id: "A1b2", clientOrderId: "web_A1b2", orderId },
      ]);
    } finally {
      ac.abort();
      await stream;
    }
  });
});

Deno.test("vanishClientOrderIds: the order is EXPIRED on query, gone from openOrders, no user event", async () => {
  await withSim(async (h) => {
    const events: UserEvent[] = [];
    const ac = new AbortController();
    const stream = h.spot.userEvents((e) => events.push(e), ac.signal);
    try {
      await waitForValue("the user stream up", () => events.find((e) => e.type === "stream_up"));
      const placed = await h.spot.place(resting("vn-1"));
      assert.equal(brief(placed), "confirmed vn-1 NEW");
      h.setChaos({ vanishClientOrderIds: ["vn-1"] });
      assert.equal(brief(await h.spot.queryByClientId("BTCUSDT", "vn-1")), "confirmed vn-1 EXPIRED");
      const open = await h.spot.openOrders("BTCUSDT");
      assert.deepEqual(open.kind === "confirmed" && open.value, []);
      // A later order's event arrives; events keep their order, so none for vn-1's end came before it.
      assert.equal(brief(await h.spot.place(resting("vn-2"))), "confirmed vn-2 NEW");
      await waitForValue(
        "vn-2's event",
        () => events.find((e) => e.type === "order" && e.order.clientOrderId === "vn-2"),
      );
      assert.deepEqual(
        events.filter((e) => e.type === "order").map((e) =>
          e.type === "order" && [e.order.clientOrderId, e.execType]
        ),
        [["vn-1", "NEW"], ["vn-2", "NEW"]],
      );
      assert.deepEqual(h.chaosLines(), [
        { kind: "vanish", venue: "binance", clientOrderId: "vn-1", orderId: orderIdOf(placed) },
      ]);
      assert.deepEqual(h.ordersTruth().map((l) => [l.event, l.clientOrderId, l.status]), [
        ["NEW", "vn-1", "NEW"],
        ["EXPIRED", "vn-1", "EXPIRED"],
        ["NEW", "vn-2", "NEW"],
      ]);
    } finally {
      ac.abort();
      await stream;
    }
  });
});

Deno.test("cancelFillRaceRate: the fill wins; cancel rejected not_found -2011; FILLED on query, in myTrades", async () => {
  await withSim(async (h) => {
    const placed = await h.spot.place(resting("cr-1"));
    assert.equal(brief(placed), "confirmed cr-1 NEW");
    h.setChaos({ cancelFillRaceRate: 1 });
    const out = await h.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "cr-1" });
    assert.deepEqual(out, {
      kind: "rejected",
      reason: "not_found",
      code: -2011,
      msg: "Unknown order sent.",
      httpStatus: 400,
    });
    assert.equal(brief(await h.spot.queryByClientId("BTCUSDT", "cr-1")), "confirmed cr-1 FILLED");
    const fills = await h.spot.fillsSince("BTCUSDT", 0);
    assert.ok(fills.kind === "confirmed");
    assert.deepEqual(fills.value.map((f) => [f.orderId, f.price, f.qty, f.isMaker]), [
      [orderIdOf(placed), "1000.00000000", "0.01000000", true],
    ]);
    assert.deepEqual(h.chaosLines(), [{
      kind: "cancel_fill_race",
      venue: "binance",
      clientOrderId: "cr-1",
      orderId: orderIdOf(placed),
      fills: [{ orderId: orderIdOf(placed), tradeId: fills.value[0].tradeId }],
    }]);
    // Settled as a maker fill: 10 USDT paid from the lock, 0.01 BTC less 10 bps commission in BTC.
    const bal = await h.spot.balances();
    assert.ok(bal.kind === "confirmed");
    assert.deepEqual(bal.value.map((b) => [b.asset, b.free, b.locked]), [
      ["BTC", "0.00999000", "0.00000000"],
      ["USDT", "9990.00000000", "0.00000000"],
    ]);
  });
});
