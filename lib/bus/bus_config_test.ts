import assert from "node:assert/strict";
import { BUS_DEFAULTS, resolveBusConfig } from "./bus_config.ts";

Deno.test("bus config: no keys = in-process bus with the default windows", () => {
  const c = resolveBusConfig({});
  assert.deepEqual(c, BUS_DEFAULTS);
  assert.equal(c.url, null);
  // A restarted feed re-sending its last 1h bar must still be a duplicate.
  assert.ok(c.bars.duplicateWindowMs > 3_600_000);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.bars));
});

Deno.test("bus config: keys set the url, replicas, windows and outbox", () => {
  const c = resolveBusConfig({
    BUS_URL: "nats://127.0.0.1:4222,nats://127.0.0.1:4223",
    BUS_REPLICAS: "3",
    BUS_TRADES_MAX_AGE_S: "3600",
    BUS_TRADES_DUPLICATE_WINDOW_S: "60",
    BUS_BARS_MAX_AGE_S: "86400",
    BUS_BARS_DUPLICATE_WINDOW_S: "7200",
    BUS_OUTBOX_CAPACITY: "50",
    BUS_ACK_TIMEOUT_MS: "2000",
  });
  assert.equal(c.url, "nats://127.0.0.1:4222,nats://127.0.0.1:4223");
  assert.deepEqual(c.trades, {
    name: "MD_TRADES",
    maxAgeMs: 3_600_000,
    duplicateWindowMs: 60_000,
    replicas: 3,
  });
  assert.deepEqual(c.bars, {
    name: "MD_BARS",
    maxAgeMs: 86_400_000,
    duplicateWindowMs: 7_200_000,
    replicas: 3,
  });
  assert.deepEqual([c.outbox.capacity, c.outbox.ackTimeoutMs], [50, 2000]);
});

Deno.test("bus config: a bad value is one ConfigError naming the key", () => {
  const cases: [Record<string, string>, string][] = [
    [
      { BUS_URL: "http://x:1" },
      'BUS_URL must be nats://host:port[,nats://host:port...] (value: "http://x:1")',
    ],
    [{ BUS_REPLICAS: "0" }, 'BUS_REPLICAS must be a whole number >= 1 (value: "0")'],
    [{ BUS_REPLICAS: "7" }, 'BUS_REPLICAS must be from 1 to 5 (value: "7")'],
    [{ BUS_OUTBOX_CAPACITY: "lots" }, 'BUS_OUTBOX_CAPACITY must be a whole number >= 1 (value: "lots")'],
    [
      { BUS_BARS_MAX_AGE_S: "60", BUS_BARS_DUPLICATE_WINDOW_S: "120" },
      "BUS_BARS_DUPLICATE_WINDOW_S (120) must not exceed BUS_BARS_MAX_AGE_S (60)",
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => resolveBusConfig(env), { name: "ConfigError", message });
  }
});
