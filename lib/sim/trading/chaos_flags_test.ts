import assert from "node:assert/strict";
import { ConfigError } from "../../util/errors.ts";
import { mergeChaos } from "../chaos.ts";
import { tradingChaosFromFlags } from "./chaos_flags.ts";

Deno.test("execution chaos flags: none -> undefined; given ones carried exactly", () => {
  assert.equal(tradingChaosFromFlags({ trading: true }), undefined);
  assert.deepEqual(
    tradingChaosFromFlags({
      "ack-lost-placed-rate": "0.1",
      "ack-5xx-unplaced-rate": "0.2",
      "ack-delay-ms": "1500",
      "fill-stream-before-trades-ms": "300",
      "trades-before-stream-ms": "400",
      "user-stream-stall": true,
      "hold-signed-reads": true,
      "user-stream-drop-every-s": "2.5",
      "trading-chaos-seed": "9",
    }),
    {
      seed: 9,
      ackLostPlacedRate: 0.1,
      ack5xxUnplacedRate: 0.2,
      ackDelayMs: 1500,
      fillStreamBeforeTradesMs: 300,
      tradesBeforeStreamMs: 400,
      userStreamStall: true,
      holdSignedReads: true,
      userStreamDropEveryS: 2.5,
    },
  );
});

Deno.test("execution chaos flags: bad values are config errors naming the flag", () => {
  assert.throws(() => tradingChaosFromFlags({ "ack-lost-placed-rate": "2" }), ConfigError);
  assert.throws(() => tradingChaosFromFlags({ "ack-delay-ms": "1.5" }), /--ack-delay-ms/);
  assert.throws(
    () => tradingChaosFromFlags({ "ack-lost-placed-rate": "0.6", "ack-5xx-unplaced-rate": "0.6" }),
    /must be at most 1/,
  );
});

Deno.test("the chaos file's trading keys override the flags' one by one", () => {
  const flags = { dropEveryS: 5, trading: { ackLostPlacedRate: 0.5, ackDelayMs: 100 } };
  assert.deepEqual(mergeChaos(flags, { trading: { ackDelayMs: 0 } }), {
    dropEveryS: 5,
    trading: { ackLostPlacedRate: 0.5, ackDelayMs: 0 },
  });
  assert.deepEqual(mergeChaos(flags, { jitterMs: 3 }), { ...flags, jitterMs: 3 });
  assert.deepEqual(mergeChaos({}, { trading: { seed: 2 } }), { trading: { seed: 2 } });
});

Deno.test("execution chaos flags: the issue-11 knobs (closed, bursts, storms, orphans, vanish, cancel race)", () => {
  assert.deepEqual(
    tradingChaosFromFlags({
      "ack-connection-closed-rate": "0.25",
      "burst-5xx-calls": "3",
      "burst-5xx-every": "100",
      "storm-429-calls": "2",
      "storm-429-retry-after-s": "7",
      "orphan-orders": "o1:BTCUSDT:BUY:0.01@1000, o2:BTCUSDT:SELL:0.5@900000.5",
      "vanish-client-order-ids": "a-1,b_2",
      "cancel-fill-race-rate": "1",
    }),
    {
      ackConnectionClosedRate: 0.25,
      burst5xx: { calls: 3, everyCalls: 100 },
      storm429: { calls: 2, retryAfterS: 7 },
      orphans: [
        { id: "o1", symbol: "BTCUSDT", side: "BUY", quantity: "0.01", price: "1000" },
        { id: "o2", symbol: "BTCUSDT", side: "SELL", quantity: "0.5", price: "900000.5" },
      ],
      vanishClientOrderIds: ["a-1", "b_2"],
      cancelFillRaceRate: 1,
    },
  );
  assert.throws(
    () => tradingChaosFromFlags({ "burst-5xx-every": "10" }),
    /--burst-5xx-every needs --burst-5xx-calls/,
  );
  assert.throws(() => tradingChaosFromFlags({ "storm-429-retry-after-s": "3" }), /needs --storm-429-calls/);
  assert.throws(
    () => tradingChaosFromFlags({ "orphan-orders": "o1:BTCUSDT:HOLD:1@2" }),
    /id:SYMBOL:BUY\|SELL/,
  );
  assert.throws(
    () => tradingChaosFromFlags({ "burst-5xx-calls": "5", "burst-5xx-every": "5" }),
    /burst5xx: everyCalls must be more than calls/,
  );
  assert.throws(
    () => tradingChaosFromFlags({ "ack-lost-placed-rate": "0.5", "ack-connection-closed-rate": "0.6" }),
    /at most 1/,
  );
});
