import assert from "node:assert/strict";
import { liveConfig, TEST_REST_TIMEOUT_MS } from "../../testing/live_loop.ts";
import { realTimers } from "../async/sleep.ts";
import { DEFAULT_REST_TIMEOUT_MS } from "../trading/binance_rest.ts";
import { BinanceSpot } from "../trading/binance_spot.ts";
import { ApiCredentials } from "../trading/credentials.ts";
import { ConfigError } from "../util/errors.ts";
import { checkLiveConfig, DEFAULT_STATE_DIR, liveStateDir } from "./config.ts";
import { LiveLoop } from "./loop.ts";

/** The rule's refusal, as checkLiveConfig words it. */
const outlasted = (grace: number, timeout: number) =>
  new ConfigError(
    `live loop: missing grace (${grace} ms) must exceed the venue connector's request timeout ` +
      `(${timeout} ms), or an order still awaiting its answer could be settled as final`,
  );

Deno.test("the state dir is LIVE_STATE_DIR, else data/live/", () => {
  assert.equal(liveStateDir(() => undefined), DEFAULT_STATE_DIR);
  assert.equal(liveStateDir(() => ""), "data/live/");
  assert.equal(liveStateDir((n) => n === "LIVE_STATE_DIR" ? "/var/tp/live" : undefined), "/var/tp/live");
});

Deno.test("a config the loop cannot run safely with is refused by name", () => {
  const ok = liveConfig("/tmp/x");
  assert.equal(checkLiveConfig(ok, TEST_REST_TIMEOUT_MS), ok);
  assert.throws(
    () => checkLiveConfig({ ...ok, inflight: { ...ok.inflight, thresholdMs: 0 } }, TEST_REST_TIMEOUT_MS),
    new ConfigError("live loop: inflight.thresholdMs must be > 0, got 0"),
  );
  assert.throws(
    () =>
      checkLiveConfig(
        { ...ok, symbols: [{ symbol: "BTCUSDT", base: "ETH", quote: "USDT" }] },
        TEST_REST_TIMEOUT_MS,
      ),
    new ConfigError("live loop: symbol BTCUSDT is not base ETH + quote USDT"),
  );
  assert.throws(
    () => checkLiveConfig({ ...ok, symbols: [] }, TEST_REST_TIMEOUT_MS),
    new ConfigError("live loop: no symbols to trade"),
  );
});

Deno.test("the missing grace must exceed the connector's timeout: equal is refused, one more passes, the threshold does not count", () => {
  const at = (thresholdMs: number, missingGraceMs: number) => {
    const c = liveConfig("/tmp/x");
    return { ...c, inflight: { ...c.inflight, thresholdMs }, missingGraceMs };
  };
  assert.throws(() => checkLiveConfig(at(5_000, 11_000), 11_000), outlasted(11_000, 11_000));
  // The first "not found" comes after the last send on every path: a long threshold is no substitute.
  assert.throws(() => checkLiveConfig(at(60_000, 3_000), 11_000), outlasted(3_000, 11_000));
  assert.throws(() => checkLiveConfig(at(5_000, 0), 11_000), outlasted(0, 11_000));
  const edge = at(5_000, 11_001);
  assert.equal(checkLiveConfig(edge, 11_000), edge);
});

Deno.test("a LiveLoop checks its config against its own venue connector's timeout (the default when unset)", () => {
  const venue = (timeoutMs?: number) =>
    new BinanceSpot(
      {
        rest: { baseUrl: "http://127.0.0.1:9/binance", timeoutMs },
        userStream: { wsApiUrl: "ws://127.0.0.1:9/ws" },
      },
      new ApiCredentials("k".repeat(64), "s".repeat(64)),
      { rest: { fetch, now: () => 0 }, userStream: { connect: (u) => new WebSocket(u), now: () => 0 } },
    );
  const fx = (v: BinanceSpot) => ({ venue: v, now: () => 0, timers: realTimers, logger: () => {} });
  assert.equal(venue().requestTimeoutMs, DEFAULT_REST_TIMEOUT_MS);
  assert.equal(DEFAULT_REST_TIMEOUT_MS, 11_000);
  // liveConfig's 3 s grace: fine for the tests' connector, refused for one on the default timeout.
  assert.throws(
    () => new LiveLoop(liveConfig("/tmp/x"), fx(venue())),
    outlasted(3_000, DEFAULT_REST_TIMEOUT_MS),
  );
  assert.throws(() => new LiveLoop(liveConfig("/tmp/x"), fx(venue(3_000))), outlasted(3_000, 3_000));
  assert.ok(new LiveLoop(liveConfig("/tmp/x"), fx(venue(TEST_REST_TIMEOUT_MS))));
});
