// Rate-limit bookkeeping from Binance's response headers (binance_trading.md §4 "Rate limits"):
// X-MBX-USED-WEIGHT-<n><S|M|H|D> on every answer, X-MBX-ORDER-COUNT-<n><unit> on order answers, and
// Retry-After (seconds) on 429/418. Requests wait until Retry-After has passed, and an order is held
// back when the venue's own count says its calendar-aligned window (on the venue's clock) is full.
// Pure: time and the venue's clock offset are parameters.
// Not lib/util/sliding_window.ts: the venue counts, we only mirror its counts on its calendar windows.

export interface RateLimitConfig {
  /** REQUEST_WEIGHT per minute (exchangeInfo.rateLimits; documented 6000). */
  readonly weightPerMinute: number;
  /** ORDERS per 10 s (examples show 50). */
  readonly ordersPer10s: number;
  /** ORDERS per day (examples show 160,000). */
  readonly ordersPerDay: number;
}

export const BINANCE_SPOT_LIMITS: RateLimitConfig = {
  weightPerMinute: 6000,
  ordersPer10s: 50,
  ordersPerDay: 160_000,
};

const UNIT_MS: Record<string, number> = { S: 1000, M: 60_000, H: 3_600_000, D: 86_400_000 };
const HEADER_RE = /^x-mbx-(used-weight|order-count)-(\d+)([smhd])$/i;

interface Count {
  readonly value: number;
  /** Start of the calendar-aligned window the count belongs to. */
  readonly windowStartMs: number;
  readonly windowMs: number;
}

export interface RateLimitSnapshot {
  /** "used-weight-1m", "order-count-10s", ... -> last count seen in its current window. */
  readonly counts: Readonly<Record<string, number>>;
  readonly blockedUntilMs: number;
}

export class RateLimitBook {
  #counts = new Map<string, Count>();
  #blockedUntilMs = 0;

  constructor(private readonly limits: RateLimitConfig = BINANCE_SPOT_LIMITS) {}

  /**
   * Records the counters of one answer; `retryAfterSec` (from a 429/418) blocks every request until
   * then. Windows align to the venue's clock: `serverOffsetMs` is venue time minus local time.
   */
  observe(headers: Headers, nowMs: number, retryAfterSec: number | null = null, serverOffsetMs = 0): void {
    for (const [name, raw] of headers) {
      const m = HEADER_RE.exec(name);
      const value = Number(raw);
      if (!m || !Number.isFinite(value)) continue;
      const windowMs = Number(m[2]) * UNIT_MS[m[3].toUpperCase()];
      const key = `${m[1].toLowerCase()}-${m[2]}${m[3].toLowerCase()}`;
      this.#counts.set(key, { value, windowStartMs: windowStart(nowMs, windowMs, serverOffsetMs), windowMs });
    }
    if (retryAfterSec !== null && retryAfterSec >= 0) {
      this.#blockedUntilMs = Math.max(this.#blockedUntilMs, nowMs + retryAfterSec * 1000);
    }
  }

  /** Blocks until `atMs` (a Retry-After read elsewhere, e.g. the WebSocket API's data.retryAfter). */
  blockUntil(atMs: number): void {
    this.#blockedUntilMs = Math.max(this.#blockedUntilMs, atMs);
  }

  /** null when a request may go out now, else the earliest time it may. */
  holdUntil(nowMs: number, isOrder: boolean): number | null {
    let until = this.#blockedUntilMs > nowMs ? this.#blockedUntilMs : 0;
    const full = (key: string, limit: number) => {
      const c = this.#counts.get(key);
      if (c && c.value >= limit && nowMs < c.windowStartMs + c.windowMs) {
        until = Math.max(until, c.windowStartMs + c.windowMs);
      }
    };
    full("used-weight-1m", this.limits.weightPerMinute);
    if (isOrder) {
      full("order-count-10s", this.limits.ordersPer10s);
      full("order-count-1d", this.limits.ordersPerDay);
    }
    return until > nowMs ? until : null;
  }

  /** Every counter's last value, its window over or not (what the venue said last, for logs and tests). */
  lastSeen(): Readonly<Record<string, number>> {
    return Object.fromEntries([...this.#counts].map(([k, c]) => [k, c.value]));
  }

  /** The counters of windows still current at `nowMs` (for metrics), and the Retry-After block. */
  snapshot(nowMs: number): RateLimitSnapshot {
    const counts: Record<string, number> = {};
    for (const [k, c] of this.#counts) if (nowMs < c.windowStartMs + c.windowMs) counts[k] = c.value;
    return { counts, blockedUntilMs: this.#blockedUntilMs };
  }
}

/** Start (local ms) of the window of `windowMs` holding `nowMs`, calendar-aligned on the venue's clock. */
function windowStart(nowMs: number, windowMs: number, serverOffsetMs: number): number {
  const server = nowMs + serverOffsetMs;
  return server - (((server % windowMs) + windowMs) % windowMs) - serverOffsetMs;
}

/**
 * The hold after a 429/418 that named no Retry-After: the end of the venue's current 1-minute weight
 * window (`serverOffsetMs` known), else 60 s from now.
 */
export function defaultHoldUntil(nowMs: number, serverOffsetMs: number | null): number {
  if (serverOffsetMs === null) return nowMs + 60_000;
  return windowStart(nowMs, 60_000, serverOffsetMs) + 60_000;
}

/** Retry-After in seconds from a header value (integer seconds; an HTTP date is read too), or null. */
export function retryAfterSec(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === "") return null;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - nowMs) / 1000)) : null;
}
