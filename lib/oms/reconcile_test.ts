import assert from "node:assert/strict";
import { ev, fillEv, intent, type Rec, U } from "../../testing/oms_records.ts";
import type { Fill, VenueOrder } from "../trading/venue.ts";
import { OmsBook } from "./book.ts";
import type { Order } from "./order.ts";
import { planReconcile, type ReconcileStep, settleMissing } from "./reconcile.ts";
import { REC } from "./records.ts";

function bookOf(recs: Rec[]): OmsBook {
  const b = new OmsBook();
  for (const r of recs) assert.ok(b.apply(r).ok, JSON.stringify(r));
  return b;
}
const vo = (clientOrderId: string, orderId: number, status: VenueOrder["status"] = "NEW"): VenueOrder => ({
  symbol: "BTCUSDT",
  orderId,
  clientOrderId,
  status,
  side: "BUY",
  type: "LIMIT",
  price: "100.00000000",
  origQty: "1.00000000",
});
const vf = (tradeId: number, orderId: number): Fill => ({
  symbol: "BTCUSDT",
  tradeId,
  orderId,
  price: "100.00000000",
  qty: "0.10000000",
  quoteQty: "10.00000000",
  commission: "0",
  commissionAsset: null,
  timeMs: 5,
  isBuyer: true,
  isMaker: true,
});
const fill = (tradeId: number) => ({
  kind: "fill" as const,
  fill: {
    tradeId,
    qty: U / 10,
    price: 100 * U,
    quote: 10 * U,
    commission: 0,
    commissionAsset: null,
    timeMs: 5,
    isMaker: true,
  },
});

const BOOK: Rec[] = [
  intent("rs01-1", 1), // never sent
  intent("rs01-2", 2),
  ev("rs01-2", { kind: "submitted" }), // ack lost, open at the venue
  intent("rs01-3", 3),
  ev("rs01-3", { kind: "submitted" }),
  ev("rs01-3", { kind: "accepted", venueOrderId: 103 }), // gone from the venue's open orders
  intent("rs01-4", 4),
  ev("rs01-4", { kind: "submitted" }), // ack lost and not open: filled or never placed
  intent("rs01-5", 5),
  ev("rs01-5", { kind: "submitted" }),
  ev("rs01-5", { kind: "accepted", venueOrderId: 105 }),
  fillEv("rs01-5", 9, U / 10),
  intent("rs01-6", 6), // its "submitted" record was lost, yet the venue has it
];
const VIEW = {
  openOrders: [
    vo("rs01-2", 102),
    vo("rs01-5", 105, "PARTIALLY_FILLED"),
    vo("rs01-6", 106),
    vo("web_1", 200, "PARTIALLY_FILLED"),
  ],
  fills: [vf(11, 200), vf(10, 105), vf(9, 105), vf(8, 103), vf(7, 102), vf(12, 104)],
};

Deno.test("the plan: requeue the unsent, ack and fill what the venue shows, query the missing, adopt the unknown", () => {
  const steps = planReconcile(bookOf(BOOK), VIEW, (v) => `adopt-${v.orderId}`);
  const want: ReconcileStep[] = [
    { kind: "requeue", clientOrderId: "rs01-1" },
    { kind: "apply", clientOrderId: "rs01-2", event: { kind: "accepted", venueOrderId: 102 } },
    { kind: "apply", clientOrderId: "rs01-2", event: fill(7) },
    { kind: "query", clientOrderId: "rs01-3", symbol: "BTCUSDT" },
    { kind: "apply", clientOrderId: "rs01-3", event: fill(8) },
    { kind: "query", clientOrderId: "rs01-4", symbol: "BTCUSDT" },
    { kind: "apply", clientOrderId: "rs01-5", event: fill(10) }, // trade 9 is known: not again
    { kind: "apply", clientOrderId: "rs01-6", event: { kind: "submitted" } },
    { kind: "apply", clientOrderId: "rs01-6", event: { kind: "accepted", venueOrderId: 106 } },
    {
      kind: "adopt",
      order: {
        clientOrderId: "web_1",
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        timeInForce: null,
        quantity: U,
        price: 100 * U,
        reduceOnly: false,
        strategy: "external",
        correlationId: "adopt-200",
      },
      venueOrderId: 200,
      events: [{ kind: "accepted", venueOrderId: 200 }, fill(11)],
    },
    { kind: "unmatched_fill", fill: vf(12, 104) },
  ];
  assert.deepEqual(steps, want);
});

Deno.test("applying the plan twice changes nothing the second time (fills once, by trade id)", () => {
  const b = bookOf(BOOK);
  const apply = (steps: ReconcileStep[]) => {
    for (const s of steps) {
      if (s.kind === "apply") assert.ok(b.apply({ type: REC.event, data: s }).ok);
      if (s.kind === "adopt") {
        assert.ok(b.apply({ type: REC.adopted, data: s }).ok);
        for (const e of s.events) {
          b.apply({ type: REC.event, data: { clientOrderId: s.order.clientOrderId, event: e } });
        }
      }
    }
  };
  apply(planReconcile(b, VIEW, () => "a"));
  const once = JSON.stringify(b);
  assert.deepEqual(b.position("BTCUSDT").qty, (5 * U) / 10, "fills 7, 8, 9, 10, 11");
  const again = planReconcile(b, VIEW, () => "a");
  assert.deepEqual(again.map((s) => s.kind), ["requeue", "query", "query", "unmatched_fill"]);
  apply(again);
  assert.equal(JSON.stringify(b), once);
});

Deno.test("the plan: an order closed in the OMS but listed open at the venue is checked by query, never acked open", () => {
  const b = bookOf([
    intent("rs01-1", 1),
    ev("rs01-1", { kind: "canceled", reason: "canceled before it was sent" }), // then sent anyway
    intent("rs01-2", 2),
    ev("rs01-2", { kind: "denied", reason: "canceled before it was sent" }), // an older log's cancel
    intent("rs01-3", 3),
    ev("rs01-3", { kind: "submitted" }),
    ev("rs01-3", { kind: "accepted", venueOrderId: 103 }),
    ev("rs01-3", { kind: "canceled" }), // its cancel lost at the venue
  ]);
  const view = { openOrders: [vo("rs01-1", 101), vo("rs01-2", 102), vo("rs01-3", 103)], fills: [vf(7, 102)] };
  // Before: an ack for rs01-1 and rs01-2 (refused by the OMS, dropped), nothing for rs01-3.
  assert.deepEqual(planReconcile(b, view, () => "a"), [
    { kind: "closed_open", clientOrderId: "rs01-1", symbol: "BTCUSDT" },
    { kind: "closed_open", clientOrderId: "rs01-2", symbol: "BTCUSDT" },
    { kind: "apply", clientOrderId: "rs01-2", event: fill(7) }, // refused by the OMS: a problem (reconciler.ts)
    { kind: "closed_open", clientOrderId: "rs01-3", symbol: "BTCUSDT" },
  ]);
});

Deno.test("settleMissing: found, not found within and after the grace, or an answer that is no answer", () => {
  const b = bookOf(BOOK);
  const submitted = b.order("rs01-4") as Order, acked = b.order("rs01-3") as Order;
  const t = { nowMs: 10_000, firstMissingMs: 5_000, graceMs: 5_000 };
  const notFound = {
    kind: "rejected",
    reason: "not_found",
    code: -2013,
    msg: "Order does not exist.",
    httpStatus: 400,
  } as const;
  assert.deepEqual(settleMissing(submitted, { kind: "confirmed", value: vo("rs01-4", 104, "FILLED") }, t), {
    kind: "events",
    events: [{ kind: "accepted", venueOrderId: 104 }],
    venueOrderId: 104,
  });
  assert.deepEqual(settleMissing(acked, { kind: "confirmed", value: vo("rs01-3", 103, "CANCELED") }, t), {
    kind: "events",
    events: [{ kind: "canceled" }],
    venueOrderId: 103,
  });
  assert.deepEqual(settleMissing(submitted, notFound, { ...t, nowMs: 9_999 }), {
    kind: "wait",
    detail: "not found at the venue; grace ends in 1 ms",
  });
  assert.deepEqual(settleMissing(submitted, notFound, t), {
    kind: "events",
    events: [{ kind: "rejected", reason: "not found at the venue after the grace period" }],
    venueOrderId: null,
  });
  assert.deepEqual(settleMissing(acked, notFound, t), {
    kind: "events",
    events: [{ kind: "canceled", reason: "missing at the venue after the grace period" }],
    venueOrderId: 103,
  });
  assert.deepEqual(settleMissing(acked, { kind: "ambiguous", cause: "timeout" }, t), {
    kind: "retry",
    detail: "query ambiguous: timeout",
  });
  assert.deepEqual(settleMissing(acked, { ...notFound, reason: "rate_limited", msg: "slow down" }, t), {
    kind: "retry",
    detail: "query refused: rate_limited slow down",
  });
});
