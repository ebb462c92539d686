// The gate between the pipeline and the commit path: bars wait while the clock is in doubt, go on
// after a clean sync, and are discarded after a jump (pipeline rebased, the store pruned from the new
// clock's current interval). The clock is driven by the test; the pipeline is the real one.
import assert from "node:assert/strict";
import { BarPipeline } from "../bars/bar_pipeline.ts";
import type { ReleasedBar } from "../market/types.ts";
import type { ClockJump, FeedClock } from "./clock.ts";
import { ClockFollow } from "./clock_follow.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T = Date.UTC(2026, 0, 1, 7);

function setup() {
  const answers: (ClockJump | null | Error)[] = [];
  let now = T + 30_000;
  const clock: FeedClock = {
    kind: "sim",
    speed: 60,
    now: () => now,
    sync: () => {
      const a = answers.shift();
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a ?? null);
    },
  };
  const passed: ReleasedBar[] = [];
  const pruned: string[] = [];
  const events: string[] = [];
  const pipeline = new BarPipeline({ intervals: ["1m", "1h"], startMs: now }, () => {});
  const follow = new ClockFollow({
    clock,
    pipeline,
    intervals: ["1m", "1h"],
    feedNow: () => now,
    drain: () => (events.push("drain"), Promise.resolve()),
    prune: (iv, from) => (pruned.push(`${iv}@${from}`), Promise.resolve(iv === "1m" ? 3 : 0)),
    pass: (b) => passed.push(b),
    newTimeline: () => events.push("newTimeline"),
    log: () => {},
    signal: new AbortController().signal,
  });
  return { answers, follow, passed, pruned, events, setNow: (ms: number) => (now = ms) };
}

const bar = (openTimeMs: number) => ({ openTimeMs }) as ReleasedBar;

Deno.test("bars wait while the clock is in doubt and go on after a clean sync", async () => {
  const s = setup();
  s.follow.bar(bar(T));
  assert.equal(s.passed.length, 1, "trusted: passed at once");
  s.answers.push(new Error("simulator down"), null);
  s.follow.doubtNow();
  s.follow.bar(bar(T + MIN));
  await s.follow.settled();
  assert.deepEqual([s.follow.trusted, s.passed.length], [false, 1], "a failed sync keeps the doubt");
  await s.follow.sync();
  assert.deepEqual([s.follow.trusted, s.passed.map((b) => b.openTimeMs)], [true, [T, T + MIN]]);
  assert.deepEqual([s.follow.discardedBars, s.follow.deletedBars, s.pruned], [0, 0, []]);
});

Deno.test("a jump discards held bars, rebases and prunes from the new clock's current interval", async () => {
  const s = setup();
  s.answers.push({
    direction: "backward",
    fromMs: T + 5 * MIN,
    toMs: T - 7 * HOUR,
    speedFrom: 60,
    speedTo: 60,
  });
  s.follow.doubtNow();
  s.follow.bar(bar(T + 2 * MIN));
  s.follow.bar(bar(T + 3 * MIN));
  const newNow = T - 7 * HOUR + 90_000;
  s.setNow(newNow);
  await s.follow.settled();
  assert.equal(s.follow.trusted, true);
  assert.deepEqual(s.passed, [], "bars closed on the old clock never reach the store");
  assert.deepEqual(s.events, ["drain", "newTimeline"]);
  assert.deepEqual(s.pruned, [`1m@${T - 7 * HOUR + MIN}`, `1h@${T - 7 * HOUR}`]);
  assert.deepEqual([s.follow.discardedBars, s.follow.deletedBars], [2, 3]);
});
