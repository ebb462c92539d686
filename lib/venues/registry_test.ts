import assert from "node:assert/strict";
import { VENUES } from "../market/types.ts";
import { ADAPTERS, mapFrame, planConnections } from "./registry.ts";

/** KEY=VALUE lines of an env profile (comments and blanks skipped). */
function readEnv(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of Deno.readTextFileSync(new URL(path, import.meta.url)).split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

Deno.test("registry: one adapter per venue; mapFrame dispatches to it", () => {
  assert.deepEqual(Object.keys(ADAPTERS).sort(), [...VENUES].sort());
  for (const v of VENUES) assert.equal(ADAPTERS[v].venue, v);
  assert.equal(mapFrame("okx", "pong", 1).kind, "pong");
  assert.equal(mapFrame("kraken", '{"channel":"heartbeat"}', 1).kind, "heartbeat");
  assert.equal(mapFrame("binance", '{"e":"serverShutdown","E":1}', 1).kind, "shutdown");
  assert.equal(mapFrame("bybit", '{"op":"pong"}', 1).kind, "pong");
});

Deno.test("registry: both env profiles name every endpoint the adapters read", () => {
  const subs = [
    { channel: "trades", symbol: "BTC-USDT" },
    { channel: "klines", symbol: "BTC-USDT", interval: "1m" },
  ] as const;
  const sim = readEnv("../../config/env/live.env");
  const plans = VENUES.flatMap((v) => planConnections(v, sim, subs)).map((p) => [p.name, p.url]);
  assert.deepEqual(plans, [
    ["binance", "ws://127.0.0.1:8765/binance/ws"],
    ["bybit", "ws://127.0.0.1:8765/bybit/v5/public/spot"],
    ["okx/public", "ws://127.0.0.1:8765/okx/ws/v5/public"],
    ["okx/business", "ws://127.0.0.1:8765/okx/ws/v5/business"],
    ["kraken", "ws://127.0.0.1:8765/kraken/v2"],
  ]);
  const pub = readEnv("../../config/env/live.public.env");
  for (const v of VENUES) {
    for (const key of ADAPTERS[v].envKeys) {
      assert.ok(pub[key]?.startsWith(key.includes("REST") ? "https://" : "wss://"), key);
    }
    assert.ok(ADAPTERS[v].endpoints(pub).rest.startsWith("https://"));
  }
  assert.throws(() => planConnections("binance", {}, subs), /Missing BINANCE_WS_URL/);
});
