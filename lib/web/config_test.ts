// Config layers: defaults from the Port Contract, env over defaults, flags over env, one-line errors.
import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { PORTS } from "../config/ports.ts";
import { defaultWebConfig, envLayer, resolveWebConfig } from "./config.ts";

Deno.test("defaults come from PORTS on loopback", () => {
  const c = resolveWebConfig(defaultWebConfig("127.0.0.1"));
  assert.equal(c.port, PORTS.peak_trade_web);
  assert.equal(c.prometheusUrl, `http://127.0.0.1:${PORTS.prometheus}`);
  assert.equal(c.alertmanagerUrl, `http://127.0.0.1:${PORTS.alertmanager}`);
  assert.equal(c.feedUrl, `http://127.0.0.1:${PORTS.live_connector}`);
  assert.equal(c.evidenceDir, ".local_tmp");
  assert.deepEqual(c.venues, ["binance", "bybit", "okx", "kraken"]);
  assert.deepEqual(c.symbols, ["BTC-USDT", "ETH-USDT"]);
  assert.ok(Object.isFrozen(c));
});

Deno.test("env over defaults, flags over env; empty values do not override", () => {
  const env = envLayer({
    WEB_PROMETHEUS_URL: "http://10.0.0.1:9090/",
    VENUES_ENABLED: "okx, kraken",
    WEB_FEED_URL: "",
    WEB_PORT: "18080",
  });
  const c = resolveWebConfig(defaultWebConfig("127.0.0.1"), env, { port: "0", symbols: "SOL-USDT" });
  assert.equal(c.prometheusUrl, "http://10.0.0.1:9090");
  assert.deepEqual(c.venues, ["okx", "kraken"]);
  assert.equal(c.feedUrl, `http://127.0.0.1:${PORTS.live_connector}`);
  assert.equal(c.port, 0);
  assert.deepEqual(c.symbols, ["SOL-USDT"]);
});

Deno.test("bad values are one-line ConfigErrors naming the setting", () => {
  const d = defaultWebConfig("127.0.0.1");
  const cases: [Record<string, string>, RegExp][] = [
    [{ port: "70000" }, /^port must be a whole number from 0 to 65535, got "70000"$/],
    [{ prometheusUrl: "ftp://x" }, /^prometheus-url must be an http\(s\) URL/],
    [{ feedUrl: "not a url" }, /^feed-url must be an http\(s\) URL/],
    [{ interval: "5m" }, /^interval must be one of 1m, 1h, got "5m"$/],
    [{ symbols: "btc-usdt" }, /^symbols: "btc-usdt" is not a valid entry$/],
    [{ timeoutMs: "10" }, /^timeout-ms must be a whole number from 50 to 60000/],
  ];
  for (const [layer, msg] of cases) {
    assert.throws(() => resolveWebConfig(d, layer), (e) => e instanceof ConfigError && msg.test(e.message));
  }
});
