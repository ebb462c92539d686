// Reconciliation on an account with trades of its own: trades before the loop's first start are the
// account's history (a persisted trade-id cursor starts after them), a manual trade while the loop is
// down is adopted as EXTERNAL from its fills, and the next start fetches only from the cursor. Venue
// simulator over loopback through the real connector; seed 11: a sell print at +65 ms fills a buy at 60000.
import assert from "node:assert/strict";
import { fillsTruth, startLoopRig, SYMBOL, U } from "../../testing/live_loop.ts";
import { CURSOR_FILE } from "./ledger.ts";

const manualBuy = (id: string) => ({
  symbol: SYMBOL,
  side: "BUY" as const,
  type: "LIMIT" as const,
  timeInForce: "GTC" as const,
  quantity: "0.00100000",
  price: "60000.00",
  clientOrderId: id,
});

Deno.test("an account with a trade before the first start reconciles ready; a manual trade while down is adopted EXTERNAL; balances agree", async () => {
  const r = await startLoopRig();
  try {
    const placed = await r.s.spot.place(manualBuy("manual-1"));
    assert.equal(placed.kind, "confirmed");
    r.s.tick(100);
    assert.equal(fillsTruth(r.s).length, 1, "the account's earlier trade");
    const first = r.make();
    const v1 = await first.start();
    assert.deepEqual([v1.status, v1.reason, v1.reconciliation.last], ["ready", null, { succeeded: 1 }]);
    assert.deepEqual(first.orders(), [], "history is not the loop's");
    assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${r.dir}/${CURSOR_FILE}`)), { [SYMBOL]: 2 });
    await first.shutdown();
    // While down: a manual trade on the account (a new order, filled by the next prints).
    assert.equal((await r.s.spot.place(manualBuy("manual-2"))).kind, "confirmed");
    r.s.tick(60_000);
    const fills = fillsTruth(r.s);
    assert.equal(fills.length, 2, "the manual order filled once");
    const loop = r.make();
    const v2 = await loop.start();
    assert.equal(v2.status, "ready", String(v2.reason));
    assert.equal(v2.reconciliation.last.adopted, 1);
    const ext = loop.orders().map((o) => [o.clientOrderId, o.origin, o.state, o.filledQty]);
    const vid = fills[fills.length - 1].orderId;
    assert.deepEqual(ext, [[`external-${vid}`, "external", "FILLED", U / 1000]]);
    assert.deepEqual(loop.snapshot().positions.map((p) => [p.symbol, p.qty]), [[SYMBOL, U / 1000]]);
    assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${r.dir}/${CURSOR_FILE}`)), {
      [SYMBOL]: fills[fills.length - 1].id as number + 1,
    });
    await loop.shutdown();
    // The next start fetches from the cursor: nothing new, nothing adopted twice.
    const again = r.make();
    assert.deepEqual((await again.start()).reconciliation.last, { succeeded: 1 });
    assert.equal(again.orders().length, 1);
    await again.shutdown();
  } finally {
    await r.close();
  }
});

Deno.test("a first start that is cold also takes the account's earlier trades as history: the next warm start is ready", async () => {
  const r = await startLoopRig();
  try {
    assert.equal((await r.s.spot.place(manualBuy("manual-1"))).kind, "confirmed");
    r.s.tick(100);
    const cold = r.make();
    assert.equal((await cold.start({ coldStart: true })).status, "ready");
    assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${r.dir}/${CURSOR_FILE}`)), { [SYMBOL]: 2 });
    await cold.shutdown();
    const warm = r.make();
    const v = await warm.start();
    assert.deepEqual([v.status, v.reason, v.reconciliation.last], ["ready", null, { succeeded: 1 }]);
    assert.deepEqual(warm.orders(), []);
    await warm.shutdown();
  } finally {
    await r.close();
  }
});
