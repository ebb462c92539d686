// The admin port's guard over real HTTP on port 0 (testing/live_http.ts): the right token held to its
// per-client limit, wrong tokens to a budget of their own, /health reporting both and staying ready.
import assert from "node:assert/strict";
import { loadKillSwitch } from "../oms/kill_switch.ts";
import { startLiveHttp } from "../../testing/live_http.ts";
import { NOW } from "../../testing/live_view.ts";

const TOKEN = "s3cret-admin-token-0123456789";
const bearer = `Bearer ${TOKEN}`;
const rig = () => startLiveHttp(TOKEN);

Deno.test("admin API: the right token rate-limited per client, 429 with Retry-After; /health reports it and stays ready", async () => {
  const r = await rig();
  try {
    for (let i = 0; i < 6; i++) {
      r.clock.t = NOW + i * 1000;
      assert.equal((await r.call("GET", "/admin/kill-switch", { auth: bearer })).status, 200);
    }
    const limited = await r.call("GET", "/admin/kill-switch", { auth: bearer });
    assert.deepEqual([limited.status, limited.headers.get("retry-after")], [429, "55"]);
    assert.deepEqual(limited.json(), { error: "too many admin requests" });
    const h = await r.call("GET", "/health");
    assert.equal(h.status, 200);
    assert.deepEqual(h.json().components.admin_rate_limiter, {
      status: "ok",
      healthy: true,
      detail: null,
      utilisation: 1,
      saturated_keys: ["127.0.0.1"],
    });
    r.clock.t = NOW + 60_000; // the first call leaves the window
    assert.equal((await r.call("GET", "/admin/kill-switch", { auth: bearer })).status, 200);
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="rate_limited"}'), "1");
  } finally {
    await r.stop();
  }
});

Deno.test("admin API: wrong tokens have their own budget: 30 of them leave /health 200 and the right token working", async () => {
  const r = await rig();
  try {
    const answers = [];
    for (let i = 0; i < 30; i++) {
      r.clock.t = NOW + i * 1000;
      const res = await r.call("POST", "/admin/kill-switch", {
        auth: `Bearer guess-${i}`,
        body: '{"reason":"x"}',
      });
      answers.push([res.status, res.headers.get("retry-after")]);
    }
    // Six 401s (the budget: LIVE_ADMIN_RATE_PER_MIN over all clients), then 429 until the first one ages out.
    assert.deepEqual(answers, [
      ...Array(6).fill([401, null]),
      ...Array.from({ length: 24 }, (_, k) => [429, String(60 - (k + 6))]),
    ]);
    const h = await r.call("GET", "/health");
    assert.equal(h.status, 200, h.text);
    assert.deepEqual(h.json().reasons, []);
    assert.deepEqual(h.json().components.admin_rate_limiter.saturated_keys, ["unauthenticated"]);
    assert.equal(h.json().components.admin_rate_limiter.healthy, true);

    const on = await r.call("POST", "/admin/kill-switch", {
      auth: bearer,
      body: '{"reason":"under a flood"}',
    });
    assert.deepEqual([on.status, on.json().state], [200, "HALTED"]);
    assert.equal(
      (await loadKillSwitch(r.dir, NOW)).ks.reason,
      "under a flood",
      "the wrong ones changed nothing",
    );
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await r.call("GET", "/admin/kill-switch", { auth: bearer })).status,
        200,
        `right call ${i + 2}`,
      );
    }
    assert.equal((await r.call("GET", "/admin/kill-switch", { auth: bearer })).status, 429, "its own 6 used");
    assert.deepEqual((await r.call("GET", "/health")).json().components.admin_rate_limiter.saturated_keys, [
      "127.0.0.1",
      "unauthenticated",
    ]);

    // Only the answered 401s are logged, never a token; every refusal is counted.
    assert.deepEqual(r.lines.map((l) => JSON.parse(l).outcome), [
      ...Array(6).fill("unauthorized"),
      "engaged",
    ]);
    assert.deepEqual(JSON.parse(r.lines[0]), {
      level: "warn",
      msg: "live_loop.admin_request",
      method: "POST",
      client: "127.0.0.1",
      path: "/admin/kill-switch",
      outcome: "unauthorized",
    });
    assert.ok(r.lines.every((l) => !l.includes(TOKEN) && !l.includes("guess-")), "no token in the logs");
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="unauthorized"}'), "6");
    assert.equal(await r.metric('live_loop_http_bad_requests_total{reason="rate_limited"}'), "25");

    r.clock.t = NOW + 60_000; // the first wrong token leaves the window: the next one is a 401 again
    const again = await r.call("GET", "/admin/kill-switch", { auth: "Bearer guess-again" });
    assert.equal(again.status, 401);
  } finally {
    await r.stop();
  }
});

Deno.test("admin API: with the client's budget used up, an authenticated engage still halts; a reset and a second engage still wait", async () => {
  const r = await rig();
  try {
    for (let i = 0; i < 6; i++) {
      assert.equal((await r.call("GET", "/admin/kill-switch", { auth: bearer })).status, 200);
    }
    assert.equal((await r.call("GET", "/admin/kill-switch", { auth: bearer })).status, 429, "budget used");
    const on = await r.call("POST", "/admin/kill-switch", { auth: bearer, body: '{"reason":"halt now"}' });
    assert.deepEqual([on.status, on.json().state], [200, "HALTED"]);
    assert.equal((await loadKillSwitch(r.dir, NOW)).ks.reason, "halt now");
    const off = await r.call("DELETE", "/admin/kill-switch", { auth: bearer, body: '{"reason":"resume"}' });
    assert.equal(off.status, 429, "a reset adds risk: it keeps to the budget");
    assert.equal((await loadKillSwitch(r.dir, NOW)).ks.state, "HALTED");
    const again = await r.call("POST", "/admin/kill-switch", { auth: bearer, body: '{"reason":"again"}' });
    assert.equal(again.status, 429, "once halted, an engage changes nothing and keeps to the budget");
    const wrong = await r.call("POST", "/admin/kill-switch", { auth: "Bearer nope", body: '{"reason":"x"}' });
    assert.equal(wrong.status, 401, "the exemption needs the right token");
  } finally {
    await r.stop();
  }
});
