import assert from "node:assert/strict";
import { parseChaos } from "../chaos.ts";
import {
  pickAckFault,
  PLACE_ROUTE as PLACE,
  TradingChaos,
  type TradingChaosConfig,
  TradingChaosSchema,
} from "./trading_chaos.ts";

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
    /trading: ackLostPlacedRate \+ ack5xxUnplacedRate \+ ackConnectionClosedRate must be at most 1/,
  );
  assert.throws(
    () => parseChaos('{"trading":{"ackLostPlacedRate":0.5,"ackConnectionClosedRate":0.6}}', "t"),
    /at most 1/,
  );
  assert.throws(() => parseChaos('{"trading":{"burst5xx":{"calls":3,"everyCalls":3}}}', "t"), /everyCalls/);
  assert.throws(
    () =>
      parseChaos(
        '{"trading":{"orphans":[{"id":"web_1","symbol":"BTCUSDT","side":"BUY","price":"1","quantity":"1"}]}}',
        "t",
      ),
    /trading\.orphans\.0\.id: 1 to 32 letters or digits/,
  );
  assert.equal(TradingChaosSchema.safeParse({ ackDelayMs: -1 }).success, false);
});

Deno.test("pickAckFault: connection closed after placing takes the slice after the 5xx", () => {
  const c = { ackLostPlacedRate: 0.2, ack5xxUnplacedRate: 0.2, ackConnectionClosedRate: 0.2 };
  assert.deepEqual([0.1, 0.3, 0.4, 0.5999, 0.61, 0.9].map((u) => pickAckFault(u, c).kind), [
    "lost_after",
    "fail_before",
    "closed_after",
    "closed_after",
    "none",
    "none",
  ]);
});

Deno.test("TradingChaos gateFault: storm and burst windows count calls from the knob's last change", () => {
  let cfg: TradingChaosConfig = { storm429: { calls: 2, everyCalls: 5, retryAfterS: 7 } };
  const t = new TradingChaos(() => cfg);
  const kinds = (n: number, signed = true) =>
    Array.from({ length: n }, () => t.gateFault(signed, PLACE)?.kind ?? "-").join(" ");
  assert.equal(kinds(7, false), "storm_429 storm_429 - - - storm_429 storm_429");
  assert.deepEqual(t.gateFault(true, PLACE), null);
  cfg = { ...cfg }; // a re-read with the same value: the window goes on
  assert.equal(kinds(3), "- - storm_429");
  assert.equal(kinds(2), "storm_429 -");
  cfg = { burst5xx: { calls: 2 } };
  // Unsigned calls (ping, time, exchangeInfo) are not in a burst and do not count.
  assert.equal(kinds(2, false), "- -");
  assert.equal(kinds(3), "burst_5xx burst_5xx -");
  cfg = { burst5xx: { calls: 1 }, storm429: { calls: 1 } };
  assert.deepEqual([t.gateFault(true, PLACE), t.gateFault(true, PLACE), t.gateFault(true, PLACE)], [
    { kind: "storm_429", call: 0, retryAfterS: 5 },
    { kind: "burst_5xx", call: 0 },
    null,
  ]);
});

Deno.test("TradingChaos gateFault: a storm with routes counts and hits only calls to those routes", () => {
  const cfg: TradingChaosConfig = { storm429: { calls: 1, retryAfterS: 9, routes: [PLACE] } };
  const t = new TradingChaos(() => cfg);
  const calls = ["GET /binance/api/v3/order", "GET /binance/api/v3/account", PLACE, PLACE];
  assert.deepEqual(calls.map((r) => t.gateFault(true, r)), [
    null,
    null,
    { kind: "storm_429", call: 0, retryAfterS: 9 },
    null,
  ]);
  assert.equal(TradingChaosSchema.safeParse({ storm429: { calls: 1, routes: [] } }).success, false);
});

Deno.test("TradingChaos cancelLosesRace: its own seeded sequence, untouched by placements", () => {
  const cfg = { seed: 9, cancelFillRaceRate: 0.5, ackLostPlacedRate: 0.5 };
  const a = new TradingChaos(() => cfg), b = new TradingChaos(() => cfg);
  const alone = Array.from({ length: 8 }, () => a.cancelLosesRace());
  const mixed = Array.from({ length: 8 }, () => [b.ackFault(PLACE).kind, b.cancelLosesRace()] as const);
  assert.deepEqual(mixed.map(([, c]) => c), alone);
  assert.deepEqual(alone, [true, true, true, true, false, false, false, true]);
  const places = new TradingChaos(() => cfg);
  assert.deepEqual(mixed.map(([p]) => p), Array.from({ length: 8 }, () => places.ackFault(PLACE).kind));
  assert.equal(new TradingChaos(() => ({})).cancelLosesRace(), false);
});
