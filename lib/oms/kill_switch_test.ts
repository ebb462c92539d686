import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ACTIVE_SWITCH,
  engage,
  KILL_SWITCH_FILE,
  loadKillSwitch,
  mayPass,
  reset,
  saveKillSwitch,
} from "./kill_switch.ts";

Deno.test("engage latches with the first reason; reset records time and reason; events are kept", () => {
  const a = engage(ACTIVE_SWITCH, { atMs: 10, action: "trip", reason: "DRAWDOWN_EXCEEDED", by: "risk" });
  const b = engage(a, { atMs: 20, action: "engage", reason: "operator", by: "admin" });
  assert.deepEqual([b.state, b.reason, b.sinceMs, b.events.length], ["HALTED", "DRAWDOWN_EXCEEDED", 10, 2]);
  const c = reset(b, 30, "reviewed", "admin");
  assert.deepEqual(c, {
    state: "ACTIVE",
    reason: null,
    sinceMs: null,
    events: [...b.events, { atMs: 30, action: "reset", reason: "reviewed", by: "admin" }],
  });
  assert.throws(() => engage(c, { atMs: 1, action: "reset", reason: "x", by: "admin" }), RangeError);
  let many = ACTIVE_SWITCH;
  for (let i = 0; i < 25; i++) many = reset(many, i, "r", "admin");
  assert.deepEqual([many.events.length, many.events[0].atMs], [20, 5]);
});

Deno.test("mayPass: ACTIVE passes all; HALTED passes cancels and reducing orders only", () => {
  const h = engage(ACTIVE_SWITCH, { atMs: 1, action: "engage", reason: "operator", by: "admin" });
  assert.deepEqual(mayPass(ACTIVE_SWITCH, { kind: "place", reducing: false }), { ok: true });
  assert.deepEqual(mayPass(h, { kind: "cancel" }), { ok: true });
  assert.deepEqual(mayPass(h, { kind: "place", reducing: true }), { ok: true });
  assert.deepEqual(mayPass(h, { kind: "place", reducing: false }), {
    ok: false,
    reason: "TRADING_HALTED",
    detail: "kill switch HALTED: operator",
  });
});

Deno.test("persisted: none is ACTIVE, a saved HALTED comes back, an unreadable file loads HALTED", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await loadKillSwitch(dir, 5), { ks: ACTIVE_SWITCH, problem: null });
    const h = engage(ACTIVE_SWITCH, { atMs: 7, action: "trip", reason: "DAILY_LOSS_EXCEEDED", by: "risk" });
    await saveKillSwitch(dir, h);
    assert.deepEqual(await loadKillSwitch(dir, 9), { ks: h, problem: null });
    await Deno.writeTextFile(join(dir, KILL_SWITCH_FILE), '{"state":"ACTIVE"');
    const bad = await loadKillSwitch(dir, 9);
    assert.deepEqual([bad.ks.state, bad.ks.reason, bad.ks.sinceMs, bad.problem], [
      "HALTED",
      "unreadable state: kill_switch.json: not JSON",
      9,
      "kill_switch.json: not JSON",
    ]);
    await Deno.writeTextFile(join(dir, KILL_SWITCH_FILE), '{"state":"HALTED","events":[]}');
    assert.equal((await loadKillSwitch(dir, 9)).problem, "kill_switch.json: not a kill switch state");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
