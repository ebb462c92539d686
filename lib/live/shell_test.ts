// The shell as scripts/live.ts starts it: config from env and flags (one-line errors), bound on port 0
// over a loop snapshot and the file-backed kill switch; a busy port is PortBusyError before anything.
import assert from "node:assert/strict";
import { PORTS } from "../config/ports.ts";
import { PortBusyError } from "../http/serve.ts";
import { ConfigError } from "../util/errors.ts";
import { loopView, NOW } from "../../testing/live_view.ts";
import { persistedKillSwitch } from "./kill_switch_control.ts";
import { shellConfig } from "./shell_config.ts";
import { startLiveShell } from "./shell.ts";

const TOKEN = "shell-test-token-0123456789";
const envOf = (o: Record<string, string>) => (n: string) => o[n];

Deno.test("shell config: defaults, env and flags; each bad value one ConfigError line", () => {
  const d = shellConfig(envOf({}), {});
  assert.deepEqual(
    { ...d, adminToken: d.adminToken === null ? null : "set" },
    {
      hostname: "127.0.0.1",
      port: PORTS.live_loop,
      start: null,
      adminToken: null,
      adminPerMinute: 10,
      drillPerMinute: 1200,
      heartbeatStaleMs: 60_000,
    },
  );
  const c = shellConfig(
    envOf({ LIVE_ADMIN_TOKEN: TOKEN, LIVE_ADMIN_RATE_PER_MIN: "3", LIVE_HEARTBEAT_STALE_S: "" }),
    { start: "cold", port: "0" },
  );
  assert.deepEqual([c.port, c.start, c.adminPerMinute, c.heartbeatStaleMs], [0, "cold", 3, 60_000]);
  assert.equal(c.adminToken!.matches(`Bearer ${TOKEN}`), true);
  const bad = (env: Record<string, string>, flags: object, msg: string) =>
    assert.throws(
      () => shellConfig(envOf(env), flags),
      (e: Error) => e instanceof ConfigError && e.message === msg,
    );
  bad({}, { start: "hot" }, '--start must be cold or warm, got "hot"');
  bad({}, { port: "70000" }, '--port must be a whole number from 0 to 65535, got "70000"');
  bad({}, { port: "" }, '--port must be a whole number from 0 to 65535, got ""');
  bad(
    { LIVE_ADMIN_RATE_PER_MIN: "1000" },
    {},
    'LIVE_ADMIN_RATE_PER_MIN: Too big: expected number to be <=600 (value: "1000")',
  );
  bad(
    { LIVE_DRILL_RATE_PER_MIN: "0" },
    {},
    'LIVE_DRILL_RATE_PER_MIN: Too small: expected number to be >=1 (value: "0")',
  );
  bad(
    { LIVE_HEARTBEAT_STALE_S: "soon" },
    {},
    'LIVE_HEARTBEAT_STALE_S: Invalid input: expected number, received NaN (value: "soon")',
  );
});

Deno.test("shell: serves /health and the admin API on port 0; a busy port is PortBusyError; stop is idempotent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "live_shell_" });
  const lines: string[] = [];
  try {
    const now = () => NOW;
    const control = await persistedKillSwitch(dir, now);
    const deps = {
      cfg: shellConfig(envOf({ LIVE_ADMIN_TOKEN: TOKEN, LIVE_ADMIN_RATE_PER_MIN: "2" }), { port: "0" }),
      snapshot: () => loopView({ killSwitch: control.state() }),
      killSwitch: control,
      feed: () => ({ ok: false, error: "connection refused", lastBarAgeMs: null }),
      clientLimiter: () => ({ utilisation: 0, saturatedKeys: [] }),
      log: (_l: string, msg: string) => lines.push(msg),
      now,
    };
    const shell = startLiveShell(deps);
    try {
      assert.match(shell.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const h = await fetch(`${shell.url}/health`);
      assert.equal(h.status, 503);
      assert.deepEqual((await h.json()).reasons, ["dependency:feed: feed: connection refused"]);
      const auth = { authorization: `Bearer ${TOKEN}` };
      const on = await fetch(`${shell.url}/admin/kill-switch`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ reason: "shell test" }),
      });
      assert.equal(on.status, 200);
      assert.equal((await on.json()).state, "HALTED");
      assert.equal(control.state()?.reason, "shell test");
      assert.equal((await fetch(`${shell.url}/admin/kill-switch`, { headers: auth })).status, 200);
      const third = await fetch(`${shell.url}/admin/kill-switch`, { headers: auth });
      assert.equal(third.status, 429, "LIVE_ADMIN_RATE_PER_MIN=2");
      await third.body?.cancel();
      const m = await (await fetch(`${shell.url}/metrics`)).text();
      assert.match(m, /^live_loop_kill_switch_engaged 1$/m);
      assert.match(m, new RegExp(`^live_loop_venue_heartbeat_age_seconds\\{venue="binance"\\} 1.5$`, "m"));
      assert.throws(
        () => startLiveShell({ ...deps, cfg: { ...deps.cfg, port: shell.port } }),
        (e: Error) =>
          e instanceof PortBusyError &&
          e.message ===
            `port ${shell.port} (live_loop) on 127.0.0.1 is already in use; see who holds it: ss -ltnp 'sport = :${shell.port}'`,
      );
      assert.deepEqual(lines, ["live_loop.admin_request"]);
    } finally {
      await shell.stop();
      await shell.stop();
    }
    await assert.rejects(() => fetch(`${shell.url}/health`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
