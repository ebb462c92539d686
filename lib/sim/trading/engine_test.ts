import assert from "node:assert/strict";
import { balances, engine, order, placed, print, units } from "../../../testing/sim_trading.ts";

Deno.test("a resting buy fills at its limit on sell prints at or through it, capped at the printed size", () => {
  const e = engine();
  e.onTrade(print(6_001_000, 1, "buy", 500)); // last 60010.00: a buy at 60000 rests
  const r = placed(e.place("a", order({}), 900));
  assert.deepEqual(r.events.map((x) => x.execType), ["NEW"]);
  assert.deepEqual(balances(e), [{ asset: "BTC", free: units(1), locked: 0 }, {
    asset: "USDT",
    free: units(9_400),
    locked: units(600),
  }]);
  assert.deepEqual(e.onTrade(print(6_000_500, 50_000, "sell")), [], "sell print above the limit");
  assert.deepEqual(e.onTrade(print(5_999_000, 50_000, "buy")), [], "a buy aggressor never fills a bid");
  const p1 = e.onTrade(print(6_000_000, 4_000, "sell", 1001));
  assert.deepEqual(p1.map((x) => [x.execType, x.order.status, x.fill?.qtyLots, x.fill?.priceTicks]), [
    ["TRADE", "PARTIALLY_FILLED", 4_000, 6_000_000],
  ]);
  assert.deepEqual(p1[0].fill, {
    account: "a",
    symbol: "BTCUSDT",
    id: 1,
    orderId: 1,
    priceTicks: 6_000_000,
    qtyLots: 4_000,
    quoteAtoms: units(240),
    commissionAtoms: 400, // 0.004 BTC * 10 bps maker, in BTC (the asset a buyer receives)
    commissionAsset: "BTC",
    time: 1001,
    isBuyer: true,
    isMaker: true,
  });
  const p2 = e.onTrade(print(5_990_000, 10_000, "sell", 1002)); // through: fills the rest at the limit
  assert.deepEqual(
    p2.map((x) => [x.order.status, x.fill?.qtyLots, x.fill?.priceTicks, x.fill?.commissionAtoms]),
    [
      ["FILLED", 6_000, 6_000_000, 600],
    ],
  );
  assert.deepEqual(balances(e), [{ asset: "BTC", free: units(1) + 1_000_000 - 1_000, locked: 0 }, {
    asset: "USDT",
    free: units(9_400),
    locked: 0,
  }]);
});

Deno.test("price-time priority: each print's size is used once, best price first, then earliest", () => {
  const e = engine();
  e.onTrade(print(6_100_000, 1, "buy"));
  const a = placed(e.place("a", order({ qtyLots: 3_000 }), 1)).order.orderId;
  const b = placed(e.place("a", order({ qtyLots: 3_000, priceTicks: 6_000_100 }), 2)).order.orderId;
  const c = placed(e.place("a", order({ qtyLots: 2_000 }), 3)).order.orderId;
  const fills1 = e.onTrade(print(5_999_900, 5_000, "sell")).map((
    x,
  ) => [x.order.orderId, x.fill!.qtyLots, x.fill!.priceTicks]);
  assert.deepEqual(fills1, [[b, 3_000, 6_000_100], [a, 2_000, 6_000_000]]);
  const fills2 = e.onTrade(print(6_000_000, 4_000, "sell")).map((x) => [x.order.orderId, x.fill!.qtyLots]);
  assert.deepEqual(fills2, [[a, 1_000], [c, 2_000]]);
  assert.equal(e.last.get("BTCUSDT")!.leftLots, 1_000, "what the orders did not take is left of the print");
  assert.deepEqual(e.books.of("BTCUSDT").BUY.orders, []);
});

Deno.test("LIMIT_MAKER that would cross is refused with -2010 and leaves nothing behind", () => {
  const e = engine();
  e.onTrade(print(6_000_000, 1, "sell"));
  const r = e.place("a", order({ type: "LIMIT_MAKER", timeInForce: null, respType: "ACK" }), 1);
  assert.deepEqual(r, { http: 400, code: -2010, msg: "Order would immediately match and take." });
  assert.deepEqual([e.orders.all.length, e.nextOrderId, balances(e)[1].locked], [0, 1, 0]);
  const ok = placed(
    e.place("a", order({ type: "LIMIT_MAKER", timeInForce: null, priceTicks: 5_999_999 }), 2),
  );
  assert.deepEqual([ok.order.status, ok.order.timeInForce, ok.fills.length], ["NEW", "GTC", 0]);
});

Deno.test("duplicate client ids are refused only while open; cancels release the lock; -2011 for unknown", () => {
  const e = engine();
  e.onTrade(print(6_100_000, 1, "buy"));
  const first = placed(e.place("a", order({ clientOrderId: "c1" }), 1)).order;
  assert.deepEqual(e.place("a", order({ clientOrderId: "c1" }), 2), {
    http: 400,
    code: -2010,
    msg: "Duplicate order sent.",
  });
  const c = e.cancel("a", "BTCUSDT", { clientOrderId: "c1" }, 3);
  assert.ok(!("code" in c));
  assert.deepEqual(c.events.map((x) => [x.execType, x.order.status, x.order.orderId]), [[
    "CANCELED",
    "CANCELED",
    first.orderId,
  ]]);
  assert.deepEqual(balances(e)[1], { asset: "USDT", free: units(10_000), locked: 0 });
  assert.deepEqual(e.cancel("a", "BTCUSDT", { orderId: first.orderId }, 4), {
    http: 400,
    code: -2011,
    msg: "Unknown order sent.",
  });
  const again = placed(e.place("a", order({ clientOrderId: "c1" }), 5)).order;
  assert.equal(e.find("a", "BTCUSDT", { clientOrderId: "c1" }), again, "a client id names its newest order");
  assert.equal(e.find("a", "BTCUSDT", { orderId: first.orderId, clientOrderId: "zz" }), "mismatch");
  assert.equal(e.find("b", "BTCUSDT", { orderId: again.orderId }), null, "another account sees nothing");
  const r = e.cancel("a", "BTCUSDT", { orderId: again.orderId }, 6, "ONLY_PARTIALLY_FILLED");
  assert.deepEqual(r, { http: 400, code: -2011, msg: "Order was not canceled due to cancel restrictions." });
  placed(e.place("a", order({ side: "SELL", priceTicks: 6_200_000 }), 7));
  const all = e.cancelAll("a", "BTCUSDT", 8);
  assert.ok(!("code" in all));
  assert.deepEqual(all.orders.map((o) => o.status), ["CANCELED", "CANCELED"]);
  assert.deepEqual(e.cancelAll("a", "BTCUSDT", 9), { http: 400, code: -2011, msg: "Unknown order sent." });
  assert.deepEqual(balances(e), [{ asset: "BTC", free: units(1), locked: 0 }, {
    asset: "USDT",
    free: units(10_000),
    locked: 0,
  }]);
});
