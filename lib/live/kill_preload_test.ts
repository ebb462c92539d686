// The kill switch before start(): the loop reports it as not loaded (null; UNKNOWN on /health and the
// admin API), never as ACTIVE; an operator's engage that comes before or during start() loads the
// persisted switch first and is not overwritten by start's own read. Venue simulator over loopback.
import assert from "node:assert/strict";
import { startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";
import { loadKillSwitch } from "../oms/kill_switch.ts";
import { killSwitchBody } from "./admin.ts";

Deno.test("kill switch before start: null in the view, UNKNOWN in the admin body; an engage during start() stands and is persisted", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make();
    assert.equal(loop.snapshot().killSwitch, null);
    assert.deepEqual(killSwitchBody(loop.snapshot().killSwitch), {
      state: "UNKNOWN",
      reason: "not loaded yet (loop starting)",
      since: null,
      since_ms: null,
      last_events: [],
    });
    // The engage's read of the file and start()'s are one read: start cannot load a stale ACTIVE over it.
    await Promise.all([loop.engageKillSwitch("early halt", "admin"), loop.start()]);
    const ks = loop.snapshot().killSwitch;
    assert.deepEqual([ks?.state, ks?.reason, ks?.events.map((e) => [e.action, e.by])], [
      "HALTED",
      "early halt",
      [["engage", "admin"]],
    ]);
    const disk = await loadKillSwitch(r.dir, 0);
    assert.deepEqual([disk.ks.state, disk.ks.reason, disk.problem], ["HALTED", "early halt", null]);
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const denied = await loop.submitOrder(VENUE, {
      symbol: SYMBOL,
      side: "BUY",
      type: "LIMIT",
      quantity: U / 1000,
      price: 50_000 * U,
    }, "c-1");
    assert.deepEqual(denied.ok ? "" : denied.reason, "TRADING_HALTED");
  } finally {
    await r.close();
  }
});
