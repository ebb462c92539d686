// Cancel and query against the venue simulator (testing/binance_connector.ts): any client id the venue
// may hold goes out (REST's charset is unconfirmed: only a new order's id is checked here), an order is
// cancelled by the venue's orderId alone, and cancelAll clears a symbol whatever the ids; local refusals
// carry `local: true`, the venue's rejections never do.
import assert from "node:assert/strict";
import { limit, startConnectorSim } from "../../testing/binance_connector.ts";

async function start() {
  const sent: string[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    sent.push(`${init?.method ?? "GET"} ${url.pathname.replace(/^\/binance/, "")}`);
    return fetch(input, init);
  };
  return { sent, s: await startConnectorSim({ fetch: recording }) };
}

const resting = (id: string) => ({ ...limit(id), price: "1000.00" });

Deno.test("cancel/query: an id outside the FIX charset goes to the venue; only an empty reference is refused here", async () => {
  const { sent, s } = await start();
  try {
    const foreign = "web.order:1/ü";
    assert.deepEqual(await s.spot.queryByClientId("BTCUSDT", foreign), {
      kind: "rejected",
      reason: "not_found",
      code: -2013,
      msg: "Order does not exist.",
      httpStatus: 400,
    });
    assert.deepEqual(await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: foreign }), {
      kind: "rejected",
      reason: "not_found",
      code: -2011,
      msg: "Unknown order sent.",
      httpStatus: 400,
    });
    const before = sent.length;
    const msg = "an order needs a client order id or an order id (not sent)";
    const refused = {
      kind: "rejected",
      reason: "bad_request",
      code: null,
      msg,
      httpStatus: null,
      local: true,
    };
    assert.deepEqual(await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "" }), refused);
    assert.deepEqual(await s.spot.queryByClientId("BTCUSDT", ""), refused);
    // A NEW order's id is still held to the documented charset.
    assert.deepEqual(await s.spot.place(limit(foreign)), {
      kind: "rejected",
      reason: "bad_request",
      code: null,
      msg: "client order id must match ^[a-zA-Z0-9-_]{1,36}$ (not sent)",
      httpStatus: null,
      local: true,
    });
    assert.equal(sent.length, before, "local refusals never leave the process");
  } finally {
    await s.close();
  }
});

Deno.test("cancel by the venue's orderId alone, and cancelAll: every open order on the symbol", async () => {
  const { sent, s } = await start();
  try {
    const ids = ["k-1", "k-2", "k-3"];
    const orderIds: number[] = [];
    for (const id of ids) {
      const o = await s.spot.place(resting(id));
      assert.ok(o.kind === "confirmed");
      orderIds.push(o.value.orderId);
    }
    const one = await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "", orderId: orderIds[0] });
    assert.equal(
      one.kind === "confirmed" && `${one.value.orderId} ${one.value.clientOrderId} ${one.value.status}`,
      `${orderIds[0]} k-1 CANCELED`,
    );
    const wrong = await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "k-3", orderId: orderIds[1] });
    assert.deepEqual(wrong, {
      kind: "rejected",
      reason: "not_found",
      code: -2011,
      msg: "Unknown order sent.",
      httpStatus: 400,
    }, "both ids go out: a mismatch is the venue's to refuse");
    const all = await s.spot.cancelAll("BTCUSDT");
    assert.deepEqual(
      all.kind === "confirmed" && all.value.map((o) => `${o.orderId} ${o.clientOrderId} ${o.status}`),
      [`${orderIds[1]} k-2 CANCELED`, `${orderIds[2]} k-3 CANCELED`],
    );
    assert.deepEqual(await s.spot.cancelAll("BTCUSDT"), {
      kind: "rejected",
      reason: "not_found",
      code: -2011,
      msg: "Unknown order sent.",
      httpStatus: 400,
    });
    assert.deepEqual(sent.filter((x) => x.startsWith("DELETE")), [
      "DELETE /api/v3/order",
      "DELETE /api/v3/order",
      "DELETE /api/v3/openOrders",
      "DELETE /api/v3/openOrders",
    ]);
    const open = await s.spot.openOrders("BTCUSDT");
    assert.deepEqual(open, { kind: "confirmed", value: [] });
  } finally {
    await s.close();
  }
});
