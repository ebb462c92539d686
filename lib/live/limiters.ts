// The two rate limiters /health judges: the connector's view of the venue's limits (from the
// response headers it books) and the admin API's own per-client window (a WindowLimiter,
// lib/util/sliding_window.ts). Pure; time is a parameter.
import type { RateLimitConfig, RateLimitSnapshot } from "../trading/rate_limits.ts";
import type { WindowView } from "../util/sliding_window.ts";

/** A limiter as /health shows it; a request on a saturated key waits (client) or is refused (admin). */
export type LimiterView = WindowView;

/** The connector's limits as the venue last counted them; a Retry-After block saturates `retry_after`. */
export function connectorLimiterView(s: RateLimitSnapshot, l: RateLimitConfig, nowMs: number): LimiterView {
  const keys: [string, number][] = [
    ["used-weight-1m", l.weightPerMinute],
    ["order-count-10s", l.ordersPer10s],
    ["order-count-1d", l.ordersPerDay],
  ];
  const use = keys.map(([k, limit]) => [k, (s.counts[k] ?? 0) / limit] as const);
  const saturated = use.filter(([, u]) => u >= 1).map(([k]) => k);
  const blocked = s.blockedUntilMs > nowMs;
  if (blocked) saturated.push("retry_after");
  const utilisation = Math.min(1, Math.max(blocked ? 1 : 0, ...use.map(([, u]) => u)));
  return { utilisation, saturatedKeys: saturated };
}
