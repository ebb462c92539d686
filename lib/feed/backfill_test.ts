// The Backfiller against the simulator's own REST handler, called in-process (no port; see
// testing/sim_rest.ts). Wall and simulated time are hand-driven.
import assert from "node:assert/strict";
import { inProcessSim } from "../../testing/sim_rest.ts";
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { Level } from "../log.ts";
import type { ReleasedBar } from "../market/types.ts";
import { Backfiller } from "./backfill.ts";
import { RestKlineClient } from "./rest_fetch.ts";

const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function setup(opts: { maxRounds?: number } = {}) {
  const { sim, fetch: fetchSim, net, advanceMinutes: advance } = inProcessSim({
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    startSimMs: START,
  });
  const wall = { ms: 1_000_000 };
  const now = () => sim.clock.nowMs();
  const rest = new RestKlineClient({
    bases: { binance: "http://sim/binance" },
    now,
    fetch: fetchSim,
    attempts: 1,
    wallNow: () => wall.ms,
  });
  const released: ReleasedBar[] = [];
  const pipeline = new BarPipeline({ intervals: ["1m"], startMs: START }, (b) => released.push(b));
  const logs: string[] = [];
  const bf = new Backfiller({
    pipeline,
    rest,
    now,
    wallNow: () => wall.ms,
    log: (level: Level, msg: string) => logs.push(`${level} ${msg}`),
    maxRounds: opts.maxRounds,
  });
  return { sim, bf, pipeline, released, net, wall, logs, advance };
}

const opens = (from: number, n: number) => Array.from({ length: n }, (_, i) => START + (from + i) * MINUTE);

Deno.test("closed gaps are filled from the venue's klines in one request; open intervals are not asked", async () => {
  const { bf, pipeline, released, net, advance } = setup();
  advance(20);
  pipeline.restoreGaps("binance", "BTC-USDT", "1m", [...opens(0, 5), ...opens(19, 3)], START);
  await bf.tick();
  assert.equal(net.requests, 1, "minutes 0..19 fit one page");
  assert.equal(bf.filled, 6, "minutes 0..4 and 19 have closed; 20 and 21 are still open");
  assert.deepEqual(pipeline.pendingGaps().map((g) => (g.openTimeMs - START) / MINUTE), [20, 21]);
  assert.deepEqual(released.map((b) => [(b.openTimeMs - START) / MINUTE, b.origin]).slice(0, 5), [
    [0, "backfill"],
    [1, "backfill"],
    [2, "backfill"],
    [3, "backfill"],
    [4, "backfill"],
  ]);
  advance(2);
  await bf.tick();
  assert.equal(bf.filled, 8);
  assert.equal(pipeline.pendingGaps().length, 0);
});

Deno.test("a failed request keeps its range and pauses the venue, doubling per failure", async () => {
  const { bf, pipeline, net, wall, logs, advance } = setup();
  advance(10);
  pipeline.restoreGaps("binance", "BTC-USDT", "1m", opens(0, 3), START);
  net.down = true;
  await bf.tick();
  assert.deepEqual([net.requests, bf.failedRounds, pipeline.pendingGaps().length], [1, 1, 3]);
  assert.deepEqual(logs, ["warn backfill request failed; range kept"]);
  await bf.tick();
  assert.equal(net.requests, 1, "paused for 1 s (wall)");
  wall.ms += 1_000;
  await bf.tick();
  assert.equal(net.requests, 2, "asked again after the pause; failed again");
  wall.ms += 1_999;
  await bf.tick();
  assert.equal(net.requests, 2, "the second pause is 2 s");
  wall.ms += 1;
  net.down = false;
  await bf.tick();
  assert.deepEqual([net.requests, bf.filled, pipeline.pendingGaps().length], [3, 3, 0]);
});

Deno.test("a bar the venue never serves is given up after maxRounds answers and counted", async () => {
  const { bf, pipeline, logs, advance } = setup({ maxRounds: 2 });
  advance(10);
  // Before the simulator's start: it answers, without that bar.
  pipeline.restoreGaps("binance", "BTC-USDT", "1m", [START - MINUTE, START], START);
  await bf.tick();
  assert.deepEqual([bf.filled, bf.abandoned], [1, 0]);
  await bf.tick();
  assert.deepEqual([bf.filled, bf.abandoned], [1, 1]);
  assert.equal(pipeline.pendingGaps().length, 0);
  assert.equal(pipeline.dq.totalInterval("abandoned_gaps"), 1);
  assert.deepEqual(logs, ["warn backfill gave up on a gap the venue does not serve"]);
});

Deno.test("tick() while a pass runs joins it instead of starting a second one", async () => {
  const { bf, pipeline, net, advance } = setup();
  advance(5);
  pipeline.restoreGaps("binance", "BTC-USDT", "1m", opens(0, 2), START);
  const a = bf.tick();
  const b = bf.tick();
  assert.equal(a, b);
  await a;
  assert.equal(net.requests, 1);
});
