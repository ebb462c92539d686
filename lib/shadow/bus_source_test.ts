import assert from "node:assert/strict";
import { INITIAL_STATE } from "../strategy/refstrat_01.ts";
import { busStaleAfterMs, startSeq } from "./bus_source.ts";

Deno.test("bus source: where a subscription starts, from the shadow's own record", () => {
  const warm = { lastDecidedOpenTimeMs: 0, state: INITIAL_STATE };
  // After the sequence written with the last decision.
  assert.equal(startSeq({ ...warm, busSeq: 41 }, 99), 42);
  // A last decision made over SSE has no sequence: everything retained, older bars skipped as resends.
  assert.equal(startSeq(warm, 99), 1);
  // Cold: the series' newest retained bar primes; an empty stream is read from 1.
  assert.deepEqual([startSeq(null, 99), startSeq(null, 0)], [99, 1]);
});

Deno.test("bus source: stale after the configured time plus one bar interval (bars are its only heartbeat)", () => {
  assert.deepEqual([busStaleAfterMs(15_000, "1m"), busStaleAfterMs(30_000, "1h")], [75_000, 3_630_000]);
});
