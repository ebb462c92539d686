// A routine cancel while a reconciliation reads the venue: the order was open when the open orders were
// read and is CANCELED in the OMS by the time the plan runs. It is no closed-but-open disagreement (only
// orders closed before the read are), so a 5xx on a confirming query cannot make a healthy loop refuse
// to trade. The myTrades read is held by a fetch wrapper (when, never what: every call reaches the sim).
import assert from "node:assert/strict";
import { limitBuy, orderOf, startedLoop, startLoopRig, truthOf, VENUE } from "../../testing/live_loop.ts";
import { waitFor } from "../async/poll.ts";

for (const with502 of [false, true]) {
  Deno.test(`a cancel during a reconciliation's reads (a 502 on the next signed call: ${with502}) leaves it ready`, async () => {
    const st = { hold: false, held: 0, gate: Promise.resolve(), after502: false };
    let burst = () => {};
    const f: typeof fetch = async (input, init) => {
      const url = String(input);
      if (st.hold && url.includes("/api/v3/myTrades")) {
        st.hold = false;
        st.held++;
        await st.gate;
      }
      const res = await fetch(input, init);
      if (st.after502 && url.includes("/api/v3/account")) {
        st.after502 = false;
        burst(); // the next signed call: before the fix, the closed-but-open query
      }
      return res;
    };
    const r = await startLoopRig({ fetch: f });
    burst = () => r.s.setTrading({ burst5xx: { calls: 1 } });
    try {
      const loop = await startedLoop(r);
      assert.equal((await loop.submitOrder(VENUE, limitBuy(50_000), "c-1")).ok, true);
      await r.pump("acked", () => orderOf(loop, "t1-1")?.state === "ACCEPTED");
      await loop.idle();
      const g = Promise.withResolvers<void>();
      st.gate = g.promise;
      st.hold = true;
      st.after502 = with502;
      const rec = loop.reconcileNow();
      await waitFor("myTrades held", () => st.held === 1, { timeoutMs: 10_000, everyMs: 1 });
      assert.deepEqual(await loop.cancelOrder(VENUE, "t1-1"), { ok: true, state: "CANCELED" });
      g.resolve();
      const v = await rec;
      // Before: with the 502, "failed: 1 problem(s): t1-1 is CANCELED in the OMS, listed open at the venue".
      assert.deepEqual([v.status, v.reconciliation.state, v.reconciliation.report], [
        "ready",
        "done",
        ["succeeded: venue and OMS agree"],
      ]);
      assert.deepEqual(truthOf(r, "t1-1"), ["NEW NEW", "CANCELED CANCELED"]);
      await loop.shutdown();
    } finally {
      await r.close();
    }
  });
}
