import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { PORTS } from "../config/ports.ts";
import { loadConfig, parseStrategyFile, resolveConfig } from "./shadow_config.ts";

const noEnv = () => undefined;

Deno.test("both shipped profiles load: 1h production, 1m demo; ports come from config/ports.json", async () => {
  const prod = await loadConfig("config/strategy/refstrat_01.json", noEnv, {});
  assert.deepEqual(prod.series, { venue: "binance", symbol: "BTC-USDT", interval: "1h" });
  assert.deepEqual(prod.params, { stopAtrK: 2, feeBps: 10, size: 1 });
  assert.equal(prod.feedUrl, `http://127.0.0.1:${PORTS.live_connector}`);
  assert.equal(prod.port, PORTS.shadow_mvs);
  assert.equal(prod.eventsPath, "logs/ai/ai_events.jsonl");
  assert.equal(prod.runId, "refstrat_01-shadow");
  const demo = await loadConfig("config/strategy/refstrat_01.demo.json", noEnv, {});
  assert.equal(demo.series.interval, "1m");
  assert.ok(Object.isFrozen(demo));
});

Deno.test("layers: flags win over env, env over the file", async () => {
  const env = (k: string) =>
    ({ PEAK_TRADE_AI_RUN_ID: "env-run", PEAK_TRADE_AI_EVENTS_JSONL: "/tmp/env.jsonl" })[k];
  const a = await loadConfig("config/strategy/refstrat_01.json", env, {});
  assert.deepEqual([a.runId, a.eventsPath], ["env-run", "/tmp/env.jsonl"]);
  const b = await loadConfig("config/strategy/refstrat_01.json", env, {
    runId: "flag-run",
    events: "x.jsonl",
    feedUrl: "http://127.0.0.1:1",
    port: 0,
  });
  assert.deepEqual([b.runId, b.eventsPath, b.feedUrl, b.port], [
    "flag-run",
    "x.jsonl",
    "http://127.0.0.1:1",
    0,
  ]);
});

Deno.test("bad config is a ConfigError naming the file and field", async () => {
  const raw = JSON.parse(await Deno.readTextFile("config/strategy/refstrat_01.json"));
  assert.throws(
    () => parseStrategyFile({ ...raw, interval: "5m" }, "f.json"),
    (e) => e instanceof ConfigError && /^f\.json: field "interval"/.test(e.message),
  );
  assert.throws(() => parseStrategyFile({ ...raw, extra: 1 }, "f.json"), ConfigError);
  const file = parseStrategyFile(raw, "f.json");
  assert.throws(() => resolveConfig("f.json", file, noEnv, { runId: "has space" }), /run id "has space"/);
  await assert.rejects(() => loadConfig("nope.json", noEnv, {}), /cannot read config nope\.json/);
});
