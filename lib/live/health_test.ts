import assert from "node:assert/strict";
import { ACTIVE_SWITCH, engage } from "../oms/kill_switch.ts";
import { loopView, NOW, T0 } from "../../testing/live_view.ts";
import { type FeedView, type HealthInput, judgeHealth } from "./health.ts";
import type { LoopView } from "./loop_view.ts";

const FEED_OK: FeedView = { ok: true, error: null, lastBarAgeMs: 20_000 };
const IDLE = { utilisation: 0, saturatedKeys: [] };
const input = (over: Partial<HealthInput> = {}): HealthInput => ({
  view: loopView(),
  feed: FEED_OK,
  clientLimiter: { utilisation: 0.25, saturatedKeys: [] },
  adminLimiter: IDLE,
  startedMs: T0,
  heartbeatStaleMs: 30_000,
  ...over,
});
const failing = (h: ReturnType<typeof judgeHealth>) =>
  Object.entries(h.body.components).filter(([, c]) => !c.healthy).map(([n, c]) => [n, c.status, c.detail]);

Deno.test("health: ready (200) only when every component is within limits; the exact body", () => {
  const h = judgeHealth(input());
  assert.equal(h.code, 200);
  assert.deepEqual(h.body, {
    status: "ready",
    component: "live_loop",
    venue: "binance",
    mode: "paper",
    loop_status: "ready",
    reasons: [],
    components: {
      risk_manager: {
        status: "ok",
        healthy: true,
        detail: null,
        kill_switch: "ACTIVE",
        since_ms: null,
        drawdown_ratio: 0.0125,
      },
      "dependency:binance": {
        status: "ok",
        healthy: true,
        detail: null,
        stream: "up",
        heartbeat_age_s: 1.5,
        reconnects: 0,
      },
      "dependency:feed": { status: "ok", healthy: true, detail: null, last_bar_age_s: 20 },
      client_rate_limiter: {
        status: "ok",
        healthy: true,
        detail: null,
        utilisation: 0.25,
        saturated_keys: [],
      },
      admin_rate_limiter: { status: "ok", healthy: true, detail: null, utilisation: 0, saturated_keys: [] },
      oms_store: {
        status: "ok",
        healthy: true,
        detail: null,
        recovery: "clean",
        recovery_problems: [],
        last_durable_write_age_s: 0.25,
        durable_seq: 57,
      },
      reconciliation: {
        status: "ok",
        healthy: true,
        detail: null,
        state: "done",
        start: "warm",
        trigger: "start",
        counts: { requeued: 1, adopted: 1, succeeded: 1 },
        finished_at_ms: T0 + 900,
      },
    },
  });
});

Deno.test("health: kill switch engaged -> 503, risk_manager failed with the reason in detail", () => {
  const ks = engage(ACTIVE_SWITCH, {
    atMs: NOW - 5000,
    action: "trip",
    reason: "DRAWDOWN_EXCEEDED: 512 bps",
    by: "risk",
  });
  const h = judgeHealth(input({ view: loopView({ killSwitch: ks }) }));
  assert.equal(h.code, 503);
  assert.equal(h.body.status, "not_ready");
  assert.deepEqual(h.body.components.risk_manager, {
    status: "failed",
    healthy: false,
    detail: "kill switch engaged: DRAWDOWN_EXCEEDED: 512 bps",
    kill_switch: "HALTED",
    since_ms: NOW - 5000,
    drawdown_ratio: 0.0125,
  });
  assert.deepEqual(h.body.reasons, ["risk_manager: kill switch engaged: DRAWDOWN_EXCEEDED: 512 bps"]);
});

Deno.test("health: a venue down or silent, a feed refused -> their dependency components fail", () => {
  const down = judgeHealth(input({
    view: loopView({ stream: { state: "down", lastDownCause: "connection refused", reconnects: 3 } }),
    feed: { ok: false, error: "connection refused", lastBarAgeMs: null },
  }));
  assert.equal(down.code, 503);
  assert.deepEqual(failing(down), [
    ["dependency:binance", "failed", "user stream down: connection refused"],
    ["dependency:feed", "failed", "feed: connection refused"],
  ]);
  assert.equal(down.body.components["dependency:feed"].last_bar_age_s, null);
  const silent = judgeHealth(input({ view: loopView({ stream: { heartbeatAgeMs: 30_001 } }) }));
  assert.deepEqual(failing(silent), [
    ["dependency:binance", "failed", "venue silent for 30.0 s: no event or ping answer (limit 30 s)"],
  ]);
  assert.equal(judgeHealth(input({ view: loopView({ stream: { heartbeatAgeMs: 30_000 } }) })).code, 200);
  // Never heard from: the age runs from the shell's start.
  const never = judgeHealth(
    input({ view: loopView({ stream: { heartbeatAgeMs: null } }), heartbeatStaleMs: 5000 }),
  );
  assert.deepEqual(failing(never), [[
    "dependency:binance",
    "failed",
    "venue silent for 10.0 s: no event or ping answer (limit 5 s)",
  ]]);
});

Deno.test("health: a saturated client rate limiter fails its component with the keys; the admin port's are only reported", () => {
  const admin = { utilisation: 1, saturatedKeys: ["127.0.0.1", "drill:127.0.0.1", "unauthenticated"] };
  const h = judgeHealth(input({
    clientLimiter: { utilisation: 1, saturatedKeys: ["order-count-10s", "retry_after"] },
    adminLimiter: admin,
  }));
  assert.equal(h.code, 503);
  assert.deepEqual(failing(h), [
    ["client_rate_limiter", "failed", "client rate limiter saturated: order-count-10s, retry_after"],
  ]);
  const adminOnly = judgeHealth(input({ adminLimiter: admin }));
  assert.equal(adminOnly.code, 200);
  assert.deepEqual(adminOnly.body.components.admin_rate_limiter, {
    status: "ok",
    healthy: true,
    detail: null,
    utilisation: 1,
    saturated_keys: ["127.0.0.1", "drill:127.0.0.1", "unauthenticated"],
  });
});

Deno.test("health: quarantined or failed store, reconciliation not done or failed -> 503 saying why", () => {
  const q = judgeHealth(input({
    view: loopView({
      status: "not_trading",
      reason: "state quarantined",
      store: { recovery: "quarantined", recoveryProblems: ["run 3: hash mismatch at seq 7"] },
    }),
  }));
  assert.deepEqual(failing(q), [["oms_store", "failed", "state quarantined: run 3: hash mismatch at seq 7"]]);
  assert.deepEqual(q.body.reasons, [
    "oms_store: state quarantined: run 3: hash mismatch at seq 7",
    "loop: not_trading: state quarantined",
  ]);
  const f = judgeHealth(input({ view: loopView({ store: { failed: "fsync: EIO" } }) }));
  assert.deepEqual(failing(f), [["oms_store", "failed", "event log failed: fsync: EIO"]]);
  const boot = judgeHealth(input({ view: loopView({ status: "starting", store: { recovery: null } }) }));
  assert.deepEqual(boot.body.reasons, ["oms_store: not booted yet", "loop: starting"]);

  const running = judgeHealth(input({
    view: loopView({ status: "reconciling", reconciliation: { state: "running", trigger: "reconnect" } }),
  }));
  assert.equal(running.code, 503);
  assert.deepEqual(failing(running), [["reconciliation", "pending", "reconciliation running (reconnect)"]]);
  const idle = judgeHealth(input({ view: loopView({ reconciliation: { state: "idle", trigger: null } }) }));
  assert.deepEqual(failing(idle), [["reconciliation", "pending", "startup reconciliation not done yet"]]);
  // A cold start reconciles nothing with the venue at start: idle after it is fine, before it is not.
  const cold = loopView({ startMode: "cold", reconciliation: { state: "idle", trigger: null } });
  assert.equal(judgeHealth(input({ view: cold })).code, 200);
  const booting = judgeHealth(input({ view: { ...cold, status: "starting" } }));
  assert.deepEqual(failing(booting), [["reconciliation", "pending", "startup reconciliation not done yet"]]);
  const failed = judgeHealth(input({
    view: loopView({
      status: "not_trading",
      reason: "reconciliation failed",
      reconciliation: { state: "failed", reason: "openOrders: ambiguous (HTTP 503)" },
    }),
  }));
  assert.equal(failed.code, 503);
  assert.deepEqual(failing(failed), [
    ["reconciliation", "failed", "reconciliation failed: openOrders: ambiguous (HTTP 503)"],
  ]);
});

Deno.test("health: a kill switch not loaded yet (before the loop's start) is failed, not ACTIVE", () => {
  const v = { ...loopView({ status: "starting" }), killSwitch: null } as LoopView;
  const h = judgeHealth(input({ view: v }));
  assert.equal(h.code, 503);
  assert.deepEqual(h.body.components.risk_manager, {
    status: "failed",
    healthy: false,
    detail: "kill switch state: not loaded yet (loop starting)",
    kill_switch: "UNKNOWN",
    since_ms: null,
    drawdown_ratio: 0.0125,
  });
});

Deno.test("health: the loop not trading for a reason no component shows is still 503", () => {
  const h = judgeHealth(input({ view: loopView({ status: "stopped" }) }));
  assert.equal(h.code, 503);
  assert.deepEqual(failing(h), []);
  assert.deepEqual(h.body.reasons, ["loop: stopped"]);
});
