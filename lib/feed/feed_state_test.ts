import assert from "node:assert/strict";
import { BarPipeline } from "../bars/bar_pipeline.ts";
import { emptyStats } from "../venues/connection_events.ts";
import { sampleTrade as trade } from "../../testing/feed_samples.ts";
import type { FeedConnection } from "./connections.ts";
import {
  feedHealth,
  type FeedParts,
  healthJson,
  metricsState,
  notRecovered,
  statusCounts,
} from "./feed_state.ts";
import { FeedIngest } from "./ingest.ts";

function conn(name: string, up: boolean, trades: boolean, lastFrameWallMs: number): FeedConnection {
  const stats = emptyStats();
  stats.reconnects = 2;
  stats.failedConnects = 1;
  return {
    venue: "binance",
    name,
    url: `ws://v/${name}`,
    trades,
    up,
    lastDataMs: 0,
    lastFrameWallMs,
    stats,
    done: Promise.resolve(),
  };
}

/** A feed at feed time 100 s, wall time 1000 s: BTC traded at 95 s, ETH last at 90 s; stale after 8 s. */
function parts(over: Partial<FeedParts> = {}): FeedParts {
  const pipeline = new BarPipeline(
    { intervals: ["1m"], graceMs: 2_000, startMs: 0, maxGapWaitMs: 1e9 },
    () => {},
  );
  const ingest = new FeedIngest(pipeline, { symbols: ["BTC-USDT", "ETH-USDT"] });
  ingest.events([trade("ETH-USDT", "1", 89_000, 90_000), trade("BTC-USDT", "2", 94_000, 95_000)], false);
  pipeline.dq.incInterval("binance", "BTC-USDT", "1m", "abandoned_gaps", 2);
  return {
    settings: { VENUES_ENABLED: ["binance"], SYMBOLS: ["BTC-USDT", "ETH-USDT"], STALE_TIMEOUT_MS: 8_000 },
    clock: { kind: "wall", speed: 1, now: () => 100_000 },
    connections: [conn("trades", true, true, 999_500), conn("klines", true, false, 998_000)],
    ingest,
    pipeline,
    committer: {
      repairedBy: new Map([["binance|BTC-USDT", 1]]),
      storedBy: new Map([["binance|BTC-USDT|1m", 3]]),
      storeErrors: 0,
      backlog: 4,
      stored: 3,
      repaired: 1,
    },
    backfill: { filled: 5, abandoned: 2, failedRounds: 6 },
    rest: { rateLimited: 7 },
    follow: { discardedBars: 0, deletedBars: 0, trusted: true },
    stalls: { binance: 1 },
    beyondLookback: new Map([["binance|ETH-USDT|1m", 3]]),
    feedNow: () => 100_000,
    wallNow: () => 1_000_000,
    ...over,
  };
}

Deno.test("metricsState: the ingest's per-symbol counts, the newest frame per venue, committer maps as they are", () => {
  const p = parts();
  const s = metricsState(p);
  assert.deepEqual(s.trades, new Map([["binance|ETH-USDT", 1], ["binance|BTC-USDT", 1]]));
  assert.deepEqual(s.invalidValues, new Map([["binance|ETH-USDT", 0], ["binance|BTC-USDT", 0]]));
  assert.deepEqual(s.lastMessageWallMs, { binance: 999_500 });
  assert.equal(s.barsStored, p.committer.storedBy);
  assert.equal(s.repaired, p.committer.repairedBy);
  assert.deepEqual([s.commitBacklog, s.storeErrors, s.stalls], [4, 0, { binance: 1 }]);
  assert.deepEqual(s.clock, {
    jumps: { backward: 0, forward: 0 },
    syncFailures: 0,
    discardedBars: 0,
    deletedBars: 0,
    trusted: true,
  });
  assert.equal(s.dq.find((r) => r.symbol === "BTC-USDT")?.intervals["1m"]?.abandoned_gaps, 2);
  // A followed clock's counts come through.
  const jumps = { backward: 1, forward: 2 };
  const followed = metricsState(
    parts({
      clock: Object.assign({
        kind: "sim" as const,
        speed: 10,
        now: () => 1,
      }, { jumps, syncFailures: 3 }),
    }),
  );
  assert.deepEqual([followed.clock?.jumps, followed.clock?.syncFailures], [jumps, 3]);
});

Deno.test("feedHealth: ok until a symbol is silent past the timeout, a trade link is down or the clock is in doubt", () => {
  assert.deepEqual(feedHealth(parts()), {
    feedOk: false,
    nowMs: 100_000,
    stale: ["binance/ETH-USDT"],
    speed: 1,
  });
  const later = (ms: number) => ({
    feedNow: () => ms,
    clock: { kind: "wall" as const, speed: 1, now: () => ms },
  });
  assert.deepEqual(feedHealth(parts(later(97_000))), { feedOk: true, nowMs: 97_000, stale: [], speed: 1 });
  const down = [conn("trades", false, true, 0), conn("klines", true, false, 0)];
  assert.equal(feedHealth(parts({ ...later(97_000), connections: down })).feedOk, false);
  // A link without trades being down does not matter.
  const klinesDown = [conn("trades", true, true, 0), conn("klines", false, false, 0)];
  assert.equal(feedHealth(parts({ ...later(97_000), connections: klinesDown })).feedOk, true);
  const doubt = { discardedBars: 0, deletedBars: 0, trusted: false };
  assert.equal(feedHealth(parts({ ...later(97_000), follow: doubt })).feedOk, false);
});

Deno.test("healthJson: every field /health has always had, computed from the parts", () => {
  const p = parts();
  assert.equal(notRecovered(p), 2 + 3);
  const h = healthJson(p, {
    config: { source: "defaults + .env", settings: { FEED_PROFILE: "sim" } },
    store: { kind: "duckdb", where: "data/bars.duckdb", schemaVersion: 2 },
    recorder: { path: "rec.jsonl", lines: 9 },
  });
  assert.deepEqual(h, {
    status: "degraded",
    profile: "sim",
    config: "defaults + .env",
    clock: {
      kind: "wall",
      speed: 1,
      nowMs: 100_000,
      jumps: { backward: 0, forward: 0 },
      syncFailures: 0,
      discardedBars: 0,
      deletedBars: 0,
      trusted: true,
    },
    connections: [
      {
        venue: "binance",
        connection: "trades",
        url: "ws://v/trades",
        up: true,
        lastMessageAgeS: 0.5,
        reconnects: 2,
        failedConnects: 1,
      },
      {
        venue: "binance",
        connection: "klines",
        url: "ws://v/klines",
        up: true,
        lastMessageAgeS: 2,
        reconnects: 2,
        failedConnects: 1,
      },
    ],
    stale: ["binance/ETH-USDT"],
    store: { kind: "duckdb", path: "data/bars.duckdb", schemaVersion: 2, barsStored: 3, backlog: 4 },
    gaps: {
      pending: 2, // the first minute of each symbol: the feed started at 0, its first trade came at 89 s
      backfilled: 5,
      abandoned: 2,
      beyondLookback: { "binance|ETH-USDT|1m": 3 },
      notRecovered: 5,
      restFailures: 6,
      restRateLimited: 7,
    },
    repairedBars: 1,
    recording: { path: "rec.jsonl", lines: 9 },
  });
  const quiet = healthJson(parts({ connections: [conn("trades", true, true, 0)] }), {
    config: { source: "x", settings: { FEED_PROFILE: "sim" } },
    store: { kind: "postgres", where: "postgres://u:***@h/db", schemaVersion: null },
    recorder: null,
  });
  assert.equal(
    (quiet.connections as { lastMessageAgeS: unknown }[])[0].lastMessageAgeS,
    null,
    "no frame yet",
  );
  assert.equal(quiet.recording, null);
});

Deno.test("statusCounts: the status line's numbers from the same parts", () => {
  assert.deepEqual(statusCounts(parts(), 12.5), {
    barsStored: 3,
    reconnects: 4,
    gaps: 2, // the first minute of each symbol (see healthJson's pending)
    backfilled: 5,
    notRecovered: 5,
    p99LatencyMs: 12.5,
  });
});
