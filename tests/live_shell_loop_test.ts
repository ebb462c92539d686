// The HTTP shell over the real loop: LiveLoop on the venue simulator's private API through the real
// Binance connector (testing/live_loop.ts), its /health, /metrics and admin API served on port 0.
// /health is 503 while the loop boots and reconciles and 200 once it trades; the admin API engages
// and resets the loop's own kill switch (persisted by the loop), and /health and /metrics follow it.
import assert from "node:assert/strict";
import { connectorLimiterView } from "../lib/live/limiters.ts";
import { loopKillSwitch, startLiveShell } from "../lib/live/shell.ts";
import { shellConfig } from "../lib/live/shell_config.ts";
import { loadKillSwitch } from "../lib/oms/kill_switch.ts";
import { BINANCE_SPOT_LIMITS } from "../lib/trading/rate_limits.ts";
import { startLoopRig, SYMBOL, U } from "../testing/live_loop.ts";

const TOKEN = "loop-shell-token-0123456789";

Deno.test("live shell over the real loop: 503 until started and reconciled, 200 trading; the admin API drives the loop's kill switch", async () => {
  const r = await startLoopRig();
  const loop = r.make();
  const now = () => r.s.t.sim.clock.nowMs();
  const shell = startLiveShell({
    cfg: shellConfig((k) => ({ LIVE_ADMIN_TOKEN: TOKEN } as Record<string, string>)[k], { port: "0" }),
    snapshot: () => loop.snapshot(),
    killSwitch: loopKillSwitch(loop),
    feed: () => ({ ok: true, error: null, lastBarAgeMs: 0 }),
    clientLimiter: () =>
      connectorLimiterView(r.s.spot.rest.limits.snapshot(now()), BINANCE_SPOT_LIMITS, now()),
    log: (level, msg, fields) => r.lines.push({ level, msg, ...fields }),
    now,
  });
  const get = async (path: string) => {
    const res = await fetch(shell.url + path);
    return { status: res.status, body: await res.text() };
  };
  const admin = async (method: string, reason?: string) => {
    const res = await fetch(`${shell.url}/admin/kill-switch`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}` },
      body: reason === undefined ? undefined : JSON.stringify({ reason }),
    });
    return { status: res.status, json: await res.json() };
  };
  try {
    const booting = await get("/health");
    assert.equal(booting.status, 503);
    const b = JSON.parse(booting.body);
    assert.equal(b.loop_status, "starting");
    assert.equal(b.components.oms_store.detail, "not booted yet");
    assert.equal(b.components.reconciliation.status, "pending");

    const v = await loop.start();
    assert.equal(v.status, "ready", `started: ${v.reason}`);
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: now() });
    await r.pump("stream up", () => loop.snapshot().stream.state === "up");
    const ready = await get("/health");
    assert.equal(ready.status, 200, ready.body);
    const rb = JSON.parse(ready.body);
    assert.deepEqual([rb.status, rb.reasons, rb.components.oms_store.recovery], ["ready", [], "fresh"]);
    assert.equal(rb.components.reconciliation.state, "done");
    assert.equal(rb.components["dependency:binance-spot"].stream, "up");

    const on = await admin("POST", "operator halt");
    assert.equal(on.status, 200);
    assert.deepEqual([on.json.state, on.json.reason, on.json.last_events.at(-1).by], [
      "HALTED",
      "operator halt",
      "admin",
    ]);
    assert.equal(loop.snapshot().killSwitch?.state, "HALTED");
    assert.equal((await loadKillSwitch(r.dir, now())).ks.state, "HALTED", "persisted by the loop");
    const halted = await get("/health");
    assert.equal(halted.status, 503);
    assert.deepEqual(JSON.parse(halted.body).reasons, ["risk_manager: kill switch engaged: operator halt"]);
    assert.match((await get("/metrics")).body, /^live_loop_kill_switch_engaged 1$/m);

    const off = await admin("DELETE", "resume after review");
    assert.deepEqual([off.status, off.json.state, off.json.last_events.at(-1).action], [
      200,
      "ACTIVE",
      "reset",
    ]);
    assert.equal((await loadKillSwitch(r.dir, now())).ks.state, "ACTIVE");
    assert.equal((await get("/health")).status, 200);
    const metrics = (await get("/metrics")).body;
    assert.match(metrics, /^live_loop_kill_switch_engaged 0$/m);
    assert.match(metrics, /^live_loop_recovery_quarantined 0$/m);
    // The loop logs each switch change; the shell logs each admin call (its audit line).
    assert.deepEqual(
      r.lines.filter((l) => l.msg === "live_loop.kill_switch").map((
        l,
      ) => [l.state, l.action, l.reason, l.by]),
      [["HALTED", "engage", "operator halt", "admin"], ["ACTIVE", "reset", "resume after review", "admin"]],
    );
    assert.deepEqual(r.lines.filter((l) => l.msg === "live_loop.admin_request").map((l) => l.outcome), [
      "engaged",
      "reset",
    ]);
    assert.ok(r.lines.every((l) => !JSON.stringify(l).includes(TOKEN)), "no token in any log line");
    await loop.shutdown();
    const stopped = await get("/health");
    assert.equal(stopped.status, 503);
    assert.equal(JSON.parse(stopped.body).loop_status, "stopped");
  } finally {
    await shell.stop();
    await r.close();
  }
});
