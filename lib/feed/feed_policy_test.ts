import assert from "node:assert/strict";
import type { Trade } from "../market/types.ts";
import { feedPolicy, INITIAL_POLICY_STATE } from "./feed_policy.ts";
import type { LinkRef, PolicyState } from "./feed_policy_types.ts";

// Grace 2 s: the lookback is its floor, 60 s; stale 5 s: a silent link is looked back on 6 s.
const policy = feedPolicy({
  symbols: ["BTC-USDT", "ETH-USDT"],
  startedAtMs: 1_000,
  graceMs: 2_000,
  staleTimeoutMs: 5_000,
  speed: 1,
});
const link: LinkRef = { venue: "binance", name: "ws", trades: true, lastDataMs: 4_000 };
const trade = (symbol: string, venueTimeMs: number): Trade => ({
  kind: "trade",
  venue: "binance",
  symbol,
  tradeId: "1",
  price: 1,
  size: 1,
  side: "buy",
  venueTimeMs,
  receivedAtMs: venueTimeMs,
});

Deno.test("a trade link's first connect: gaps end, stalled symbols stay down, bars from the start are suspect", () => {
  const { state, actions } = policy(
    INITIAL_POLICY_STATE,
    { type: "connect", link, url: "ws://v", stalled: ["ETH-USDT"] },
    10_000,
  );
  assert.deepEqual(actions, [
    { do: "link", venue: "binance", up: true },
    { do: "doubt_clock" },
    { do: "connection_up", venue: "binance", atMs: 10_000 },
    { do: "symbol_down", venue: "binance", symbol: "ETH-USDT", sinceMs: 10_000 },
    { do: "suspect", venue: "binance", symbol: null, fromMs: 1_000, toMs: 70_000 },
    {
      do: "log",
      level: "info",
      msg: "connected",
      fields: { venue: "binance", connection: "ws", url: "ws://v" },
    },
  ]);
  assert.deepEqual([...state.everUp], ["binance"]);
  assert.deepEqual(
    state.firstAfterConnect.get("binance"),
    new Map([["BTC-USDT", 10_000], ["ETH-USDT", 10_000]]),
  );
  assert.equal(INITIAL_POLICY_STATE.everUp.size, 0, "the input state is not changed");

  // A reconnect suspects from the reconnect on only.
  const again = policy(state, { type: "connect", link, url: "ws://v", stalled: [] }, 20_000);
  assert.deepEqual(again.actions[3], {
    do: "suspect",
    venue: "binance",
    symbol: null,
    fromMs: 20_000,
    toMs: 80_000,
  });
});

Deno.test("a link without trades only doubts the clock and logs", () => {
  const { state, actions } = policy(
    INITIAL_POLICY_STATE,
    { type: "connect", link: { ...link, trades: false }, url: "ws://k", stalled: ["BTC-USDT"] },
    5_000,
  );
  assert.deepEqual(actions.map((a) => a.do), ["link", "doubt_clock", "log"]);
  assert.equal(state, INITIAL_POLICY_STATE);
});

Deno.test("a stale disconnect counts a stall and makes gaps from the last data (bounded by the timeout)", () => {
  const ev = { type: "disconnect", link, reason: "stale", code: 1006, retryInMs: 250 } as const;
  const { state, actions } = policy(INITIAL_POLICY_STATE, ev, 20_000);
  assert.deepEqual(actions, [
    { do: "link", venue: "binance", up: false },
    { do: "stall", venue: "binance" },
    // max(last data 4000, 20000 - 6000) = 14000
    { do: "connection_down", venue: "binance", sinceMs: 14_000 },
    { do: "suspect", venue: "binance", symbol: null, fromMs: 14_000 - 60_000, toMs: 20_000 },
    {
      do: "log",
      level: "warn",
      msg: "disconnected",
      fields: { venue: "binance", connection: "ws", reason: "stale", code: 1006, retryInMs: 250 },
    },
  ]);
  assert.deepEqual(state.stalls, { binance: 1 });
  assert.deepEqual(policy(state, ev, 30_000).state.stalls, { binance: 2 });
  // Recent data: gaps start at it.
  const recent = policy(INITIAL_POLICY_STATE, {
    ...ev,
    reason: "closed",
    link: { ...link, lastDataMs: 19_000 },
  }, 20_000);
  assert.deepEqual(recent.actions.map((a) => a.do), ["link", "connection_down", "suspect", "log"]);
  assert.deepEqual(recent.actions[1], { do: "connection_down", venue: "binance", sinceMs: 19_000 });
  assert.equal(recent.state, INITIAL_POLICY_STATE, "no stall counted for a plain close");
});

Deno.test("an aborted link (the feed stopping) only rechecks its last minute, silently", () => {
  const { actions } = policy(
    INITIAL_POLICY_STATE,
    { type: "disconnect", link, reason: "aborted", retryInMs: null },
    100_000,
  );
  assert.deepEqual(actions, [
    { do: "link", venue: "binance", up: false },
    { do: "recheck", venue: "binance", fromMs: 40_000, toMs: 100_000 },
  ]);
});

Deno.test("venue errors and handovers are logged only", () => {
  const err = policy(INITIAL_POLICY_STATE, { type: "venue_error", link, reason: "code", detail: "d" }, 1);
  assert.deepEqual(err.actions, [{
    do: "log",
    level: "warn",
    msg: "venue error",
    fields: { venue: "binance", connection: "ws", reason: "code", detail: "d" },
  }]);
  const ok = policy(
    INITIAL_POLICY_STATE,
    { type: "handover", link, ok: true, reason: "max_age", detail: "" },
    1,
  );
  assert.deepEqual(ok.actions.map((a) => a.do === "log" && [a.level, a.msg]), [[
    "info",
    "connection handed over",
  ]]);
  const bad = policy(INITIAL_POLICY_STATE, {
    type: "handover",
    link,
    ok: false,
    reason: "shutdown",
    detail: "x",
  }, 1);
  assert.deepEqual(bad.actions.map((a) => a.do === "log" && [a.level, a.msg]), [["warn", "handover failed"]]);
});

Deno.test("a stalled symbol becomes a gap from its last data; its return ends it", () => {
  const stalled = policy(INITIAL_POLICY_STATE, {
    type: "symbols_stalled",
    stalls: [{ venue: "okx", symbol: "ETH-USDT", lastFeedMs: 1_000, silentMs: 7_400.6 }],
  }, 10_000);
  assert.deepEqual(stalled.actions, [
    { do: "symbol_down", venue: "okx", symbol: "ETH-USDT", sinceMs: 4_000 },
    { do: "suspect", venue: "okx", symbol: "ETH-USDT", fromMs: 4_000, toMs: 10_000 },
    {
      do: "log",
      level: "warn",
      msg: "symbol stalled",
      fields: { venue: "okx", symbol: "ETH-USDT", silentMs: 7_401 },
    },
  ]);
  const back = policy(
    INITIAL_POLICY_STATE,
    { type: "symbol_back", venue: "okx", symbol: "ETH-USDT" },
    12_000,
  );
  assert.deepEqual(back.actions, [
    { do: "symbol_up", venue: "okx", symbol: "ETH-USDT", atMs: 12_000 },
    { do: "log", level: "info", msg: "symbol data back", fields: { venue: "okx", symbol: "ETH-USDT" } },
  ]);
});

Deno.test("each symbol's first trade after a connect suspects its bars back to the connect (or the trade)", () => {
  let state: PolicyState =
    policy(INITIAL_POLICY_STATE, { type: "connect", link, url: "u", stalled: [] }, 10_000).state;
  // A frame without a pending symbol's trade changes nothing (same state object).
  const none = policy(state, { type: "trades", venue: "okx", events: [trade("BTC-USDT", 11_000)] }, 11_000);
  assert.deepEqual(none.actions, []);
  assert.equal(none.state, state);

  const first = policy(state, {
    type: "trades",
    venue: "binance",
    events: [trade("BTC-USDT", 12_000), trade("BTC-USDT", 12_001)],
  }, 12_500);
  assert.deepEqual(first.actions, [
    { do: "suspect", venue: "binance", symbol: "BTC-USDT", fromMs: 10_000, toMs: 12_000 },
  ]);
  state = first.state;
  assert.deepEqual(state.firstAfterConnect.get("binance"), new Map([["ETH-USDT", 10_000]]));
  // A trade replayed on subscribe, older than the connect, covers its own bar.
  const replayed = policy(
    state,
    { type: "trades", venue: "binance", events: [trade("ETH-USDT", 3_000)] },
    13_000,
  );
  assert.deepEqual(replayed.actions, [
    { do: "suspect", venue: "binance", symbol: "ETH-USDT", fromMs: 3_000, toMs: 10_000 },
  ]);
  assert.equal(replayed.state.firstAfterConnect.size, 0, "nothing pending: the hot path skips the policy");
});
