// The admin API on the loop's port: /admin/kill-switch. GET reads the switch, POST engages it,
// DELETE resets it (both with a JSON {"reason"}). Every call needs `Authorization: Bearer <token>`
// (LIVE_ADMIN_TOKEN, compared in constant time by AdminToken); without a configured token the API answers 503, a
// missing or wrong token 401. Each client address may make `max` admin calls per window (429 with
// Retry-After past it), wrong tokens included, so a token cannot be guessed quickly. The token is
// never logged or echoed.
import type { Logger } from "../log.ts";
import { json } from "../http/serve.ts";
import type { KillSwitch } from "../oms/kill_switch.ts";
import type { WindowLimiter } from "../util/sliding_window.ts";
import type { AdminToken } from "./admin_token.ts";
import type { KillSwitchControl } from "./kill_switch_control.ts";
import { NOT_LOADED } from "./loop_view.ts";
import type { BadRequestReason } from "./metrics.ts";

export const ADMIN_PATH = "/admin/kill-switch";
/** One log line per admin call that changed something or was refused for its token. */
export const ADMIN_LOG = "live_loop.admin_request";
const MAX_BODY_BYTES = 4096;
const MAX_REASON_CHARS = 500;

export interface AdminOptions {
  readonly control: KillSwitchControl;
  /** null: no token configured, the admin API is off (503). */
  readonly token: AdminToken | null;
  readonly limiter: WindowLimiter;
  readonly now: () => number;
  readonly log: Logger;
  readonly badRequest: (reason: BadRequestReason) => void;
}

/** The switch as the API shows it (times as ms and ISO); UNKNOWN before the loop loaded it. */
export function killSwitchBody(ks: KillSwitch | null) {
  const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
  if (!ks) {
    return { state: "UNKNOWN", reason: NOT_LOADED, since: null, since_ms: null, last_events: [] };
  }
  return {
    state: ks.state,
    reason: ks.reason,
    since: iso(ks.sinceMs),
    since_ms: ks.sinceMs,
    last_events: ks.events.map((e) => ({
      at: iso(e.atMs),
      at_ms: e.atMs,
      action: e.action,
      reason: e.reason,
      by: e.by,
    })),
  };
}

/** The `reason` of a JSON body, or why the body is not acceptable. */
async function readReason(req: Request): Promise<{ reason: string } | { error: string }> {
  const text = await req.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    return { error: `body over ${MAX_BODY_BYTES} bytes` };
  }
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return { error: 'body must be JSON: {"reason": "..."}' };
  }
  const r = (o as { reason?: unknown } | null)?.reason;
  if (typeof r !== "string" || r.trim() === "") return { error: 'body must be JSON: {"reason": "..."}' };
  if (r.length > MAX_REASON_CHARS) return { error: `reason over ${MAX_REASON_CHARS} characters` };
  return { reason: r.trim() };
}

export function adminHandler(o: AdminOptions): (req: Request, client: string) => Promise<Response> {
  const refuse = (
    status: number,
    reason: BadRequestReason,
    error: string,
    headers: Record<string, string> = {},
  ) => {
    o.badRequest(reason);
    const res = json(status, { error });
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  };
  return async (req, client) => {
    if (!["GET", "POST", "DELETE"].includes(req.method)) {
      return refuse(405, "method", `method ${req.method} not allowed`, { allow: "GET, POST, DELETE" });
    }
    if (o.token === null) return json(503, { error: "admin API disabled: LIVE_ADMIN_TOKEN is not set" });
    const nowMs = o.now();
    if (!o.limiter.take(client, nowMs)) {
      const s = Math.max(1, Math.ceil(o.limiter.retryAfterMs(client, nowMs) / 1000));
      return refuse(429, "rate_limited", "too many admin requests", { "retry-after": String(s) });
    }
    if (!o.token.matches(req.headers.get("authorization"))) {
      o.log("warn", ADMIN_LOG, { method: req.method, client, outcome: "unauthorized" });
      return refuse(401, "unauthorized", "missing or wrong bearer token", { "www-authenticate": "Bearer" });
    }
    if (req.method === "GET") return json(200, killSwitchBody(o.control.state()));
    const body = await readReason(req);
    if ("error" in body) return refuse(400, "bad_body", body.error);
    const engaging = req.method === "POST";
    const ks = engaging
      ? await o.control.engage(body.reason, "admin")
      : await o.control.reset(body.reason, "admin");
    // The audit line of the call; the switch's own event (live_loop.kill_switch) is the control's.
    o.log("warn", ADMIN_LOG, {
      method: req.method,
      client,
      outcome: engaging ? "engaged" : "reset",
      reason: body.reason,
      state: ks.state,
    });
    return json(200, killSwitchBody(ks));
  };
}
