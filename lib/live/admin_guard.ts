// The door of the loop's admin port, in front of the admin API and the drill API alike: the bearer token
// (LIVE_ADMIN_TOKEN, compared in constant time by AdminToken) and each API's own rate limit per client
// address. Without a configured token the API answers 503; past its limit 429 with Retry-After, wrong
// tokens included, so a token cannot be guessed quickly; a missing or wrong token 401, logged (method,
// client, path) and counted. The token is never logged or echoed.
import type { Logger } from "../log.ts";
import { json } from "../http/serve.ts";
import type { WindowLimiter } from "../util/sliding_window.ts";
import type { AdminToken } from "./admin_token.ts";
import type { BadRequestReason } from "./metrics.ts";

/** One log line per admin-port call that changed something or was refused for its token. */
export const ADMIN_LOG = "live_loop.admin_request";

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

export interface GuardOptions {
  /** The API's name in its answers ("admin", "drill"). */
  readonly api: string;
  /** null: no token configured, the API is off (503). */
  readonly token: AdminToken | null;
  /** This API's calls per client address. */
  readonly limiter: WindowLimiter;
  readonly now: () => number;
  readonly log: Logger;
  readonly badRequest: CountRefusal;
}

/** The refusal of a request that may not go on, or null when it may. */
export type Guard = (req: Request, client: string) => Response | null;

export function adminGuard(o: GuardOptions): Guard {
  return (req, client) => {
    if (o.token === null) return json(503, { error: `${o.api} API disabled: LIVE_ADMIN_TOKEN is not set` });
    const nowMs = o.now();
    if (!o.limiter.take(client, nowMs)) {
      const s = Math.max(1, Math.ceil(o.limiter.retryAfterMs(client, nowMs) / 1000));
      return refusal(o.badRequest, 429, "rate_limited", `too many ${o.api} requests`, {
        "retry-after": String(s),
      });
    }
    if (!o.token.matches(req.headers.get("authorization"))) {
      const path = new URL(req.url).pathname;
      o.log("warn", ADMIN_LOG, { method: req.method, client, path, outcome: "unauthorized" });
      return refusal(o.badRequest, 401, "unauthorized", "missing or wrong bearer token", {
        "www-authenticate": "Bearer",
      });
    }
    return null;
  };
}
