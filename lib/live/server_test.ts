// The loop's HTTP face over real HTTP on port 0: /health, /metrics, the admin API with its token, the
// kill switch persisted through lib/oms/kill_switch.ts in a temp state dir. Its rate limits:
// admin_guard_test.ts.
import assert from "node:assert/strict";
import { KILL_SWITCH_FILE, loadKillSwitch } from "../oms/kill_switch.ts";
import { startLiveHttp } from "../../testing/live_http.ts";
import { NOW } from "../../testing/live_view.ts";

const TOKEN = "s3cret-admin-token-0123456789";
const rig = (token: string | null = TOKEN) => startLiveHttp(token);

const bearer = `Bearer ${TOKEN}`;

Deno.test("live HTTP: /health and /metrics GET-only, unknown paths 404, each refusal counted", async () => {
  const r = await rig();
  try {
    const h = await r.call("GET", "/health");
    assert.equal(h.status, 200);
    assert.equal(h.json().status, "ready");
    assert.equal((await r.call("HEAD", "/health")).status, 200);
    const post = await r.call("POST", "/metrics", { body: "x" });
    assert.deepEqual([post.status, post.headers.get("allow")], [405, "GET, HEAD"]);
    assert.equal((await r.call("GET", "/nope")).status, 404);
    assert.equal((await r.call("DELETE", "/health")).status, 405);
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="method"}'), "2");
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="not_found"}'), "1");
    assert.equal(await r.metric("live_loop_kill_switch_engaged"), "0");
  } finally {
    await r.stop();
  }
});

Deno.test("admin API: engage and reset over HTTP, persisted, seen by /health and /metrics; the token never logged", async () => {
  const r = await rig();
  try {
    assert.equal((await r.call("GET", "/admin/kill-switch")).status, 401);
    const wrong = await r.call("GET", "/admin/kill-switch", { auth: "Bearer nope" });
    assert.deepEqual([wrong.status, wrong.headers.get("www-authenticate")], [401, "Bearer"]);
    assert.equal(
      (await r.call("GET", "/admin/kill-switch", { auth: TOKEN })).status,
      401,
      "Bearer scheme needed",
    );
    const get = await r.call("GET", "/admin/kill-switch", { auth: bearer });
    assert.equal(get.status, 200);
    assert.deepEqual(get.json(), {
      state: "ACTIVE",
      reason: null,
      since: null,
      since_ms: null,
      last_events: [],
    });

    const noReason = await r.call("POST", "/admin/kill-switch", { auth: bearer, body: "{}" });
    assert.deepEqual([noReason.status, noReason.json()], [400, {
      error: 'body must be JSON: {"reason": "..."}',
    }]);
    const put = await r.call("PUT", "/admin/kill-switch", { auth: bearer, body: "{}" });
    assert.deepEqual([put.status, put.headers.get("allow")], [405, "GET, POST, DELETE"]);

    const on = await r.call("POST", "/admin/kill-switch", { auth: bearer, body: '{"reason":"ops drill"}' });
    assert.equal(on.status, 200);
    const at = new Date(NOW).toISOString();
    assert.deepEqual(on.json(), {
      state: "HALTED",
      reason: "ops drill",
      since: at,
      since_ms: NOW,
      last_events: [{ at, at_ms: NOW, action: "engage", reason: "ops drill", by: "admin" }],
    });
    assert.equal((await loadKillSwitch(r.dir, NOW)).ks.state, "HALTED", `${KILL_SWITCH_FILE} on disk`);
    const h = await r.call("GET", "/health");
    assert.equal(h.status, 503);
    assert.deepEqual(h.json().components.risk_manager.detail, "kill switch engaged: ops drill");
    assert.equal(await r.metric("live_loop_kill_switch_engaged"), "1");

    r.clock.t = NOW + 60_000;
    const off = await r.call("DELETE", "/admin/kill-switch", {
      auth: bearer,
      body: '{"reason":"drill over"}',
    });
    assert.equal(off.status, 200);
    assert.equal(off.json().state, "ACTIVE");
    assert.deepEqual(off.json().last_events[1], {
      at: new Date(NOW + 60_000).toISOString(),
      at_ms: NOW + 60_000,
      action: "reset",
      reason: "drill over",
      by: "admin",
    });
    const disk = (await loadKillSwitch(r.dir, 0)).ks;
    assert.deepEqual([disk.state, disk.events.map((e) => e.action)], ["ACTIVE", ["engage", "reset"]]);
    assert.equal((await r.call("GET", "/health")).status, 200);
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="unauthorized"}'), "3");
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="bad_body"}'), "1");

    assert.deepEqual(r.lines.map((l) => JSON.parse(l).outcome), [
      "unauthorized",
      "unauthorized",
      "unauthorized",
      "engaged",
      "reset",
    ]);
    assert.ok(r.lines.every((l) => !l.includes(TOKEN)), "no token in the logs");
    assert.deepEqual(JSON.parse(r.lines[4]), {
      level: "warn",
      msg: "live_loop.admin_request",
      method: "DELETE",
      client: "127.0.0.1",
      outcome: "reset",
      reason: "drill over",
      state: "ACTIVE",
    });
  } finally {
    await r.stop();
  }
});

Deno.test("admin API: without a configured token it answers 503 and changes nothing", async () => {
  const r = await rig(null);
  try {
    const res = await r.call("POST", "/admin/kill-switch", {
      auth: "Bearer anything",
      body: '{"reason":"x"}',
    });
    assert.deepEqual([res.status, res.json()], [503, {
      error: "admin API disabled: LIVE_ADMIN_TOKEN is not set",
    }]);
    assert.equal((await loadKillSwitch(r.dir, NOW)).ks.state, "ACTIVE");
    assert.equal((await r.call("GET", "/health")).status, 200);
  } finally {
    await r.stop();
  }
});
