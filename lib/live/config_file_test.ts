import assert from "node:assert/strict";
import { DEFAULT_REST_TIMEOUT_MS } from "../trading/binance_rest.ts";
import { ConfigError } from "../util/errors.ts";
import { DEFAULT_INFLIGHT } from "./config.ts";
import { DEFAULT_LIVE_CONFIG, loadLiveFile, parseLiveFile } from "./config_file.ts";

const U = 100_000_000;
const envOf = (o: Record<string, string>) => (n: string) => o[n];
/** What `./tp live` checks the file against: a connector on the default request timeout. */
const REAL = { venueTimeoutMs: DEFAULT_REST_TIMEOUT_MS };

Deno.test("live config file: the committed paper config in atoms, env overrides for state dir and feed", async () => {
  const c = await loadLiveFile(DEFAULT_LIVE_CONFIG, envOf({}), REAL);
  assert.deepEqual(c.loop, {
    stateDir: "data/live/",
    mode: "paper",
    tag: "rs01",
    symbols: [{ symbol: "BTCUSDT", base: "BTC", quote: "USDT" }],
    risk: {
      maxNotionalPerOrder: 1000 * U,
      maxPosition: { BTCUSDT: 0.05 * U },
      maxOpenOrders: 10,
      maxOrdersPerSecond: 5,
      priceCollarBps: 200,
      maxBarAgeMs: 300_000,
      maxDailyLoss: 200 * U,
      maxDrawdownBps: 500,
    },
    inflight: { intervalMs: 2000, thresholdMs: 5_000, retries: 5 },
    missingGraceMs: 12000,
    flattenOnHalt: false,
    cancelOnShutdown: false,
  });
  assert.deepEqual(c.feed, {
    feedUrl: "http://127.0.0.1:8000",
    venue: "binance",
    interval: "1m",
    symbols: { "BTC-USDT": "BTCUSDT" },
    staleAfterMs: 180_000,
  });
  assert.deepEqual(c.strategy, {
    symbol: "BTCUSDT",
    params: { stopAtrK: 2, feeBps: 10, size: 0.001 },
    sizeAtoms: 100_000,
  });
  const o = await loadLiveFile(
    DEFAULT_LIVE_CONFIG,
    envOf({ LIVE_STATE_DIR: "/tmp/s", LIVE_FEED_URL: "http://f:1" }),
    REAL,
  );
  assert.deepEqual([o.loop.stateDir, o.feed.feedUrl], ["/tmp/s", "http://f:1"]);
});

Deno.test("live config file: a bad field is one ConfigError line naming the file and field", async () => {
  const raw = JSON.parse(await Deno.readTextFile(DEFAULT_LIVE_CONFIG));
  type Raw = { risk: Record<string, unknown>; [k: string]: unknown };
  const bad = (mut: (r: Raw) => void, msg: string) => {
    const r = structuredClone(raw);
    mut(r);
    assert.throws(
      () => parseLiveFile(r, "x.json", envOf({}), REAL),
      (e: Error) => e instanceof ConfigError && e.message === msg,
    );
  };
  bad(
    (r) => r.risk.max_open_orders = 0,
    'x.json: field "risk.max_open_orders" Too small: expected number to be >0',
  );
  bad((r) => r.tag = "has space", 'x.json: field "tag" must be 1-12 of [A-Za-z0-9_-]');
  bad((r) => r.extra = 1, 'x.json: field "(root)" Unrecognized key: "extra"');
  bad(
    (r) => (r.strategy as Record<string, unknown>).symbol = "ETHUSDT",
    'x.json: field "strategy.symbol" ETHUSDT is not one of the symbols',
  );
  assert.throws(
    () => parseLiveFile(raw, "x.json", envOf({ LIVE_FEED_URL: "not a url" }), REAL),
    (e: Error) => e instanceof ConfigError && e.message === "LIVE_FEED_URL is not a URL: not a url",
  );
});

Deno.test("live config file: in-flight timings the connector's timeout could outlast are refused, naming the file", async () => {
  const raw = JSON.parse(await Deno.readTextFile(DEFAULT_LIVE_CONFIG));
  // The committed grace clears the default connector with margin: 12 s > 11 s.
  assert.ok(raw.missing_grace_ms >= DEFAULT_REST_TIMEOUT_MS + 1_000);
  const old = { ...raw, missing_grace_ms: 3000 };
  assert.throws(
    () => parseLiveFile(old, "x.json", envOf({}), REAL),
    (e: Error) =>
      e instanceof ConfigError &&
      e.message ===
        "x.json: live loop: missing grace (3000 ms) must exceed the venue connector's request timeout " +
          "(11000 ms), or an order still awaiting its answer could be settled as final",
  );
  // The same file passes a connector with a shorter timeout (the check uses the one it is given).
  assert.equal(parseLiveFile(old, "x.json", envOf({}), { venueTimeoutMs: 2_999 }).loop.missingGraceMs, 3000);
  // Without an inflight section the defaults apply, and still clear the default connector with the grace.
  const { inflight: _, ...noInflight } = raw;
  assert.deepEqual(parseLiveFile(noInflight, "x.json", envOf({}), REAL).loop.inflight, DEFAULT_INFLIGHT);
});
