import assert from "node:assert/strict";
import { parseChaos } from "../chaos.ts";
import { pickAckFault, TradingChaos, type TradingChaosConfig, TradingChaosSchema } from "./trading_chaos.ts";

const PLACE = "POST /binance/api/v3/order";

Deno.test("pickAckFault: lost first, then 5xx, then the delay, else none", () => {
  const c = { ackLostPlacedRate: 0.25, ack5xxUnplacedRate: 0.25, ackDelayMs: 700 };
  assert.deepEqual([0, 0.2499, 0.25, 0.4999, 0.5, 0.99].map((u) => pickAckFault(u, c).kind), [
    "lost_after",
    "lost_after",
    "fail_before",
    "fail_before",
    "delay",
    "delay",
  ]);
  assert.deepEqual(pickAckFault(0.9, { ackDelayMs: 700 }), { kind: "delay", ms: 700 });
  assert.deepEqual(pickAckFault(0, {}), { kind: "none" });
});

Deno.test("TradingChaos: exact faults per seed; other routes draw nothing; a new seed restarts", () => {
  let seed = 42;
  const t = new TradingChaos(() => ({ seed, ackLostPlacedRate: 0.3, ack5xxUnplacedRate: 0.3 }));
  const places = (n: number) => Array.from({ length: n }, () => t.ackFault(PLACE).kind);
  const seed42 = ["none", "fail_before", "none", "none", "lost_after", "fail_before", "lost_after", "none"];
  // Queries in between take no draw, so the placements see the same sequence.
  const mixed = seed42.map(() => [t.ackFault("GET /binance/api/v3/order").kind, t.ackFault(PLACE).kind]);
  assert.deepEqual(mixed.map(([q]) => q), seed42.map(() => "none"));
  assert.deepEqual(mixed.map(([, p]) => p), seed42);
  seed = 43;
  assert.deepEqual(places(4), ["none", "lost_after", "fail_before", "lost_after"]);
  seed = 42;
  assert.deepEqual(places(8), seed42);
});

Deno.test("TradingChaos: stream knobs read the current config each call", () => {
  let cfg: TradingChaosConfig | undefined = undefined;
  const t = new TradingChaos(() => cfg);
  assert.deepEqual([t.tradesLagMs(), t.streamDelayMs(), t.streamStalled(), t.dropDue(1e9)], [
    0,
    0,
    false,
    false,
  ]);
  cfg = {
    fillStreamBeforeTradesMs: 1500,
    tradesBeforeStreamMs: 900,
    userStreamStall: true,
    userStreamDropEveryS: 2,
  };
  assert.deepEqual(
    [t.tradesLagMs(), t.streamDelayMs(), t.streamStalled(), t.dropDue(1999), t.dropDue(2000)],
    [
      1500,
      900,
      true,
      false,
      true,
    ],
  );
});

Deno.test("the chaos file's trading key: parsed strictly, rates summing above 1 refused", () => {
  assert.deepEqual(parseChaos('{"trading":{"ackLostPlacedRate":0.5,"seed":3}}', "t").trading, {
    ackLostPlacedRate: 0.5,
    seed: 3,
  });
  assert.throws(() => parseChaos('{"trading":{"ackLost":1}}', "t"), RangeError);
  assert.throws(
    () => parseChaos('{"trading":{"ackLostPlacedRate":0.6,"ack5xxUnplacedRate":0.6}}', "t"),
    /trading: ackLostPlacedRate \+ ack5xxUnplacedRate must be at most 1/,
  );
  assert.equal(TradingChaosSchema.safeParse({ ackDelayMs: -1 }).success, false);
});
