// The door of the loop's admin port, in front of the admin API and the drill API alike: the bearer token
// (LIVE_ADMIN_TOKEN, compared in constant time by AdminToken), then a rate limit. Without a configured
// token the API answers 503. A missing or wrong token is 401, logged (method, client, path) and counted,
// within one budget for all unauthenticated calls (429 with Retry-After past it, counted, not logged);
// a right one is held to its API's own budget per client address (429 past it). So wrong tokens, from
// anyone on the box, never use up the operator's calls. The token is never logged or echoed.
//
// The price: the right token always reaches its own budget, so a guesser past the unauthenticated budget
// still tells right (200) from wrong (429). These limits bound log lines and 401s, not guessing; the
// token's length does (MIN_TOKEN_CHARS, admin_token.ts).
import type { Logger } from "../log.ts";
import { json } from "../http/serve.ts";
import { WindowLimiter } from "../util/sliding_window.ts";
import type { AdminToken } from "./admin_token.ts";
import { combinedView, type LimiterView } from "./limiters.ts";
import type { BadRequestReason } from "./metrics.ts";

/** One log line per admin-port call that changed something or was refused for its token. */
export const ADMIN_LOG = "live_loop.admin_request";
/** The unauthenticated budget's one key: it is shared by every client address and both APIs. */
export const UNAUTHENTICATED = "unauthenticated";

/** Counts a refusal in live_loop_http_bad_requests_total{reason}. */
export type CountRefusal = (reason: BadRequestReason) => void;

/** A JSON refusal `{"error"}`, counted by its reason. */
export function refusal(
  count: CountRefusal,
  status: number,
  reason: BadRequestReason,
  error: string,
  headers: Record<string, string> = {},
): Response {
  count(reason);
  const res = json(status, { error });
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

interface GuardOptions {
  /** The API's name in its answers ("admin", "drill"). */
  readonly api: string;
  /** null: no token configured, the API is off (503). */
  readonly token: AdminToken | null;
  /** This API's calls with the right token, per client address. */
  readonly limiter: WindowLimiter;
  /** Calls with a missing or wrong token, under the one key UNAUTHENTICATED. */
  readonly unauthenticated: WindowLimiter;
  readonly now: () => number;
  readonly log: Logger;
  readonly badRequest: CountRefusal;
  /** Calls with the right token that are never refused for rate (booked when the budget has room). */
  readonly alwaysAllowed?: (req: Request) => boolean;
}

/** The refusal of a request that may not go on, or null when it may. */
export type Guard = (req: Request, client: string) => Response | null;

function adminGuard(o: GuardOptions): Guard {
  const limited = (l: WindowLimiter, key: string, nowMs: number) => {
    const s = Math.max(1, Math.ceil(l.retryAfterMs(key, nowMs) / 1000));
    return refusal(o.badRequest, 429, "rate_limited", `too many ${o.api} requests`, {
      "retry-after": String(s),
    });
  };
  return (req, client) => {
    if (o.token === null) return json(503, { error: `${o.api} API disabled: LIVE_ADMIN_TOKEN is not set` });
    const nowMs = o.now();
    if (!o.token.matches(req.headers.get("authorization"))) {
      if (!o.unauthenticated.take(UNAUTHENTICATED, nowMs)) {
        return limited(o.unauthenticated, UNAUTHENTICATED, nowMs);
      }
      const path = new URL(req.url).pathname;
      o.log("warn", ADMIN_LOG, { method: req.method, client, path, outcome: "unauthorized" });
      return refusal(o.badRequest, 401, "unauthorized", "missing or wrong bearer token", {
        "www-authenticate": "Bearer",
      });
    }
    if (o.limiter.take(client, nowMs) || o.alwaysAllowed?.(req)) return null;
    return limited(o.limiter, client, nowMs);
  };
}

export interface PortGuardOptions {
  readonly token: AdminToken | null;
  /** Admin API calls per client address a minute; also the unauthenticated budget a minute. */
  readonly adminPerMinute: number;
  /** Drill API calls per client address a minute. */
  readonly drillPerMinute: number;
  readonly now: () => number;
  readonly log: Logger;
  readonly badRequest: CountRefusal;
  /** True once the switch is HALTED: an engage then changes nothing and keeps to the budget like any call. */
  readonly halted: () => boolean;
}

export interface PortGuards {
  readonly admin: Guard;
  readonly drill: Guard;
  /** Every limiter of the port, for /health: client addresses (admin API), drill:<address>, unauthenticated. */
  view(nowMs: number): LimiterView;
}

/** The admin port's guards: one limiter per API, one unauthenticated budget shared by both. */
export function portGuards(o: PortGuardOptions): PortGuards {
  const admin = new WindowLimiter(o.adminPerMinute, 60_000);
  const drill = new WindowLimiter(o.drillPerMinute, 60_000);
  const unauthenticated = new WindowLimiter(o.adminPerMinute, 60_000);
  const guard = (api: string, limiter: WindowLimiter, alwaysAllowed?: (req: Request) => boolean) =>
    adminGuard({ ...o, api, limiter, unauthenticated, alwaysAllowed });
  return {
    admin: guard("admin", admin, (req) => isEngage(req) && !o.halted()),
    drill: guard("drill", drill),
    view: (nowMs) =>
      combinedView([
        ["", admin.view(nowMs)],
        ["drill:", drill.view(nowMs)],
        ["", unauthenticated.view(nowMs)],
      ]),
  };
}

/**
 * Engaging the kill switch only ever removes risk: an operator whose budget a polling script used up
 * must still be able to halt the loop, so an authenticated engage of an ACTIVE switch is never refused
 * for rate (once HALTED, engages keep to the budget: a looping script cannot flood the event log).
 */
function isEngage(req: Request): boolean {
  return req.method === "POST" && new URL(req.url).pathname === "/admin/kill-switch";
}
