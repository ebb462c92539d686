import assert from "node:assert/strict";
import { ACTIVE_SWITCH, engage } from "./kill_switch.ts";
import { FLAT } from "./position.ts";
import {
  accountBreach,
  checkOrder,
  drawdownBps,
  markEquity,
  type OrderAsk,
  RISK_REASONS,
  type RiskContext,
  type RiskLimits,
  type RiskReason,
  type RiskVerdict,
} from "./risk.ts";

const U = 100_000_000;
const NOW = Date.UTC(2026, 11, 2, 10, 0, 0);
const limits: RiskLimits = {
  maxNotionalPerOrder: 1_000 * U,
  maxPosition: { BTCUSDT: 2 * U },
  maxOpenOrders: 3,
  maxOrdersPerSecond: 5,
  priceCollarBps: 100,
  maxBarAgeMs: 120_000,
  maxDailyLoss: 500 * U,
  maxDrawdownBps: 1_000,
};
const ctx: RiskContext = {
  nowMs: NOW,
  killSwitch: ACTIVE_SWITCH,
  position: FLAT,
  workingBuy: 0,
  workingSell: 0,
  openOrders: 0,
  ordersLastSecond: 0,
  lastClose: { price: 100 * U, closeTimeMs: NOW - 60_000 },
  equity: { equity: 10_000 * U, peak: 10_000 * U, dayStart: 10_000 * U, day: "2026-12-02" },
};
const buy: OrderAsk = {
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  quantity: U,
  price: 100 * U,
  reduceOnly: false,
};
const halted = engage(ACTIVE_SWITCH, { atMs: NOW - 5, action: "engage", reason: "operator", by: "admin" });
const long = { qty: U, cost: 100 * U, realized: 0 };

/** One case per reason code: the change to the passing order or context, and the exact verdict. */
const CASES: [RiskReason, Partial<OrderAsk>, Partial<RiskContext>, string, boolean][] = [
  ["TRADING_HALTED", {}, { killSwitch: halted }, "kill switch HALTED: operator", false],
  ["RECONCILING", {}, { reconciling: true }, "new orders wait while a reconciliation runs", false],
  [
    "INVALID_ORDER",
    { quantity: 0 },
    {},
    "quantity and (for a limit order) price must be positive atoms",
    false,
  ],
  ["REDUCE_ONLY_WOULD_INCREASE", { reduceOnly: true }, { position: long }, `position ${U}, BUY ${U}`, false],
  ["RATE_LIMIT_EXCEEDED", {}, { ordersLastSecond: 5 }, "5 orders in the last second, limit 5", false],
  ["MAX_OPEN_ORDERS", {}, { openOrders: 3 }, "3 open, limit 3", false],
  ["NO_REFERENCE_PRICE", {}, { lastClose: null }, "no closed bar yet", false],
  [
    "PRICE_OUTSIDE_COLLAR",
    { price: 101 * U + 1 },
    {},
    `${101 * U + 1} is over 100 bps from the last close ${100 * U}`,
    false,
  ],
  [
    "NOTIONAL_EXCEEDS_MAX_PER_ORDER",
    { quantity: 10 * U + 1 },
    {},
    `${1_000 * U + 100} > ${1_000 * U} quote atoms`,
    false,
  ],
  ["NO_LIMIT_FOR_SYMBOL", { symbol: "ETHUSDT" }, {}, "no max position configured for ETHUSDT", false],
  [
    "POSITION_EXCEEDS_MAX",
    {},
    { position: long, workingBuy: U / 2 + 1 },
    `position would reach ${2.5 * U + 1}, limit ${2 * U} base atoms`,
    false,
  ],
  [
    "DAILY_LOSS_EXCEEDED",
    {},
    { equity: { ...ctx.equity, equity: 9_500 * U } },
    `lost ${500 * U} of at most ${500 * U} quote atoms today`,
    true,
  ],
  [
    "DRAWDOWN_EXCEEDED",
    {},
    { equity: { equity: 10_000 * U, peak: 11_200 * U, dayStart: 10_000 * U, day: "2026-12-02" } },
    `drawdown 1071 bps from peak ${11_200 * U}, limit 1000`,
    true,
  ],
];

Deno.test("the passing order passes; each reason code is produced by exactly its own breach", () => {
  assert.deepEqual(checkOrder(limits, ctx, buy), { ok: true });
  for (const [reason, o, c, detail, trip] of CASES) {
    const v: RiskVerdict = checkOrder(limits, { ...ctx, ...c }, { ...buy, ...o });
    assert.deepEqual(v, { ok: false, reason, detail, trip }, reason);
  }
  assert.deepEqual(CASES.map((c) => c[0]).sort(), [...RISK_REASONS].sort(), "every reason code has a case");
});

Deno.test("edges: at the collar and the limits exactly passes; a stale bar is no reference", () => {
  assert.deepEqual(checkOrder(limits, ctx, { ...buy, price: 101 * U }), { ok: true });
  assert.deepEqual(checkOrder(limits, ctx, { ...buy, price: 99 * U }), { ok: true });
  assert.deepEqual(checkOrder(limits, ctx, { ...buy, quantity: 2 * U, price: 100 * U }), { ok: true });
  assert.deepEqual(checkOrder(limits, { ...ctx, ordersLastSecond: 4, openOrders: 2 }, buy), { ok: true });
  const stale = { ...ctx, lastClose: { price: 100 * U, closeTimeMs: NOW - 120_001 } };
  assert.deepEqual(checkOrder(limits, stale, buy), {
    ok: false,
    reason: "NO_REFERENCE_PRICE",
    detail: "last close is 120001 ms old",
    trip: false,
  });
  const market: OrderAsk = { ...buy, type: "MARKET", price: null };
  assert.deepEqual(checkOrder(limits, ctx, { ...market, quantity: 2 * U }), { ok: true });
  const wide = { ...limits, maxPosition: { BTCUSDT: 100 * U } };
  assert.deepEqual(checkOrder(wide, ctx, { ...market, quantity: 10 * U + 1 }), {
    ok: false,
    reason: "NOTIONAL_EXCEEDS_MAX_PER_ORDER",
    detail: `${1_000 * U + 100} > ${1_000 * U} quote atoms`,
    trip: false,
  }, "a market order's notional is taken at the last close");
});

Deno.test("HALTED: a reducing order passes the switch and the loss limits; an increasing one does not", () => {
  const sell: OrderAsk = { ...buy, side: "SELL", reduceOnly: true };
  const down = { ...ctx.equity, equity: 9_000 * U };
  assert.deepEqual(checkOrder(limits, { ...ctx, killSwitch: halted, position: long, equity: down }, sell), {
    ok: true,
  });
  // Working sells already reduce the long: one more would flip it, so it is not reducing.
  const v = checkOrder(limits, { ...ctx, killSwitch: halted, position: long, workingSell: U / 2 }, sell);
  assert.deepEqual(v, {
    ok: false,
    reason: "TRADING_HALTED",
    detail: "kill switch HALTED: operator",
    trip: false,
  });
});

Deno.test("equity marks: the peak rises, a new UTC day restarts the day's loss; drawdown in bps", () => {
  let e = markEquity(null, 100 * U, NOW);
  e = markEquity(e, 120 * U, NOW + 1);
  e = markEquity(e, 90 * U, NOW + 2);
  assert.deepEqual(e, { equity: 90 * U, peak: 120 * U, dayStart: 100 * U, day: "2026-12-02" });
  assert.equal(drawdownBps(e), 2_500);
  const next = markEquity(e, 80 * U, Date.UTC(2026, 11, 3));
  assert.deepEqual(next, { equity: 80 * U, peak: 120 * U, dayStart: 80 * U, day: "2026-12-03" });
  assert.equal(drawdownBps({ ...e, equity: 130 * U }), 0);
  assert.deepEqual(accountBreach(limits, ctx.equity), { ok: true });
});
