// The drill API (the crash-point proof's order source) over a real loop on the simulator: refusals say
// why and reach nothing; a drill order goes through the loop's own submit (risk, intent, worker) and
// its cancel through the loop's cancel; GET lists the OMS's orders.
import assert from "node:assert/strict";
import { startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";
import { AdminToken } from "./admin_token.ts";
import { DRILL_PATH, drillHandler } from "./drill.ts";

const TOKEN = "drill-token-0123456789";
const req = (method: string, body?: unknown, auth = `Bearer ${TOKEN}`, query = "") =>
  new Request(`http://x${DRILL_PATH}${query}`, {
    method,
    headers: { authorization: auth },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

Deno.test("drill API: token, body and method refusals; an order submitted, listed and canceled through the loop", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make();
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const drill = drillHandler(loop, VENUE, new AdminToken(TOKEN));
    const call2 = async (h: typeof drill, q: Request) => {
      const res = await h(q);
      return [res.status, await res.json()];
    };
    const call = (q: Request) => call2(drill, q);
    const order = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U };
    assert.deepEqual(await call(req("POST", order, "Bearer wrong-token-000000")), [401, {
      error: "missing or wrong bearer token",
    }]);
    assert.deepEqual(await call(req("POST", "{")), [400, { error: "body must be JSON" }]);
    assert.deepEqual(await call(req("POST", { ...order, price: null })), [400, {
      error: "a LIMIT order needs a price",
    }]);
    assert.deepEqual(await call(req("POST", { ...order, quantity: 0.5 })), [400, {
      error: "quantity must be whole atoms > 0",
    }]);
    assert.deepEqual(await call(req("PUT", order)), [405, { error: "method PUT not allowed" }]);
    assert.deepEqual(await call2(drillHandler(loop, VENUE, null), req("GET")), [503, {
      error: "drill API disabled: LIVE_ADMIN_TOKEN is not set",
    }]);
    assert.equal(loop.orders().length, 0, "no refusal reached the loop");

    assert.deepEqual(await call(req("POST", { ...order, correlationId: "drill-1" })), [200, {
      ok: true,
      clientOrderId: "t1-1",
    }]);
    await loop.idle();
    await r.pump("the ack", () => loop.orders()[0]?.state === "ACCEPTED");
    const [code, listed] = await call(req("GET"));
    assert.equal(code, 200);
    assert.deepEqual(
      listed.orders.map((
        o: Record<string, unknown>,
      ) => [o.clientOrderId, o.correlationId, o.strategy, o.state]),
      [["t1-1", "drill-1", "drill", "ACCEPTED"]],
    );
    assert.deepEqual(await call(req("DELETE", undefined, undefined, "?clientOrderId=t1-1")), [200, {
      ok: true,
      state: "CANCELED",
    }]);
    assert.deepEqual(await call(req("DELETE", undefined, undefined, "?clientOrderId=nope")), [409, {
      ok: false,
      reason: 'unknown order "nope"',
    }]);
    await loop.shutdown();
  } finally {
    await r.close();
  }
});
