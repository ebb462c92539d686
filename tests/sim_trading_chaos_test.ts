// Execution chaos over real HTTP on loopback: the simulator's trading venue with the chaos file's
// `trading` key set, the real connector (lib/trading/binance_spot.ts) placing an order. An ack lost
// after placing and a 5xx before placing look the same to the client (ambiguous, -1007 / 503); only a
// query tells them apart, and the orders truth file and the chaos log say which one it was.
import assert from "node:assert/strict";
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { TradingChaos } from "../lib/sim/trading/trading_chaos.ts";
import type { VenueSim } from "../lib/sim/venue_sim.ts";
import { BinanceSpot } from "../lib/trading/binance_spot.ts";
import { ApiCredentials } from "../lib/trading/credentials.ts";
import type { Outcome, VenueOrder } from "../lib/trading/venue.ts";
import { KEY, limit, SECRET } from "../testing/binance_connector.ts";
import { startTradingSim } from "../testing/trading_sim.ts";

const brief = (o: Outcome<VenueOrder>) =>
  o.kind === "rejected"
    ? `rejected ${o.reason} ${o.code}`
    : o.kind === "ambiguous"
    ? `ambiguous ${o.httpStatus} ${o.code}`
    : `confirmed ${o.value.clientOrderId} ${o.value.status}`;

const lines = (path: string) =>
  Deno.readTextFileSync(path).split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));

/** The simulator with trading on loopback; the chaos file (not flags) carries the trading chaos. */
async function start(
  chaosFile: string,
  dir: string,
  wait?: (ms: number) => Promise<void>,
  timeoutMs?: number,
) {
  const chaosLog = JsonlWriter.open(`${dir}/chaos.jsonl`);
  const orders = JsonlWriter.open(`${dir}/orders.jsonl`);
  const { sim, server, close } = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: Date.now(), wallNow: new ManualWall(1_000_000).now, chaosFile, chaosLog },
    venue: (sim: VenueSim) => {
      sim.reloadChaos();
      return {
        ordersTruth: orders,
        chaos: new TradingChaos(() => sim.chaos().trading),
        chaosLog: (e) => sim.chaosLog.record(e),
        wait,
      };
    },
  });
  const spot = new BinanceSpot(
    {
      rest: { baseUrl: `http://127.0.0.1:${server.port}/binance`, timeoutMs },
      userStream: { wsApiUrl: `ws://127.0.0.1:${server.port}${PRIVATE_WS_PATH}` },
    },
    new ApiCredentials(KEY, SECRET),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
  return {
    spot,
    sim,
    close: async () => {
      await close();
      chaosLog.close();
      orders.close();
    },
  };
}

async function run(trading: ChaosConfig["trading"], id: string) {
  const dir = Deno.makeTempDirSync({ prefix: "tp_trading_chaos_" });
  Deno.writeTextFileSync(`${dir}/chaos.json`, JSON.stringify({ trading }));
  const s = await start(`${dir}/chaos.json`, dir);
  // Far below the sim's BTC market: accepted and never filled.
  const req = { ...limit(id), price: "1000.00", quantity: "0.01000000" };
  try {
    const placed = brief(await s.spot.place(req));
    const queried = await s.spot.queryByClientId(req.symbol, id);
    return { placed, queried, counts: { ...s.sim.chaosLog.counts } as Record<string, number>, dir };
  } finally {
    await s.close();
  }
}

function faultLines(dir: string) {
  const text = Deno.readTextFileSync(`${dir}/chaos.jsonl`);
  assert.ok(!text.includes(KEY) && !text.includes(SECRET), "the chaos log never holds the key or secret");
  return lines(`${dir}/chaos.jsonl`).filter((l) => l.kind !== "config")
    .map(({ wallMs: _w, simMs: _s, ...rest }) => rest);
}

Deno.test("trading chaos ack_lost_placed: ambiguous place, the query finds the order, the truth has it", async () => {
  const r = await run({ ackLostPlacedRate: 1 }, "chaos-lost-1");
  assert.equal(r.placed, "ambiguous 503 -1007");
  assert.equal(brief(r.queried), "confirmed chaos-lost-1 NEW");
  const orderId = r.queried.kind === "confirmed" ? r.queried.value.orderId : null;
  assert.deepEqual(faultLines(r.dir), [{
    kind: "ack_lost_placed",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "chaos-lost-1",
    orderId,
    venueStatus: 200,
  }]);
  assert.deepEqual(
    lines(`${r.dir}/orders.jsonl`).map((l) => [l.event, l.clientOrderId, l.orderId, l.status]),
    [["NEW", "chaos-lost-1", orderId, "NEW"]],
  );
  assert.deepEqual([r.counts.ack_lost_placed, r.counts.ack_5xx_unplaced], [1, undefined]);
  Deno.removeSync(r.dir, { recursive: true });
});

Deno.test("trading chaos ack_5xx_unplaced: ambiguous place, the query says -2013, the truth has no order", async () => {
  const r = await run({ ack5xxUnplacedRate: 1 }, "chaos-5xx-1");
  assert.equal(r.placed, "ambiguous 503 -1007");
  assert.equal(brief(r.queried), "rejected not_found -2013");
  assert.deepEqual(faultLines(r.dir), [{
    kind: "ack_5xx_unplaced",
    venue: "binance",
    route: "POST /binance/api/v3/order",
    clientOrderId: "chaos-5xx-1",
  }]);
  assert.deepEqual(lines(`${r.dir}/orders.jsonl`), []);
  assert.deepEqual([r.counts.ack_5xx_unplaced, r.counts.ack_lost_placed], [1, undefined]);
  Deno.removeSync(r.dir, { recursive: true });
});

Deno.test("trading chaos ack_delay: an ack held past the connector's timeout is ambiguous; the order exists", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "tp_trading_chaos_" });
  Deno.writeTextFileSync(`${dir}/chaos.json`, JSON.stringify({ trading: { ackDelayMs: 60_000 } }));
  // The delayed ack waits on this gate, released only after the client gave up: no race with the timeout.
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  const held: number[] = [];
  const s = await start(`${dir}/chaos.json`, dir, (ms) => {
    held.push(ms);
    return gate;
  }, 300);
  try {
    const req = { ...limit("chaos-slow-1"), price: "1000.00", quantity: "0.01000000" };
    const placed = await s.spot.place(req);
    assert.equal(placed.kind, "ambiguous");
    assert.match(placed.kind === "ambiguous" ? placed.cause : "", /no answer within 300 ms/);
    assert.deepEqual(held, [60_000]);
    assert.equal(
      brief(await s.spot.queryByClientId(req.symbol, "chaos-slow-1")),
      "confirmed chaos-slow-1 NEW",
    );
    // Logged when injected, while the ack is still held.
    assert.deepEqual(faultLines(dir).map((l) => [l.kind, l.clientOrderId, l.ms]), [
      ["ack_delay", "chaos-slow-1", 60_000],
    ]);
  } finally {
    release();
    await s.close();
  }
  Deno.removeSync(dir, { recursive: true });
});
