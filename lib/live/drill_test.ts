// The drill API (the crash-point proof's order source) over a real loop on the simulator: refusals say
// why, are counted and reach nothing; a drill order goes through the loop's own submit (risk, intent,
// worker) and its cancel through the loop's cancel; GET lists the OMS's orders. Over HTTP in the shell:
// its own per-client rate limit, wrong tokens logged as the admin API logs them.
import assert from "node:assert/strict";
import { startLoopRig, SYMBOL, U, VENUE } from "../../testing/live_loop.ts";
import { portGuards } from "./admin_guard.ts";
import { AdminToken } from "./admin_token.ts";
import { DRILL_PATH, drillHandler } from "./drill.ts";
import type { BadRequestReason } from "./metrics.ts";
import { loopKillSwitch, startLiveShell } from "./shell.ts";
import { shellConfig } from "./shell_config.ts";

const TOKEN = "drill-token-0123456789";
const req = (method: string, body?: unknown, auth = `Bearer ${TOKEN}`, query = "") =>
  new Request(`http://x${DRILL_PATH}${query}`, {
    method,
    headers: { authorization: auth },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });

Deno.test("drill API: token, body and method refusals; an order submitted, listed and canceled through the loop", async () => {
  const r = await startLoopRig();
  try {
    const loop = r.make();
    await loop.start();
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const counted: BadRequestReason[] = [];
    const count = (reason: BadRequestReason) => counted.push(reason);
    const drillWith = (token: AdminToken | null) =>
      drillHandler(loop, {
        venue: VENUE,
        guard: portGuards({
          token,
          adminPerMinute: 100,
          drillPerMinute: 100,
          now: () => 0,
          log: () => {},
          badRequest: count,
          halted: () => false,
        }).drill,
        badRequest: count,
      });
    const drill = drillWith(new AdminToken(TOKEN));
    const call2 = async (h: typeof drill, q: Request) => {
      const res = await h(q, "127.0.0.1");
      return [res.status, await res.json()];
    };
    const call = (q: Request) => call2(drill, q);
    const order = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U };
    assert.deepEqual(await call(req("POST", order, "Bearer wrong-token-000000")), [401, {
      error: "missing or wrong bearer token",
    }]);
    assert.deepEqual(await call(req("POST", "{")), [400, { error: "body must be JSON" }]);
    assert.deepEqual(await call(req("POST", { ...order, price: null })), [400, {
      error: "a LIMIT order needs a price",
    }]);
    assert.deepEqual(await call(req("POST", { ...order, quantity: 0.5 })), [400, {
      error: "quantity must be whole atoms > 0",
    }]);
    assert.deepEqual(await call(req("PUT", order)), [405, { error: "method PUT not allowed" }]);
    assert.deepEqual(await call2(drillWith(null), req("GET")), [503, {
      error: "drill API disabled: LIVE_ADMIN_TOKEN is not set",
    }]);
    assert.equal(loop.orders().length, 0, "no refusal reached the loop");
    assert.deepEqual(counted, ["unauthorized", "bad_body", "bad_body", "bad_body", "method"]);

    assert.deepEqual(await call(req("POST", { ...order, correlationId: "drill-1" })), [200, {
      ok: true,
      clientOrderId: "t1-1",
    }]);
    await loop.idle();
    await r.pump("the ack", () => loop.orders()[0]?.state === "ACCEPTED");
    const [code, listed] = await call(req("GET"));
    assert.equal(code, 200);
    assert.deepEqual(
      listed.orders.map((
        o: Record<string, unknown>,
      ) => [o.clientOrderId, o.correlationId, o.strategy, o.state]),
      [["t1-1", "drill-1", "drill", "ACCEPTED"]],
    );
    assert.deepEqual(await call(req("DELETE", undefined, undefined, "?clientOrderId=t1-1")), [200, {
      ok: true,
      state: "CANCELED",
    }]);
    assert.deepEqual(await call(req("DELETE", undefined, undefined, "?clientOrderId=nope")), [409, {
      ok: false,
      reason: 'unknown order "nope"',
    }]);
    await loop.shutdown();
  } finally {
    await r.close();
  }
});

Deno.test("drill API over HTTP: its own per-client limit (429 with Retry-After, counted) apart from the admin API's; wrong tokens logged as the admin API logs them, in the unauthenticated budget both share", async () => {
  const r = await startLoopRig();
  const loop = r.make();
  const clock = { t: 1_800_000_000_000 };
  const lines: Record<string, unknown>[] = [];
  const env: Record<string, string> = {
    LIVE_ADMIN_TOKEN: TOKEN,
    LIVE_ADMIN_RATE_PER_MIN: "2",
    LIVE_DRILL_RATE_PER_MIN: "4",
  };
  const shell = startLiveShell({
    cfg: shellConfig((k) => env[k], { port: "0" }),
    snapshot: () => loop.snapshot(),
    killSwitch: loopKillSwitch(loop),
    feed: () => ({ ok: true, error: null, lastBarAgeMs: 0 }),
    clientLimiter: () => ({ utilisation: 0, saturatedKeys: [] }),
    log: (level, msg, fields) => lines.push({ level, msg, ...fields }),
    now: () => clock.t,
    drill: { loop, venue: VENUE },
  });
  const call = async (method: string, path: string, auth = `Bearer ${TOKEN}`, body?: unknown) => {
    const res = await fetch(shell.url + path, {
      method,
      headers: { authorization: auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), json: await res.json() };
  };
  const metric = async (reason: string) => {
    const line = `live_loop_http_bad_requests_total{reason="${reason}"} `;
    const text = await (await fetch(`${shell.url}/metrics`)).text();
    return text.split("\n").find((l) => l.startsWith(line))?.slice(line.length);
  };
  const unauthorized = (method: string, path: string) => ({
    level: "warn",
    msg: "live_loop.admin_request",
    method,
    client: "127.0.0.1",
    path,
    outcome: "unauthorized",
  });
  try {
    await loop.start({ coldStart: true });
    await loop.onBar({ symbol: SYMBOL, close: 60_000 * U, closeTimeMs: r.s.t.sim.clock.nowMs() });
    const t0 = clock.t;
    const order = { symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: U / 1000, price: 50_000 * U };
    const wrong = await call("POST", DRILL_PATH, "Bearer wrong-token-000000", order);
    assert.deepEqual([wrong.status, wrong.json], [401, { error: "missing or wrong bearer token" }]);
    assert.deepEqual(lines, [unauthorized("POST", DRILL_PATH)]);
    const placed = await call("POST", DRILL_PATH, undefined, { ...order, correlationId: "drill-http" });
    assert.deepEqual([placed.status, placed.json], [200, { ok: true, clientOrderId: "t1-1" }]);
    clock.t = t0 + 10_000;
    for (let i = 2; i <= 4; i++) assert.equal((await call("GET", DRILL_PATH)).status, 200, `drill call ${i}`);
    clock.t = t0 + 20_000;
    const limited = await call("GET", DRILL_PATH);
    assert.deepEqual([limited.status, limited.retryAfter, limited.json], [429, "40", {
      error: "too many drill requests",
    }]);
    assert.equal((await call("GET", "/admin/kill-switch")).status, 200, "the admin API has its own limit");

    // Wrong tokens on either API share one budget (LIVE_ADMIN_RATE_PER_MIN=2 over all clients).
    assert.equal((await call("GET", "/admin/kill-switch", "Bearer wrong-token-000001")).status, 401);
    const flood = await call("GET", DRILL_PATH, "Bearer wrong-token-000002");
    assert.deepEqual([flood.status, flood.retryAfter], [429, "40"]);
    assert.deepEqual(lines, [unauthorized("POST", DRILL_PATH), unauthorized("GET", "/admin/kill-switch")]);
    const health = await (await fetch(`${shell.url}/health`)).json();
    assert.deepEqual(health.components.admin_rate_limiter, {
      status: "ok",
      healthy: true,
      detail: null,
      utilisation: 1,
      saturated_keys: ["drill:127.0.0.1", "unauthenticated"],
    });
    assert.equal(await metric("rate_limited"), "2");
    assert.equal(await metric("unauthorized"), "2");
    clock.t = t0 + 60_000; // the first drill call leaves the window
    assert.equal((await call("GET", DRILL_PATH)).status, 200);
    assert.ok(
      lines.every((l) => !JSON.stringify(l).includes(TOKEN) && !JSON.stringify(l).includes("wrong-token")),
      "no token in any log line",
    );
    await loop.idle();
    await loop.shutdown();
  } finally {
    await shell.stop();
    await r.close();
  }
});
