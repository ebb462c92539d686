// The loop's HTTP face over real HTTP on port 0: /health, /metrics, the admin API with its token and
// rate limit, the kill switch persisted through lib/oms/kill_switch.ts in a temp state dir.
import assert from "node:assert/strict";
import type { Logger } from "../log.ts";
import { serve } from "../http/serve.ts";
import { KILL_SWITCH_FILE, loadKillSwitch } from "../oms/kill_switch.ts";
import { WindowLimiter } from "../util/sliding_window.ts";
import { loopView, NOW, T0 } from "../../testing/live_view.ts";
import { adminHandler } from "./admin.ts";
import { adminGuard } from "./admin_guard.ts";
import { AdminToken } from "./admin_token.ts";
import { persistedKillSwitch } from "./kill_switch_control.ts";
import { createLiveMetrics } from "./metrics.ts";
import { liveHttpHandler } from "./server.ts";

const TOKEN = "s3cret-admin-token-0123456789";

async function rig(token: string | null = TOKEN) {
  const dir = await Deno.makeTempDir({ prefix: "live_http_" });
  const clock = { t: NOW };
  const lines: string[] = [];
  const control = await persistedKillSwitch(dir, () => clock.t);
  const snapshot = () => loopView({ nowMs: clock.t, killSwitch: control.state() });
  const metrics = createLiveMetrics(snapshot, T0);
  const limiter = new WindowLimiter(6, 60_000);
  const log: Logger = (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields }));
  const ctrl = new AbortController();
  const server = serve({
    name: "live_loop",
    hostname: "127.0.0.1",
    port: 0,
    signal: ctrl.signal,
    handler: liveHttpHandler({
      snapshot,
      feed: () => ({ ok: true, error: null, lastBarAgeMs: 1000 }),
      clientLimiter: () => ({ utilisation: 0, saturatedKeys: [] }),
      adminLimiter: () => limiter.view(clock.t),
      admin: adminHandler({
        control,
        guard: adminGuard({
          api: "admin",
          token: token === null ? null : new AdminToken(token),
          limiter,
          now: () => clock.t,
          log,
          badRequest: metrics.badRequest,
        }),
        log,
        badRequest: metrics.badRequest,
      }),
      metrics,
      startedMs: T0,
      heartbeatStaleMs: 30_000,
    }),
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const call = async (method: string, path: string, opts: { auth?: string; body?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.auth !== undefined) headers.authorization = opts.auth;
    const res = await fetch(base + path, { method, headers, body: opts.body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  const metric = async (line: string) =>
    (await call("GET", "/metrics")).text.split("\n").find((l) => l.startsWith(line + " "))?.slice(
      line.length + 1,
    );
  return {
    dir,
    clock,
    lines,
    call,
    metric,
    async stop() {
      ctrl.abort();
      await server.finished;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

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

Deno.test("admin API: rate-limited per client (wrong tokens too), 429 with Retry-After, /health says so", async () => {
  const r = await rig();
  try {
    for (let i = 0; i < 5; i++) {
      r.clock.t = NOW + i * 1000;
      assert.equal((await r.call("GET", "/admin/kill-switch", { auth: "Bearer guess" + i })).status, 401);
    }
    assert.equal(
      (await r.call("GET", "/admin/kill-switch", { auth: bearer })).status,
      200,
      "the 6th is allowed",
    );
    const h = await r.call("GET", "/health");
    assert.equal(h.status, 503);
    assert.deepEqual(h.json().reasons, ["admin_rate_limiter: admin rate limiter saturated: 127.0.0.1"]);
    const limited = await r.call("GET", "/admin/kill-switch", { auth: bearer });
    assert.deepEqual([limited.status, limited.headers.get("retry-after")], [429, "56"]);
    r.clock.t = NOW + 60_000; // the first call leaves the window
    assert.equal((await r.call("GET", "/admin/kill-switch", { auth: bearer })).status, 200);
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="rate_limited"}'), "1");
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
