// The admin API on the loop's port: /admin/kill-switch. GET reads the switch, POST engages it,
// DELETE resets it (both with a JSON {"reason"}). Every call passes the port's guard first
// (admin_guard.ts: the bearer token, this API's own per-client rate limit). Each change is logged
// with its reason; the token never is.
import type { Logger } from "../log.ts";
import { json } from "../http/serve.ts";
import type { KillSwitch } from "../oms/kill_switch.ts";
import { ADMIN_LOG, type CountRefusal, type Guard, refusal } from "./admin_guard.ts";
import type { KillSwitchControl } from "./kill_switch_control.ts";
import { NOT_LOADED } from "./loop_view.ts";

export const ADMIN_PATH = "/admin/kill-switch";
const MAX_BODY_BYTES = 4096;
const MAX_REASON_CHARS = 500;

export interface AdminOptions {
  readonly control: KillSwitchControl;
  /** adminGuard(...) with this API's limiter. */
  readonly guard: Guard;
  readonly log: Logger;
  readonly badRequest: CountRefusal;
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
  return async (req, client) => {
    if (!["GET", "POST", "DELETE"].includes(req.method)) {
      return refusal(o.badRequest, 405, "method", `method ${req.method} not allowed`, {
        allow: "GET, POST, DELETE",
      });
    }
    const refused = o.guard(req, client);
    if (refused) return refused;
    if (req.method === "GET") return json(200, killSwitchBody(o.control.state()));
    const body = await readReason(req);
    if ("error" in body) return refusal(o.badRequest, 400, "bad_body", body.error);
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
