import assert from "node:assert/strict";
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Logger } from "../log.ts";
import { emptyStats } from "../venues/connection_events.ts";
import { sampleBar as bar, sampleTrade as trade } from "../../testing/feed_samples.ts";
import type { FeedConnection } from "./connections.ts";
import { FeedReactor, type ReactorParts } from "./feed_actions.ts";
import { feedPolicy } from "./feed_policy.ts";
import { FeedIngest } from "./ingest.ts";
import { SuspectBook } from "./suspects.ts";
import { SymbolWatch } from "./symbol_watch.ts";

const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

/** A binance feed at feed time `clock.feed`, wall time `clock.wall`; real pipeline, ingest, suspects, watch. */
function setup() {
  const clock = { feed: 600_000, wall: 1_000 };
  const lines: string[] = [];
  const log: Logger = (level, msg) => lines.push(`${level} ${msg}`);
  const pipeline = new BarPipeline(
    { intervals: ["1m"], graceMs: 2_000, startMs: 0, maxGapWaitMs: 1e9 },
    () => {},
  );
  const rechecks: string[] = [];
  const doubts: number[] = [];
  const conn: FeedConnection = {
    venue: "binance",
    name: "ws",
    url: "ws://b",
    trades: true,
    up: false,
    lastDataMs: Number.NEGATIVE_INFINITY,
    lastFrameWallMs: 0,
    stats: emptyStats(),
    done: Promise.resolve(),
  };
  const parts = {
    pipeline,
    ingest: new FeedIngest(pipeline, { symbols: SYMBOLS }),
    suspects: new SuspectBook(),
    // The commit path's and the clock follower's part is a call each: recorded here.
    committer: { recheck: (v, s, from, to) => rechecks.push(`${v} ${s} ${from}..${to}`) },
    follow: { doubtNow: () => doubts.push(clock.feed) },
    watch: new SymbolWatch(["binance"], SYMBOLS, 5_000),
    connections: [conn],
    wallNow: () => clock.wall,
    feedNow: () => clock.feed,
    log,
  } satisfies ReactorParts;
  const policy = feedPolicy({
    symbols: SYMBOLS,
    startedAtMs: 0,
    graceMs: 2_000,
    staleTimeoutMs: 5_000,
    speed: 1,
  });
  return { reactor: new FeedReactor(policy, parts), parts, conn, clock, lines, rechecks, doubts };
}

Deno.test("connect, trades, stale disconnect: link state, clock doubt, suspects, stalls and log lines", () => {
  const { reactor, parts, conn, clock, lines, rechecks, doubts } = setup();
  reactor.onConnection(conn, { type: "connect", name: "ws", url: "ws://b", atMs: 0 });
  assert.equal(conn.up, true);
  assert.deepEqual(doubts, [600_000]);
  // The first connect suspects every bar since the feed started, up to a minute ahead.
  assert.equal(parts.suspects.isSuspect(bar("BTC-USDT", 0)), true);
  assert.equal(parts.suspects.isSuspect(bar("BTC-USDT", 720_000)), false);
  assert.deepEqual(rechecks, ["binance null 0..660000"]);

  clock.feed = 610_000;
  reactor.onConnection(conn, {
    type: "events",
    name: "ws",
    events: [trade("BTC-USDT", "1", 609_000)],
    snapshot: false,
    receivedAtMs: 610_000,
  });
  assert.equal(conn.lastDataMs, 610_000);
  assert.equal(parts.ingest.counters("binance", "BTC-USDT").trades, 1, "the events reach the ingest");
  assert.deepEqual(rechecks.at(-1), "binance BTC-USDT 600000..609000", "first trade since the connect");

  clock.feed = 640_000;
  reactor.onConnection(conn, {
    type: "disconnect",
    name: "ws",
    atMs: 0,
    reason: "stale",
    code: 1006,
    retryInMs: 100,
  });
  assert.equal(conn.up, false);
  assert.deepEqual(reactor.stalls, { binance: 1 });
  // Silent since 610 s, but a dead link is noticed within the timeout (+1 s): gaps from 634 s, and
  // a minute before that is checked.
  assert.deepEqual(rechecks.at(-1), "binance null 574000..640000");
  assert.deepEqual(lines, ["info connected", "warn disconnected"]);
});

Deno.test("a symbol silent past the timeout on an open link stalls; its next data ends the stall", () => {
  const { reactor, parts, conn, clock, lines } = setup();
  reactor.onConnection(conn, { type: "connect", name: "ws", url: "ws://b", atMs: 0 });
  const events = (symbol: string, id: string) => ({
    type: "events" as const,
    name: "ws",
    events: [trade(symbol, id, clock.feed)],
    snapshot: false,
    receivedAtMs: clock.feed,
  });
  clock.wall = 2_000;
  conn.lastFrameWallMs = 2_000;
  reactor.onConnection(conn, events("BTC-USDT", "1"));
  reactor.onConnection(conn, events("ETH-USDT", "2"));
  clock.wall = 6_000;
  reactor.checkSymbols();
  assert.deepEqual(lines, ["info connected"], "within the timeout");
  clock.wall = 7_500;
  conn.lastFrameWallMs = 7_500;
  reactor.onConnection(conn, events("BTC-USDT", "3"));
  reactor.checkSymbols();
  assert.deepEqual(lines, ["info connected", "warn symbol stalled"]);
  assert.deepEqual(parts.watch.stalledOf("binance"), ["ETH-USDT"]);
  reactor.onConnection(conn, events("ETH-USDT", "4"));
  assert.deepEqual(lines.at(-1), "info symbol data back");
  assert.deepEqual(parts.watch.stalledOf("binance"), []);
});

Deno.test("dropped frames, venue errors and handovers: counted or logged, the link untouched", () => {
  const { reactor, parts, conn, lines } = setup();
  reactor.onConnection(conn, {
    type: "frame_dropped",
    name: "ws",
    reason: "invalid_value",
    sample: '{"s":"ETHUSDT","p":"NaN"}',
  });
  assert.equal(parts.ingest.counters("binance", "ETH-USDT").invalidValues, 1);
  reactor.onConnection(conn, { type: "venue_error", name: "ws", reason: "code", detail: "-1121" });
  reactor.onConnection(conn, {
    type: "handover",
    name: "ws",
    atMs: 0,
    reason: "max_age",
    ok: true,
    detail: "",
  });
  assert.deepEqual(lines, ["warn venue error", "info connection handed over"]);
  assert.equal(conn.up, false);
});
