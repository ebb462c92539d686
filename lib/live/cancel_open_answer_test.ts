// A cancel whose confirmed answer says the order is still open (a venue that answers before it acts, or
// a cancel that lost a race) leaves the order PENDING_CANCEL for the in-flight checker to cancel again;
// never cancel_rejected, which put it back to ACCEPTED with its cancel dropped. A fetch wrapper rewrites
// the cancel's answer to NEW; every call still reaches the venue simulator.
import assert from "node:assert/strict";
import { limitBuy, orderOf, startedLoop, startLoopRig, VENUE } from "../../testing/live_loop.ts";

Deno.test("a cancel answered 'still open': the order stays PENDING_CANCEL, never put back to ACCEPTED", async () => {
  const st = { rewrite: false };
  const f: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (!st.rewrite || init?.method !== "DELETE" || !String(input).includes("/api/v3/order?")) return res;
    st.rewrite = false;
    const body = await res.json();
    return new Response(JSON.stringify({ ...body, status: "NEW" }), {
      status: res.status,
      headers: res.headers,
    });
  };
  const r = await startLoopRig({ fetch: f });
  try {
    const loop = await startedLoop(r);
    assert.equal((await loop.submitOrder(VENUE, limitBuy(50_000), "c-1")).ok, true);
    await r.pump("acked", () => orderOf(loop, "t1-1")?.state === "ACCEPTED");
    await loop.idle();
    st.rewrite = true;
    const out = await loop.cancelOrder(VENUE, "t1-1");
    assert.equal(st.rewrite, false, "the cancel's answer was rewritten");
    assert.deepEqual(out, { ok: true, state: "PENDING_CANCEL" });
    assert.deepEqual(r.named("live_loop.transition_refused"), []);
    await r.pump("canceled", () => orderOf(loop, "t1-1").state === "CANCELED");
    await loop.shutdown();
  } finally {
    await r.close();
  }
});
