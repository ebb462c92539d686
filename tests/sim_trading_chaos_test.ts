// Execution chaos over real HTTP on loopback: the simulator's trading venue with the chaos file's
// `trading` key set, the real connector (lib/trading/binance_spot.ts) placing an order. An ack lost
// after placing and a 5xx before placing look the same to the client (ambiguous, -1007 / 503); only a
// query tells them apart, and the orders truth file and the chaos log say which one it was.
import assert from "node:assert/strict";
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import type { Outcome, VenueOrder } from "../lib/trading/venue.ts";
import { limit } from "../testing/binance_connector.ts";
import { assertTruthEqualsConnector, startChaosSim } from "../testing/trading_chaos_sim.ts";

const brief = (o: Outcome<VenueOrder>) =>
  o.kind === "rejected"
    ? `rejected ${o.reason} ${o.code}`
    : o.kind === "ambiguous"
    ? `ambiguous ${o.httpStatus} ${o.code}`
    : `confirmed ${o.value.clientOrderId} ${o.value.status}`;

async function run(trading: ChaosConfig["trading"], id: string) {
  const s = await startChaosSim();
  s.setChaos(trading);
  // Far below the sim's BTC market: accepted and never filled.
  const req = { ...limit(id), price: "1000.00", quantity: "0.01000000" };
  try {
    const placed = brief(await s.spot.place(req));
    const queried = await s.spot.queryByClientId(req.symbol, id);
    s.setChaos(undefined);
    await assertTruthEqualsConnector(s);
    return {
      placed,
      queried,
      counts: { ...s.sim.chaosLog.counts } as Record<string, number>,
      faultLines: s.chaosLines(),
      orders: s.ordersTruth(),
    };
  } finally {
    await s.close();
  }
}

Deno.test("trading chaos ack_lost_placed: ambiguous place, the query finds the order, the truth has it", async () => {
  const r = await run({ ackLostPlacedRate: 1 }, "chaos-lost-1");
  assert.equal(r.placed, "ambiguous 503 -1007");
  assert.equal(brief(r.queried), "confirmed chaos-lost-1 NEW");
  const orderId = r.queried.kind === "confirmed" ? r.queried.value.orderId : null;
  assert.deepEqual(r.faultLines, [{
    kind: "ack_lost_placed",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "chaos-lost-1",
    orderId,
    venueStatus: 200,
  }]);
  assert.deepEqual(
    r.orders.map((l) => [l.event, l.clientOrderId, l.orderId, l.status]),
    [["NEW", "chaos-lost-1", orderId, "NEW"]],
  );
  assert.deepEqual([r.counts.ack_lost_placed, r.counts.ack_5xx_unplaced], [1, undefined]);
});

Deno.test("trading chaos ack_5xx_unplaced: ambiguous place, the query says -2013, the truth has no order", async () => {
  const r = await run({ ack5xxUnplacedRate: 1 }, "chaos-5xx-1");
  assert.equal(r.placed, "ambiguous 503 -1007");
  assert.equal(brief(r.queried), "rejected not_found -2013");
  assert.deepEqual(r.faultLines, [{
    kind: "ack_5xx_unplaced",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "chaos-5xx-1",
  }]);
  assert.deepEqual(r.orders, []);
  assert.deepEqual([r.counts.ack_5xx_unplaced, r.counts.ack_lost_placed], [1, undefined]);
});

Deno.test("trading chaos ack_delay: an ack held past the connector's timeout is ambiguous; the order exists", async () => {
  // The delayed ack waits on this gate, released only after the client gave up: no race with the timeout.
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  const held: number[] = [];
  const s = await startChaosSim({
    wait: (ms) => {
      held.push(ms);
      return gate;
    },
    timeoutMs: 300,
  });
  try {
    s.setChaos({ ackDelayMs: 60_000 });
    const req = { ...limit("chaos-slow-1"), price: "1000.00", quantity: "0.01000000" };
    const placed = await s.spot.place(req);
    assert.equal(placed.kind, "ambiguous");
    assert.match(placed.kind === "ambiguous" ? placed.cause : "", /no answer within 300 ms/);
    assert.deepEqual(held, [60_000]);
    assert.equal(
      brief(await s.spot.queryByClientId(req.symbol, "chaos-slow-1")),
      "confirmed chaos-slow-1 NEW",
    );
    s.setChaos(undefined);
    await assertTruthEqualsConnector(s);
    // Logged when injected, while the ack is still held.
    assert.deepEqual(s.chaosLines().map((l) => [l.kind, l.clientOrderId, l.ms]), [
      ["ack_delay", "chaos-slow-1", 60_000],
    ]);
  } finally {
    release();
    await s.close();
  }
});
