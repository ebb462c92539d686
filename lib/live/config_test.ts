import assert from "node:assert/strict";
import { liveConfig } from "../../testing/live_loop.ts";
import { ConfigError } from "../util/errors.ts";
import { checkLiveConfig, DEFAULT_STATE_DIR, liveStateDir } from "./config.ts";

Deno.test("the state dir is LIVE_STATE_DIR, else data/live/", () => {
  assert.equal(liveStateDir(() => undefined), DEFAULT_STATE_DIR);
  assert.equal(liveStateDir(() => ""), "data/live/");
  assert.equal(liveStateDir((n) => n === "LIVE_STATE_DIR" ? "/var/tp/live" : undefined), "/var/tp/live");
});

Deno.test("a config the loop cannot run safely with is refused by name", () => {
  const ok = liveConfig("/tmp/x");
  assert.equal(checkLiveConfig(ok), ok);
  assert.throws(
    () => checkLiveConfig({ ...ok, inflight: { ...ok.inflight, thresholdMs: 0 } }),
    new ConfigError("live loop: inflight.thresholdMs must be > 0, got 0"),
  );
  assert.throws(
    () => checkLiveConfig({ ...ok, symbols: [{ symbol: "BTCUSDT", base: "ETH", quote: "USDT" }] }),
    new ConfigError("live loop: symbol BTCUSDT is not base ETH + quote USDT"),
  );
  assert.throws(
    () => checkLiveConfig({ ...ok, symbols: [] }),
    new ConfigError("live loop: no symbols to trade"),
  );
});
