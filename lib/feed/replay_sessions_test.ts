import assert from "node:assert/strict";
import { LOOKAHEAD_FRAMES, timeline } from "./replay_sessions.ts";

const MIN = 60_000;
const steps = (times: number[]) =>
  timeline(times, MIN).map((
    s,
  ) => [s.session, s.clockMs, s.gapFromMs ?? null, s.straggler ?? false]);

Deno.test("timeline: jitter stays in the session, a long jump back starts a new one, a long silence is a gap", () => {
  const T = 1000 * MIN;
  assert.deepEqual(steps([T, T - 100, T + 1000, NaN, T + 10 * MIN, T + 10 * MIN + 5, 5, 6]), [
    [0, T, null, false],
    [0, T, null, false], // 100 ms out of order: same session, the clock holds
    [0, T + 1000, null, false],
    [0, T + 1000, null, false], // no time of its own (ack, heartbeat): in the session it follows
    [0, T + 10 * MIN, T + 1000, false], // ten minutes with no frame: a recording gap
    [0, T + 10 * MIN + 5, null, false],
    [1, 5, null, false], // far back and staying there: another capture
    [1, 6, null, false],
  ]);
});

Deno.test("timeline: a few frames far off the clock whose time comes back are stragglers", () => {
  const T = 100 * MIN;
  assert.deepEqual(steps([T, T - 50 * MIN, T - 40 * MIN, T + 1, T + 500 * MIN, T + 2]), [
    [0, T, null, false],
    [0, T, null, true], // old trades replayed on subscribe
    [0, T, null, true],
    [0, T + 1, null, false],
    [0, T + 1, null, true], // one frame from the future
    [0, T + 2, null, false],
  ]);
  // Back for longer than the lookahead: a capture of its own, even if the old time returns later.
  const back = Array.from({ length: LOOKAHEAD_FRAMES + 1 }, (_, i) => i);
  assert.deepEqual(steps([T, ...back, T + 1]).map((s) => s[0]), [0, ...back.map(() => 1), 1]);
});
