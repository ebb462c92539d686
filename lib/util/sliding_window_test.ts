import assert from "node:assert/strict";
import { SlidingLog, WindowLimiter } from "./sliding_window.ts";

const NOW = 1_800_000_000_000;

Deno.test("sliding log: an event counts while t > now - window, so its slot frees exactly window ms after it", () => {
  const l = new SlidingLog(1_000);
  for (const t of [NOW - 1_000, NOW - 999, NOW - 1, NOW]) l.add(t);
  assert.equal(l.count(NOW), 3, "the event at now - window is out");
  assert.equal(l.count(NOW + 1), 2);
  assert.equal(l.count(NOW + 999), 1);
  assert.equal(l.count(NOW + 1_000), 0);
  assert.equal(l.count(NOW), 0, "dropped events do not come back when time is asked again");
});

Deno.test("sliding log: remove takes back one event at that time (the latest booked), false when none", () => {
  const l = new SlidingLog(1_000);
  for (const t of [NOW, NOW, NOW + 5]) l.add(t);
  assert.equal(l.remove(NOW), true);
  assert.equal(l.count(NOW + 5), 2);
  assert.equal(l.remove(NOW + 1), false);
  assert.equal(l.remove(NOW), true);
  assert.equal(l.remove(NOW), false);
  assert.equal(l.count(NOW + 5), 1);
});

Deno.test("sliding log: waitMs until fewer than max are inside, from the event that must age out", () => {
  const l = new SlidingLog(10_000);
  for (const t of [1_000, 2_000, 3_000]) l.add(t);
  assert.equal(l.waitMs(4, 3_000), 0, "below max: no wait");
  assert.equal(l.waitMs(3, 3_000), 8_000, "the first must age out: 1000 + 10000 - 3000");
  assert.equal(l.waitMs(2, 3_000), 9_000, "two must age out: the second's time counts");
  assert.equal(l.waitMs(3, 10_999), 1);
  assert.equal(l.waitMs(3, 11_000), 0);
});

Deno.test("window limiter: max per key per sliding window, refusals book nothing, keys age out and are capped", () => {
  const w = new WindowLimiter(3, 10_000, 2);
  assert.deepEqual([1, 2, 3, 4].map((i) => w.take("a", i * 1000)), [true, true, true, false]);
  assert.deepEqual(w.view(4000), { utilisation: 1, saturatedKeys: ["a"] });
  assert.equal(w.retryAfterMs("a", 4000), 7000);
  assert.equal(w.take("a", 10_999), false, "the first request is still inside the window");
  assert.equal(w.take("a", 11_000), true, "the first one aged out");
  assert.equal(w.take("b", 11_000), true);
  assert.deepEqual(w.view(11_000), { utilisation: 1, saturatedKeys: ["a"] });
  assert.equal(w.take("c", 11_500), true);
  assert.deepEqual(w.view(11_500), { utilisation: 1 / 3, saturatedKeys: [] }, "a evicted: at most 2 keys");
  assert.deepEqual(w.view(60_000), { utilisation: 0, saturatedKeys: [] });
  assert.equal(w.retryAfterMs("b", 60_000), 0);
});

Deno.test("window limiter: keys are independent; saturated keys sorted; an unknown key may go now", () => {
  const w = new WindowLimiter(1, 60_000);
  assert.deepEqual(["z", "m", "a"].map((k) => w.take(k, NOW)), [true, true, true]);
  assert.deepEqual(w.view(NOW + 1), { utilisation: 1, saturatedKeys: ["a", "m", "z"] });
  assert.equal(w.take("m", NOW + 59_999), false);
  assert.equal(w.retryAfterMs("m", NOW + 59_999), 1);
  assert.equal(w.retryAfterMs("never-seen", NOW), 0);
  assert.equal(w.take("m", NOW + 60_000), true);
});
