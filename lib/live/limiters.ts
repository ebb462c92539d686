// The two rate limiters /health judges: the connector's view of the venue's limits (from the
// response headers it books) and the admin API's own per-client window. Pure; time is a parameter.
import type { RateLimitConfig, RateLimitSnapshot } from "../trading/rate_limits.ts";

export interface LimiterView {
  /** Used / allowed of the busiest key in its current window, 0..1 (1: a key is at its limit). */
  readonly utilisation: number;
  /** Keys at their limit now; a request on them waits (client) or is refused (admin). */
  readonly saturatedKeys: readonly string[];
}

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

/**
 * At most `max` requests per key (a client address) in any `windowMs`: a sliding log per key. Keys
 * whose requests all aged out are dropped, and at most `maxKeys` are kept (the oldest go first), so a
 * flood of addresses cannot grow it without bound.
 */
export class WindowLimiter {
  #log = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly maxKeys = 1024,
  ) {}

  /** Books one request at `nowMs`; false (nothing booked) when the key is at its limit. */
  take(key: string, nowMs: number): boolean {
    this.#prune(nowMs);
    const times = this.#log.get(key) ?? [];
    if (times.length >= this.max) return false;
    times.push(nowMs);
    this.#log.delete(key); // re-insert: Map order is recency, the oldest key is evicted first
    this.#log.set(key, times);
    if (this.#log.size > this.maxKeys) this.#log.delete(this.#log.keys().next().value!);
    return true;
  }

  /** ms until `key` may send again (0: now). */
  retryAfterMs(key: string, nowMs: number): number {
    const times = (this.#log.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    return times.length < this.max ? 0 : times[0] + this.windowMs - nowMs;
  }

  view(nowMs: number): LimiterView {
    this.#prune(nowMs);
    let busiest = 0;
    const saturated: string[] = [];
    for (const [k, times] of this.#log) {
      busiest = Math.max(busiest, times.length);
      if (times.length >= this.max) saturated.push(k);
    }
    return { utilisation: busiest / this.max, saturatedKeys: saturated.sort() };
  }

  #prune(nowMs: number): void {
    for (const [k, times] of this.#log) {
      const keep = times.filter((t) => t > nowMs - this.windowMs);
      if (keep.length === 0) this.#log.delete(k);
      else if (keep.length !== times.length) this.#log.set(k, keep);
    }
  }
}
