import assert from "node:assert/strict";
import { type Backoff, backoffDelayMs } from "./backoff.ts";

const at = (r: number) => () => r;

Deno.test("full jitter: whole ms in [0, ceiling) over a doubling ceiling, capped at max", () => {
  const b: Backoff = { baseMs: 250, maxMs: 30_000, jitter: "full" };
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, b, at(0.5))), [
    125,
    250,
    500,
    1000,
    2000,
    4000,
  ]);
  assert.deepEqual([7, 8, 50, 2000].map((n) => backoffDelayMs(n, b, at(0.5))), [15000, 15000, 15000, 15000]);
  assert.equal(backoffDelayMs(3, b, at(0)), 0);
  assert.equal(backoffDelayMs(3, b, at(0.999)), 1998);
});

Deno.test("equal jitter: the ceiling scaled into [50 %, 100 %], rounded", () => {
  const b: Backoff = { baseMs: 250, maxMs: 30_000, jitter: "equal" };
  assert.deepEqual([0, 1, 2, 3, 10, 99].map((a) => backoffDelayMs(a, b, at(1))), [
    250,
    500,
    1000,
    2000,
    30_000,
    30_000,
  ]);
  assert.equal(backoffDelayMs(2, b, at(0)), 500);
  assert.equal(backoffDelayMs(2, b, at(0.5)), 750);
});

Deno.test("no jitter: the ceiling itself, uncapped with maxMs Infinity; random is not called", () => {
  const never = () => {
    throw new Error("random called");
  };
  const capped: Backoff = { baseMs: 250, maxMs: 5000, jitter: "none" };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 40].map((a) => backoffDelayMs(a, capped, never)), [
    250,
    500,
    1000,
    2000,
    4000,
    5000,
    5000,
  ]);
  const open: Backoff = { baseMs: 100, maxMs: Infinity, jitter: "none" };
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelayMs(a, open, never)), [100, 200, 400, 800]);
});

Deno.test("a broken random source never yields NaN or a negative delay; huge attempts stay finite", () => {
  const full: Backoff = { baseMs: 250, maxMs: 30_000, jitter: "full" };
  assert.equal(backoffDelayMs(0, full, at(NaN)), 250);
  assert.equal(backoffDelayMs(0, full, at(-3)), 0);
  assert.equal(backoffDelayMs(0, { ...full, jitter: "equal" }, at(7)), 250);
  assert.equal(backoffDelayMs(-1, full, at(0.5)), 125, "a negative attempt counts as the first");
  assert.equal(backoffDelayMs(1e6, { baseMs: 0, maxMs: 10, jitter: "none" }), 0);
});
