import assert from "node:assert/strict";
import { ev, fillEv, intent, newOrder, type Rec, U } from "../../testing/oms_records.ts";
import { OmsBook } from "./book.ts";
import { REC } from "./records.ts";

const applyAll = (b: OmsBook, recs: Rec[]) => recs.map((r) => b.apply(r));

Deno.test("intents, acks and fills build orders, positions, fees and the id counter", () => {
  const b = new OmsBook();
  const rs = applyAll(b, [
    intent("rs01-1", 1),
    ev("rs01-1", { kind: "submitted" }),
    ev("rs01-1", { kind: "accepted", venueOrderId: 11 }),
    fillEv("rs01-1", 1, U / 4, 100 * U, 5),
    fillEv("rs01-1", 1, U / 4, 100 * U, 5), // the same trade again: a duplicate
    fillEv("rs01-1", 2, (3 * U) / 4, 100 * U, 5),
    intent("rs01-2", 2, { side: "SELL", price: 120 * U }),
    ev("rs01-2", { kind: "submitted" }),
    fillEv("rs01-2", 3, U / 2, 120 * U),
  ]);
  assert.deepEqual(rs.map((r) => r.ok && r.duplicate), [
    false,
    false,
    false,
    false,
    true,
    false,
    false,
    false,
    false,
  ]);
  assert.deepEqual([b.order("rs01-1")?.state, b.order("rs01-2")?.state], ["FILLED", "PARTIALLY_FILLED"]);
  assert.deepEqual(b.position("BTCUSDT"), { qty: U / 2, cost: 50 * U, realized: 10 * U });
  assert.deepEqual(Object.fromEntries(b.fees()), { USDT: 10 });
  assert.equal(b.idCounter, 2);
  assert.deepEqual(b.working().map((o) => o.clientOrderId), ["rs01-2"]);
  assert.deepEqual(b.neverSent(), []);
});

Deno.test("refusals change nothing and say why: duplicate id, unknown order, a move not in the table", () => {
  const b = new OmsBook();
  applyAll(b, [intent("a-1", 1)]);
  const before = JSON.stringify(b);
  assert.deepEqual(b.apply(intent("a-1", 5)), { ok: false, reason: 'client id "a-1" is already used' });
  assert.deepEqual(b.apply(ev("a-9", { kind: "submitted" })), { ok: false, reason: 'unknown order "a-9"' });
  assert.deepEqual(b.apply(ev("a-1", { kind: "expired" })), {
    ok: false,
    reason: "INITIALIZED -> expired is not a transition",
  });
  assert.deepEqual(
    b.apply({ type: REC.adopted, data: { order: { clientOrderId: "a-1" }, venueOrderId: 3 } }),
    {
      ok: false,
      reason: 'client id "a-1" is already used',
    },
  );
  assert.equal(JSON.stringify(b), before);
  assert.equal(b.idCounter, 1);
  assert.deepEqual(b.neverSent().map((o) => o.clientOrderId), ["a-1"]);
  assert.deepEqual(b.apply({ type: "note", data: {} }), { ok: true, order: null, duplicate: false });
});

Deno.test("an external order is adopted with its venue id and tracked like any other", () => {
  const b = new OmsBook();
  const r = b.apply({ type: REC.adopted, data: { order: newOrder("web_1"), venueOrderId: 77 } });
  assert.ok(r.ok);
  assert.deepEqual([r.order?.origin, r.order?.venueOrderId, r.order?.state], ["external", 77, "INITIALIZED"]);
  assert.ok(b.apply(ev("web_1", { kind: "accepted", venueOrderId: 77 })).ok);
  assert.deepEqual(b.working().map((o) => [o.clientOrderId, o.state]), [["web_1", "ACCEPTED"]]);
  assert.deepEqual(b.neverSent(), [], "an external order is never sent by us");
  assert.equal(b.idCounter, 0);
});

Deno.test("toJSON / fromJSON round-trip; equal books print equal JSON whatever the insertion order", () => {
  const recs = [intent("b-2", 2), intent("b-1", 1), ev("b-1", { kind: "submitted" }), fillEv("b-1", 9, U)];
  const a = new OmsBook();
  applyAll(a, recs);
  const back = OmsBook.fromJSON(JSON.parse(JSON.stringify(a)));
  assert.deepEqual(back.toJSON(), a.toJSON());
  assert.deepEqual(a.toJSON().orders.map((o) => o.clientOrderId), ["b-1", "b-2"]);
  assert.deepEqual(back.position("BTCUSDT"), { qty: U, cost: 100 * U, realized: 0 });
});
