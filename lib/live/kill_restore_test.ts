// A missing kill_switch.json at boot: the switch comes from the event log's last kill_switch record
// (a deleted file must not un-halt the loop); a fresh state dir is ACTIVE. Venue simulator over loopback.
import assert from "node:assert/strict";
import { startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";
import { KILL_SWITCH_FILE, loadKillSwitch } from "../oms/kill_switch.ts";

Deno.test("kill switch file deleted after an engage: the restart loads HALTED from the event log, a new order is denied", async () => {
  const r = await startLoopRig();
  try {
    assert.deepEqual((await loadKillSwitch(r.dir, 0)).ks.state, "ACTIVE", "fresh dir");
    const first = r.make();
    await first.start();
    await first.engageKillSwitch("operator stop", "admin");
    await first.shutdown();
    Deno.removeSync(`${r.dir}/${KILL_SWITCH_FILE}`);
    const loop = r.make();
    const v = await loop.start();
    assert.deepEqual([v.killSwitch?.state, v.killSwitch?.reason, v.killSwitch?.events.map((e) => e.action)], [
      "HALTED",
      "operator stop",
      ["engage"],
    ]);
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const denied = await loop.submitOrder(VENUE, {
      symbol: SYMBOL,
      side: "BUY",
      type: "LIMIT",
      quantity: U / 1000,
      price: 50_000 * U,
    }, "c-1");
    assert.equal(denied.ok ? "" : denied.reason, "TRADING_HALTED");
    // A reset is recorded too: deleted again, the next boot is ACTIVE.
    await loop.resetKillSwitch("checked", "admin");
    await loop.shutdown();
    Deno.removeSync(`${r.dir}/${KILL_SWITCH_FILE}`);
    const after = await loadKillSwitch(r.dir, 0);
    assert.deepEqual([after.ks.state, after.problem], [
      "ACTIVE",
      `${KILL_SWITCH_FILE} missing: ACTIVE from the event log`,
    ]);
  } finally {
    await r.close();
  }
});
