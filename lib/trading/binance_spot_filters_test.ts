// The connector's local filter check against the venue simulator (testing/trading_sim.ts): once
// loadFilters() read exchangeInfo, an order the venue would refuse with -1013 is refused in the
// process (code null, nothing sent), with the same filter name the venue gives; the rest still go out.
import assert from "node:assert/strict";
import { startTradingSim } from "../../testing/trading_sim.ts";
import { BinanceSpot } from "./binance_spot.ts";
import { ApiCredentials } from "./credentials.ts";
import type { OrderRequest } from "./venue.ts";

const KEY = "filtersKey0123456789filtersKey0123456789filtersKey0123456789abcd";
const SECRET = "filters-secret";

function connector(port: number): BinanceSpot {
  return new BinanceSpot(
    { rest: { baseUrl: `http://127.0.0.1:${port}/binance` }, userStream: { wsApiUrl: "ws://127.0.0.1:1/x" } },
    new ApiCredentials(KEY, SECRET),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
}

const order = (id: string, price: string, quantity: string): OrderRequest => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  clientOrderId: id,
  price,
  quantity,
});

Deno.test("filters from exchangeInfo: what the venue refuses with -1013 is refused locally, never sent", async () => {
  const t = await startTradingSim({ key: KEY, secret: SECRET, sim: { startSimMs: Date.now() } });
  try {
    const plain = connector(t.server.port), checked = connector(t.server.port);
    assert.deepEqual(await checked.loadFilters(), { kind: "confirmed", value: 1 });
    // BTCUSDT on the simulator: tick 0.01, step 0.000001, notional 5 .. 9,000,000.
    const orders = [
      order("tick", "1000.005", "0.01"),
      order("step", "1000", "0.0100005"),
      order("small", "1000", "0.004999"),
      order("big", "1000000", "9.000001"),
      order("ok", "1000", "0.005"),
    ];
    const brief = (o: Awaited<ReturnType<BinanceSpot["place"]>>) =>
      o.kind === "rejected" ? `${o.code} ${o.msg}` : o.kind;
    const venue = [], local = [];
    for (const o of orders) {
      venue.push(brief(await plain.place({ ...o, clientOrderId: `v-${o.clientOrderId}` })));
    }
    const sentBefore = t.restCalls.filter((c) => c === "POST /binance/api/v3/order").length;
    for (const o of orders) {
      local.push(brief(await checked.place({ ...o, clientOrderId: `l-${o.clientOrderId}` })));
    }
    assert.deepEqual(venue, [
      "-1013 Filter failure: PRICE_FILTER",
      "-1013 Filter failure: LOT_SIZE",
      "-1013 Filter failure: NOTIONAL",
      "-1013 Filter failure: NOTIONAL",
      "confirmed",
    ]);
    assert.deepEqual(local, [
      "null Filter failure: PRICE_FILTER (checked locally, not sent)",
      "null Filter failure: LOT_SIZE (checked locally, not sent)",
      "null Filter failure: NOTIONAL (checked locally, not sent)",
      "null Filter failure: NOTIONAL (checked locally, not sent)",
      "confirmed",
    ]);
    const sentAfter = t.restCalls.filter((c) => c === "POST /binance/api/v3/order").length;
    assert.equal(sentAfter - sentBefore, 1, "only the order that passes left the process");
    // A malformed decimal is not the filters' to judge: it goes out and the venue names the problem.
    const bad = await checked.place(order("l-bad", "1,000", "0.01"));
    assert.deepEqual(bad.kind === "rejected" && [bad.code, bad.reason], [-1100, "bad_request"]);
    assert.equal(t.restCalls.filter((c) => c === "POST /binance/api/v3/order").length, sentAfter + 1);
  } finally {
    await t.close();
  }
});
