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
