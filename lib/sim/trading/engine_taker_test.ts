import assert from "node:assert/strict";
import { balances, engine, order, placed, print, units } from "../../../testing/sim_trading.ts";

Deno.test("MARKET and marketable limits take at the last print moved by the slippage, taker fee", () => {
  const e = engine();
  e.onTrade(print(6_000_000, 1, "sell"));
  const m = placed(e.place("a", order({ type: "MARKET", timeInForce: null, priceTicks: 0 }), 10));
  assert.deepEqual(m.events.map((x) => x.execType), ["NEW", "TRADE"]);
  assert.deepEqual(
    [m.order.status, m.fills[0].priceTicks, m.fills[0].quoteAtoms, m.fills[0].commissionAtoms],
    [
      "FILLED",
      6_003_000, // ceil(60000.00 * 1.0005)
      6_003_000 * 10_000,
      2_000, // 0.01 BTC * 20 bps taker
    ],
  );
  // A sell limit below the last print: the taker price floor(60000 * 0.9995) = 59970.00 beats the limit.
  const s = placed(e.place("a", order({ side: "SELL", priceTicks: 5_900_000, qtyLots: 20_000 }), 11));
  assert.deepEqual([s.order.status, s.fills[0].priceTicks, s.fills[0].isMaker], ["FILLED", 5_997_000, false]);
  assert.deepEqual([s.fills[0].commissionAsset, s.fills[0].commissionAtoms], ["USDT", 239_880_000]);
  // MARKET by quote amount: whole lots that 100 USDT buys at 60030.00.
  const q = placed(
    e.place(
      "a",
      order({ type: "MARKET", timeInForce: null, priceTicks: 0, qtyLots: 0, quoteOrderQtyAtoms: units(100) }),
      12,
    ),
  );
  assert.deepEqual([q.order.origQtyLots, q.order.status, q.order.origQuoteOrderQtyAtoms], [
    1_665,
    "FILLED",
    units(100),
  ]);
  assert.deepEqual(balances(e).find((b) => b.asset === "USDT")!.locked, 0);
});

Deno.test("IOC fills what the last print left and expires the rest; FOK fills all or nothing", () => {
  const e = engine({ slippageBps: 0, takerLiquidity: "last_print" });
  e.onTrade(print(6_000_000, 5_000, "buy"));
  const ioc = placed(e.place("a", order({ timeInForce: "IOC", priceTicks: 6_001_000, qtyLots: 8_000 }), 5));
  assert.deepEqual(ioc.events.map((x) => [x.execType, x.order.status, x.order.executedLots]), [
    ["NEW", "NEW", 0],
    ["TRADE", "PARTIALLY_FILLED", 5_000],
    ["EXPIRED", "EXPIRED", 5_000],
  ]);
  assert.equal(ioc.order.expiryReason, "UNFILLED_IOC_QUANTITY_EXPIRED");
  const fok = placed(e.place("a", order({ timeInForce: "FOK", priceTicks: 6_001_000, qtyLots: 1 }), 6));
  assert.deepEqual([fok.order.status, fok.fills.length, fok.order.expiryReason], [
    "EXPIRED",
    0,
    "UNFILLED_FOK_ORDER_EXPIRED",
  ]);
  e.onTrade(print(6_000_000, 5_000, "buy"));
  const fok2 = placed(e.place("a", order({ timeInForce: "FOK", priceTicks: 6_001_000, qtyLots: 5_000 }), 7));
  assert.deepEqual([fok2.order.status, fok2.fills[0].qtyLots], ["FILLED", 5_000]);
  const away = placed(e.place("a", order({ timeInForce: "IOC", priceTicks: 5_000_000 }), 8));
  assert.deepEqual([away.order.status, away.fills.length], ["EXPIRED", 0], "an IOC that cannot take expires");
  assert.deepEqual(balances(e)[1], { asset: "USDT", free: units(10_000) - 10_000 * 6_000_000, locked: 0 });
});

Deno.test("insufficient balance is -2010 and changes nothing", () => {
  const e = engine();
  e.onTrade(print(6_100_000, 1, "buy"));
  const big = order({ qtyLots: 200_000 }); // 0.2 BTC at 60000 = 12000 USDT > 10000
  assert.deepEqual(e.place("a", big, 1), {
    http: 400,
    code: -2010,
    msg: "Account has insufficient balance for requested action.",
  });
  assert.deepEqual(e.place("a", order({ side: "SELL", qtyLots: 1_000_001, priceTicks: 6_200_000 }), 1), {
    http: 400,
    code: -2010,
    msg: "Account has insufficient balance for requested action.",
  });
  assert.deepEqual([e.orders.all.length, e.nextOrderId, balances(e)[1]], [0, 1, {
    asset: "USDT",
    free: units(10_000),
    locked: 0,
  }]);
});

Deno.test("a MARKET order before the first print expires unfilled", () => {
  const e = engine();
  const m = placed(e.place("a", order({ type: "MARKET", timeInForce: null, priceTicks: 0 }), 1));
  assert.deepEqual([m.order.status, m.order.expiryReason, m.fills.length], [
    "EXPIRED",
    "INSUFFICIENT_LIQUIDITY",
    0,
  ]);
  assert.deepEqual(balances(e)[1], { asset: "USDT", free: units(10_000), locked: 0 });
});
