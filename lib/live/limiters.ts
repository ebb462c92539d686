// The rate limiters /health shows: the connector's view of the venue's limits (from the response
// headers it books) and the admin port's own windows (WindowLimiters, lib/util/sliding_window.ts, one
// view for all of them). Pure; time is a parameter.
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

/** Several limiters as one: the busiest key of any, every saturated key named with its limiter's prefix. */
export function combinedView(parts: readonly (readonly [prefix: string, view: LimiterView])[]): LimiterView {
  return {
    utilisation: Math.max(0, ...parts.map(([, v]) => v.utilisation)),
    saturatedKeys: parts.flatMap(([p, v]) => v.saturatedKeys.map((k) => p + k)).sort(),
  };
}
