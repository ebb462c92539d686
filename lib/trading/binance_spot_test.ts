// The connector's REST side against a real loopback HTTP server speaking Binance's wire format
// (testing/binance_trade_double.ts): confirmed calls and definitive rejections, exact outcomes.
import assert from "node:assert/strict";
import { KEY, limit, setup } from "../../testing/binance_connector.ts";

Deno.test("place: signed body on the wire, confirmed with the venue's order, counters booked", async () => {
  const { venue, spot } = setup();
  try {
    const out = await spot.place(limit("o-1"));
    assert.equal(out.kind, "confirmed");
    if (out.kind !== "confirmed") return;
    assert.deepEqual({ ...out.value, timeMs: 0, updateTimeMs: 0 }, {
      symbol: "BTCUSDT",
      orderId: 1,
      clientOrderId: "o-1",
      status: "NEW",
      side: "BUY",
      type: "LIMIT",
      price: "50000.00",
      origQty: "0.01000000",
      executedQty: "0.00000000",
      cumQuoteQty: "0.00000000",
      timeMs: 0,
      updateTimeMs: 0,
    });
    const [time, post] = venue.requests;
    assert.equal(`${time.method} ${time.path}`, "GET /api/v3/time", "the clock is synced first");
    assert.equal(post.query, "");
    assert.equal(post.apiKey, KEY);
    assert.match(
      post.body,
      /^symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0\.01000000&price=50000\.00&newClientOrderId=o-1&newOrderRespType=RESULT&recvWindow=5000&timestamp=\d+&signature=[0-9a-f]{64}$/,
    );
    assert.deepEqual(spot.rest.limits.lastSeen(), {
      "used-weight-1m": 2,
      "order-count-10s": 1,
      "order-count-1d": 1,
    });
  } finally {
    await venue.close();
  }
});

Deno.test("definitive rejections: duplicate open client id, unknown order on query and cancel", async () => {
  const { venue, spot } = setup();
  try {
    assert.equal((await spot.place(limit("o-1"))).kind, "confirmed");
    assert.deepEqual(await spot.place(limit("o-1")), {
      kind: "rejected",
      reason: "duplicate_client_id",
      code: -2010,
      msg: "Duplicate order sent.",
      httpStatus: 400,
    });
    assert.deepEqual(await spot.queryByClientId("BTCUSDT", "nope"), {
      kind: "rejected",
      reason: "not_found",
      code: -2013,
      msg: "Order does not exist.",
      httpStatus: 400,
    });
    const cancelled = await spot.cancel({ symbol: "BTCUSDT", clientOrderId: "o-1" });
    assert.equal(
      cancelled.kind === "confirmed" && `${cancelled.value.clientOrderId} ${cancelled.value.status}`,
      "o-1 CANCELED",
    );
    assert.deepEqual(await spot.cancel({ symbol: "BTCUSDT", clientOrderId: "o-1" }), {
      kind: "rejected",
      reason: "not_found",
      code: -2011,
      msg: "Unknown order sent.",
      httpStatus: 400,
    });
    const before = venue.requests.length;
    const bad = await spot.place(limit("has space"));
    assert.equal(bad.kind === "rejected" && `${bad.reason} ${bad.code}`, "bad_request null");
    assert.equal(venue.requests.length, before, "a bad client id never leaves the process");
  } finally {
    await venue.close();
  }
});

Deno.test("open orders, fills since a trade id and balances come back in the venue's numbers", async () => {
  const { venue, spot } = setup();
  try {
    await spot.place(limit("o-1"));
    await spot.place(limit("o-2"));
    venue.fill("o-1", "0.004");
    venue.fill("o-1", "0.006");
    const open = await spot.openOrders("BTCUSDT");
    assert.deepEqual(open.kind === "confirmed" && open.value.map((o) => `${o.clientOrderId} ${o.status}`), [
      "o-2 NEW",
    ]);
    const fills = await spot.fillsSince("BTCUSDT", 2);
    assert.deepEqual(
      fills.kind === "confirmed" &&
        fills.value.map((f) => `${f.tradeId} ${f.orderId} ${f.qty}@${f.price} maker=${f.isMaker}`),
      ["2 1 0.00600000@50000.00 maker=true"],
    );
    assert.deepEqual(await spot.balances(), {
      kind: "confirmed",
      value: [{ asset: "USDT", free: "1000.00000000", locked: "0.00000000" }],
    });
  } finally {
    await venue.close();
  }
});
