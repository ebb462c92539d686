import assert from "node:assert/strict";
import type { ChaosEvent } from "../chaos.ts";
import type { AckFault } from "./ack_faults.ts";
import { faultedCall } from "./chaos_ack.ts";
import { json } from "./rest_handler.ts";

const KEY = "k".repeat(64);
const place = () =>
  new Request("http://127.0.0.1/binance/api/v3/order?signature=abc", {
    method: "POST",
    headers: { "X-MBX-APIKEY": KEY },
    body: "symbol=BTCUSDT&newClientOrderId=c-1&timestamp=1",
  });

async function run(fault: AckFault, placed = true) {
  const log: ChaosEvent[] = [];
  let calls = 0;
  const res = await faultedCall(
    fault,
    place(),
    async (req) => {
      calls++;
      await req.text(); // the handler still gets the whole body
      return placed ? json(200, { orderId: 7, clientOrderId: "c-1" }) : json(400, { code: -1013, msg: "x" });
    },
    (e) => log.push(e),
    () => Promise.resolve(),
  );
  return { status: res!.status, body: await res!.json(), calls, log };
}

Deno.test("faultedCall: one log line per fault, with the order's ids and never the key", async () => {
  const lost = await run({ kind: "lost_after" });
  assert.deepEqual([lost.status, lost.body.code, lost.calls], [503, -1007, 1]);
  assert.deepEqual(lost.log, [{
    kind: "ack_lost_placed",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "c-1",
    orderId: 7,
    venueStatus: 200,
  }]);
  const unplaced = await run({ kind: "fail_before" });
  assert.deepEqual([unplaced.status, unplaced.body.code, unplaced.calls], [503, -1007, 0]);
  assert.deepEqual(unplaced.log, [{
    kind: "ack_5xx_unplaced",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "c-1",
  }]);
  const slow = await run({ kind: "delay", ms: 900 }, false);
  assert.deepEqual([slow.status, slow.body.code, slow.calls], [400, -1013, 1]);
  assert.deepEqual(slow.log, [{
    kind: "ack_delay",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "c-1",
    venueStatus: 400,
    ms: 900,
  }]);
  const none = await run({ kind: "none" });
  assert.deepEqual([none.status, none.calls, none.log], [200, 1, []]);
  assert.ok(!JSON.stringify([lost.log, unplaced.log, slow.log]).includes(KEY));
});
