// The loop's HTTP face (lib/live/server.ts) over real HTTP on 127.0.0.1 port 0: a loop view
// (testing/live_view.ts) whose kill switch is persisted in a temp state dir, the admin API behind the
// port's guards (6 calls a minute), a clock the test moves and the log lines captured.
import type { Logger } from "../lib/log.ts";
import { serve } from "../lib/http/serve.ts";
import { adminHandler } from "../lib/live/admin.ts";
import { portGuards } from "../lib/live/admin_guard.ts";
import { AdminToken } from "../lib/live/admin_token.ts";
import { persistedKillSwitch } from "../lib/live/kill_switch_control.ts";
import { createLiveMetrics } from "../lib/live/metrics.ts";
import { liveHttpHandler } from "../lib/live/server.ts";
import { loopView, NOW, T0 } from "./live_view.ts";

/** `token` null: no token configured (the admin API answers 503). */
export async function startLiveHttp(token: string | null) {
  const dir = await Deno.makeTempDir({ prefix: "live_http_" });
  const clock = { t: NOW };
  const lines: string[] = [];
  const control = await persistedKillSwitch(dir, () => clock.t);
  const snapshot = () => loopView({ nowMs: clock.t, killSwitch: control.state() });
  const metrics = createLiveMetrics(snapshot, T0);
  const log: Logger = (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields }));
  const guards = portGuards({
    token: token === null ? null : new AdminToken(token),
    adminPerMinute: 6,
    drillPerMinute: 6,
    now: () => clock.t,
    log,
    badRequest: metrics.badRequest,
    halted: () => control.state()?.state === "HALTED",
  });
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
      adminLimiter: () => guards.view(clock.t),
      admin: adminHandler({
        control,
        guard: guards.admin,
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
