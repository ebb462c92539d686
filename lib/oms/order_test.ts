import assert from "node:assert/strict";
import {
  type Order,
  ORDER_STATES,
  type OrderEvent,
  type OrderEventKind,
  type OrderFill,
  type OrderState,
  transition,
} from "./order.ts";

const base: Order = {
  clientOrderId: "rs01-k1-1",
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  quantity: 300,
  price: 60_000_00000000,
  reduceOnly: false,
  origin: "local",
  strategy: "rs01",
  correlationId: "c-1",
  state: "INITIALIZED",
  venueOrderId: null,
  filledQty: 0,
  filledQuote: 0,
  tradeIds: [],
  reason: null,
};
const at = (state: OrderState, more: Partial<Order> = {}): Order => ({ ...base, state, ...more });
const fill = (tradeId: number, qty: number): OrderFill => ({
  tradeId,
  qty,
  price: 60_000_00000000,
  quote: qty * 60_000,
  commission: 0,
  commissionAsset: null,
  timeMs: 1,
  isMaker: true,
});

/** One event of each kind; the fill is partial (100 of 300 atoms). */
const EVENTS: Record<OrderEventKind, OrderEvent> = {
  submitted: { kind: "submitted" },
  denied: { kind: "denied", reason: "TRADING_HALTED" },
  accepted: { kind: "accepted", venueOrderId: 7 },
  rejected: { kind: "rejected", reason: "insufficient_balance" },
  fill: { kind: "fill", fill: fill(1, 100) },
  cancel_requested: { kind: "cancel_requested" },
  cancel_rejected: { kind: "cancel_rejected", reason: "not_found" },
  canceled: { kind: "canceled" },
  expired: { kind: "expired" },
};

/**
 * The whole matrix written out by hand (not read from TRANSITIONS): the state each event leads to from
 * each state of a LOCAL order without fills, "dup" for an unchanged duplicate, "-" for refused.
 */
const EXPECTED: Record<OrderState, Partial<Record<OrderEventKind, OrderState | "dup">>> = {
  INITIALIZED: { submitted: "SUBMITTED", denied: "DENIED", canceled: "CANCELED" }, // canceled: never sent
  SUBMITTED: {
    accepted: "ACCEPTED",
    rejected: "REJECTED",
    fill: "PARTIALLY_FILLED",
    cancel_requested: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
  },
  ACCEPTED: {
    accepted: "ACCEPTED", // venue id was null: the late ack records it
    fill: "PARTIALLY_FILLED",
    cancel_requested: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
  },
  PARTIALLY_FILLED: {
    accepted: "PARTIALLY_FILLED",
    fill: "PARTIALLY_FILLED",
    cancel_requested: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
  },
  PENDING_CANCEL: {
    accepted: "PENDING_CANCEL",
    fill: "PENDING_CANCEL",
    canceled: "CANCELED",
    expired: "EXPIRED",
    cancel_rejected: "ACCEPTED",
    rejected: "REJECTED",
  },
  FILLED: { accepted: "FILLED" },
  CANCELED: { accepted: "CANCELED", fill: "CANCELED", canceled: "CANCELED" },
  REJECTED: { rejected: "REJECTED" },
  EXPIRED: { accepted: "EXPIRED", fill: "EXPIRED", expired: "EXPIRED" },
  DENIED: {},
};

Deno.test("the transition matrix: every (state, event) pair moves as written or is refused by name", () => {
  let refused = 0;
  for (const s of ORDER_STATES) {
    for (const [kind, ev] of Object.entries(EVENTS) as [OrderEventKind, OrderEvent][]) {
      const r = transition(at(s), ev);
      const want = EXPECTED[s][kind];
      if (want === undefined) {
        refused++;
        const why = s === "INITIALIZED" && (kind === "accepted" || kind === "fill")
          ? `INITIALIZED -> ${kind}: a local order is submitted first (only external ones adopt)`
          : `${s} -> ${kind} is not a transition`;
        assert.deepEqual(r, { ok: false, reason: why }, `${s} + ${kind}`);
      } else {
        assert.ok(r.ok, `${s} + ${kind}: ${!r.ok && r.reason}`);
        assert.equal(r.order.state, want, `${s} + ${kind}`);
      }
    }
  }
  assert.equal(refused, 57, "57 of the 90 pairs are refused");
});

Deno.test("external orders adopt from INITIALIZED; a local one cannot skip the submit", () => {
  const ext = at("INITIALIZED", { origin: "external" });
  assert.deepEqual(transition(ext, EVENTS.canceled), {
    ok: false,
    reason: "INITIALIZED -> canceled: an external order is adopted open (only a local one ends unsent)",
  });
  const r = transition(ext, EVENTS.accepted);
  assert.ok(r.ok);
  assert.deepEqual([r.order.state, r.order.venueOrderId], ["ACCEPTED", 7]);
  const f = transition(ext, EVENTS.fill);
  assert.ok(f.ok);
  assert.equal(f.order.state, "PARTIALLY_FILLED");
});

Deno.test("fills: partial, then complete -> FILLED; SUBMITTED -> FILLED; a fill racing a cancel", () => {
  const a = transition(at("ACCEPTED", { venueOrderId: 7 }), { kind: "fill", fill: fill(1, 100) });
  assert.ok(a.ok);
  assert.deepEqual([a.order.state, a.order.filledQty, a.order.filledQuote, a.order.tradeIds], [
    "PARTIALLY_FILLED",
    100,
    6_000_000,
    [1],
  ]);
  const b = transition(a.order, { kind: "fill", fill: fill(2, 200) });
  assert.ok(b.ok);
  assert.deepEqual([b.order.state, b.order.filledQty, b.order.tradeIds], ["FILLED", 300, [1, 2]]);
  const whole = transition(at("SUBMITTED"), { kind: "fill", fill: fill(3, 300) });
  assert.ok(whole.ok);
  assert.equal(whole.order.state, "FILLED");
  for (const closed of ["CANCELED", "EXPIRED", "PENDING_CANCEL"] as const) {
    const r = transition(at(closed, { filledQty: 100, tradeIds: [1] }), { kind: "fill", fill: fill(4, 200) });
    assert.ok(r.ok);
    assert.equal(r.order.state, "FILLED", `${closed} + the remaining fill`);
  }
});

Deno.test("a known trade id is a duplicate, not a second fill; overfill and bad atoms are refused", () => {
  const o = at("PARTIALLY_FILLED", { filledQty: 100, filledQuote: 6_000_000, tradeIds: [1] });
  assert.deepEqual(transition(o, { kind: "fill", fill: fill(1, 100) }), {
    ok: true,
    order: o,
    duplicate: true,
  });
  assert.deepEqual(transition(o, { kind: "fill", fill: fill(2, 201) }), {
    ok: false,
    reason: "fill 2 overfills: 301 of 300 atoms",
  });
  for (const qty of [0, -5, 1.5]) {
    assert.deepEqual(transition(o, { kind: "fill", fill: fill(3, qty) }), {
      ok: false,
      reason: "fill 3: quantity and price must be positive atoms",
    });
  }
});

Deno.test("acks: a repeat is a duplicate, another venue id is refused; a failed cancel goes back open", () => {
  const o = at("ACCEPTED", { venueOrderId: 7 });
  assert.deepEqual(transition(o, EVENTS.accepted), { ok: true, order: o, duplicate: true });
  assert.deepEqual(transition(o, { kind: "accepted", venueOrderId: 8 }), {
    ok: false,
    reason: "ack names venue order 8, the order is 7",
  });
  const pf = transition(at("PENDING_CANCEL", { filledQty: 100, tradeIds: [1] }), EVENTS.cancel_rejected);
  assert.ok(pf.ok);
  assert.equal(pf.order.state, "PARTIALLY_FILLED");
});

Deno.test("reasons are kept: denied, rejected, canceled with and without one", () => {
  const d = transition(at("INITIALIZED"), EVENTS.denied);
  assert.ok(d.ok);
  assert.equal(d.order.reason, "TRADING_HALTED");
  const r = transition(at("SUBMITTED"), EVENTS.rejected);
  assert.ok(r.ok);
  assert.equal(r.order.reason, "insufficient_balance");
  const c = transition(at("ACCEPTED"), { kind: "canceled", reason: "missing at venue after grace" });
  assert.ok(c.ok);
  assert.equal(c.order.reason, "missing at venue after grace");
  const c2 = transition(at("ACCEPTED"), EVENTS.canceled);
  assert.ok(c2.ok);
  assert.equal(c2.order.reason, null);
  // A queued (never sent) local order canceled ends as a sent one canceled does; `denied` still replays.
  const q = transition(at("INITIALIZED"), { kind: "canceled", reason: "canceled before it was sent" });
  assert.ok(q.ok);
  assert.deepEqual([q.order.state, q.order.reason], ["CANCELED", "canceled before it was sent"]);
});

Deno.test("the same end reported twice (REST answer and stream) is a duplicate, unchanged", () => {
  for (
    const [s, kind] of [["CANCELED", "canceled"], ["EXPIRED", "expired"], ["REJECTED", "rejected"]] as const
  ) {
    const o = at(s);
    assert.deepEqual(transition(o, EVENTS[kind]), { ok: true, order: o, duplicate: true }, s);
  }
});
