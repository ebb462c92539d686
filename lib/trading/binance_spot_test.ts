// The connector's REST side against the venue simulator's Binance private API over real HTTP on loopback
// (testing/binance_connector.ts): confirmed calls and definitive rejections, exact outcomes. What went on
// the wire is read from the connector's own fetch; fills come from the seeded sim's prints.
import assert from "node:assert/strict";
import { DEFAULT_RATE_LIMITS } from "../sim/trading/rate_limits.ts";
import { KEY, limit, SIM_START_MS, startConnectorSim } from "../../testing/binance_connector.ts";

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
  readonly apiKey: string | null;
}

/** The simulator with Binance's rate limits, and a connector whose requests are recorded as sent. */
async function start() {
  const requests: Sent[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    requests.push({
      method: init?.method ?? "GET",
      path: url.pathname.replace(/^\/binance/, ""),
      query: url.search.replace(/^\?/, ""),
      body: typeof init?.body === "string" ? init.body : "",
      apiKey: new Headers(init?.headers).get("X-MBX-APIKEY"),
    });
    return fetch(input, init);
  };
  const s = await startConnectorSim({ fetch: recording, venue: { limits: DEFAULT_RATE_LIMITS } });
  return { ...s, requests };
}

Deno.test("place: signed body on the wire, confirmed with the venue's order, counters booked", async () => {
  const s = await start();
  try {
    assert.deepEqual(await s.spot.place(limit("o-1")), {
      kind: "confirmed",
      value: {
        symbol: "BTCUSDT",
        orderId: 1,
        clientOrderId: "o-1",
        status: "NEW",
        side: "BUY",
        type: "LIMIT",
        price: "50000.00000000",
        origQty: "0.01000000",
        executedQty: "0.00000000",
        cumQuoteQty: "0.00000000",
        timeMs: SIM_START_MS,
        updateTimeMs: SIM_START_MS,
      },
    });
    const [time, post] = s.requests;
    assert.equal(`${time.method} ${time.path}`, "GET /api/v3/time", "the clock is synced first");
    assert.equal(`${post.method} ${post.path}`, "POST /api/v3/order");
    assert.equal(post.query, "");
    assert.equal(post.apiKey, KEY);
    // The sim's clock is the connector's: the timestamp is exactly the simulated now.
    assert.match(
      post.body,
      new RegExp(
        `^symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0\\.01000000&price=50000\\.00&newClientOrderId=o-1&newOrderRespType=RESULT&recvWindow=5000&timestamp=${SIM_START_MS}&signature=[0-9a-f]{64}$`,
      ),
    );
    assert.deepEqual(s.spot.rest.limits.lastSeen(), {
      "used-weight-1m": 2,
      "order-count-10s": 1,
      "order-count-1d": 1,
    });
  } finally {
    await s.close();
  }
});

Deno.test("definitive rejections: duplicate open client id, unknown order on query and cancel", async () => {
  const s = await start();
  try {
    assert.equal((await s.spot.place(limit("o-1"))).kind, "confirmed");
    assert.deepEqual(await s.spot.place(limit("o-1")), {
      kind: "rejected",
      reason: "duplicate_client_id",
      code: -2010,
      msg: "Duplicate order sent.",
      httpStatus: 400,
    });
    assert.deepEqual(await s.spot.queryByClientId("BTCUSDT", "nope"), {
      kind: "rejected",
      reason: "not_found",
      code: -2013,
      msg: "Order does not exist.",
      httpStatus: 400,
    });
    const cancelled = await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "o-1" });
    assert.equal(
      cancelled.kind === "confirmed" && `${cancelled.value.clientOrderId} ${cancelled.value.status}`,
      "o-1 CANCELED",
    );
    assert.deepEqual(await s.spot.cancel({ symbol: "BTCUSDT", clientOrderId: "o-1" }), {
      kind: "rejected",
      reason: "not_found",
      code: -2011,
      msg: "Unknown order sent.",
      httpStatus: 400,
    });
    const before = s.requests.length;
    const bad = await s.spot.place(limit("has space"));
    assert.equal(bad.kind === "rejected" && `${bad.reason} ${bad.code}`, "bad_request null");
    assert.equal(s.requests.length, before, "a bad client id never leaves the process");
  } finally {
    await s.close();
  }
});

Deno.test("open orders, fills since a trade id and balances come back in the venue's numbers", async () => {
  const s = await start();
  try {
    // Rests before any print; seed 11's sell prints at +65 ms (0.020995 BTC) and +185 ms fill it in two.
    await s.spot.place({ ...limit("o-1"), price: "60000.00", quantity: "0.03000000" });
    await s.spot.place(limit("o-2"));
    s.tick(200);
    const open = await s.spot.openOrders("BTCUSDT");
    assert.deepEqual(open.kind === "confirmed" && open.value.map((o) => `${o.clientOrderId} ${o.status}`), [
      "o-2 NEW",
    ]);
    const fills = await s.spot.fillsSince("BTCUSDT", 2);
    assert.deepEqual(
      fills.kind === "confirmed" &&
        fills.value.map((f) =>
          `${f.tradeId} ${f.orderId} ${f.qty}@${f.price} maker=${f.isMaker} ${f.timeMs}`
        ),
      [`2 1 0.00900500@60000.00000000 maker=true ${SIM_START_MS + 185}`],
    );
    // 10,000 USDT less 1,800 spent less 500 locked by o-2; 0.03 BTC less the 10 bps maker commission of
    // each fill, rounded up to the atom: 0.00002100 (of 0.020995) + 0.00000901 (of 0.009005).
    assert.deepEqual(await s.spot.balances(), {
      kind: "confirmed",
      value: [
        { asset: "BTC", free: "0.02996999", locked: "0.00000000" },
        { asset: "USDT", free: "7700.00000000", locked: "500.00000000" },
      ],
    });
  } finally {
    await s.close();
  }
});
