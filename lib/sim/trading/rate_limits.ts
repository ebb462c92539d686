// Binance's rate limits as the simulator enforces them (binance_trading.md §4): request weight per IP
// per calendar minute, new orders per account per 10 s and per UTC day, all windows calendar-aligned.
// Over a limit: HTTP 429 with Retry-After (seconds to the window's reset); an IP that keeps going
// after `banAfter` 429s in one window is banned: HTTP 418 until the ban ends. Pure: time is passed.
// Not lib/util/sliding_window.ts: Binance's windows reset on calendar boundaries, and this emulates that.
import type { VenueError } from "./errors.ts";

export interface RateLimitConfig {
  readonly weightPerMinute: number;
  readonly ordersPer10s: number;
  readonly ordersPerDay: number;
  /** 429s answered in one minute window before the IP is banned (418). */
  readonly banAfter: number;
  /** Length of a ban, ms (Binance starts at 2 minutes). */
  readonly banMs: number;
}

/** The documented example values (exchangeInfo is authoritative on the real venue). */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  weightPerMinute: 6000,
  ordersPer10s: 50,
  ordersPerDay: 160_000,
  banAfter: 3,
  banMs: 120_000,
};

const MINUTE = 60_000, TEN_S = 10_000, DAY = 86_400_000;

/** A refusal with the seconds a client must wait. */
export interface Limited extends VenueError {
  readonly retryAfterS: number;
}

class Window {
  start = -1;
  count = 0;
  constructor(readonly ms: number) {}
  /** Count after adding n in the window holding `now` (a new window starts from zero). */
  add(now: number, n: number): number {
    const start = now - (now % this.ms);
    if (start !== this.start) (this.start = start, this.count = 0);
    return this.count += n;
  }
  retryAfterS(now: number): number {
    return Math.max(1, Math.ceil((this.start + this.ms - now) / 1000));
  }
}

export class RateLimiter {
  readonly cfg: RateLimitConfig;
  readonly #weight = new Map<string, { w: Window; over: number; bannedUntil: number }>();
  readonly #orders = new Map<string, { s10: Window; d1: Window }>();

  constructor(cfg: RateLimitConfig = DEFAULT_RATE_LIMITS) {
    this.cfg = cfg;
  }

  /** Adds a request's weight for `ip`: the used weight, or 429 / 418. */
  request(ip: string, weight: number, now: number): { used: number } | Limited {
    let s = this.#weight.get(ip);
    if (!s) this.#weight.set(ip, s = { w: new Window(MINUTE), over: 0, bannedUntil: 0 });
    if (now < s.bannedUntil) return banned(s.bannedUntil, now);
    const windowBefore = s.w.start;
    const used = s.w.add(now, weight);
    if (s.w.start !== windowBefore) s.over = 0;
    if (used <= this.cfg.weightPerMinute) return { used };
    if (++s.over > this.cfg.banAfter) {
      s.bannedUntil = now + this.cfg.banMs;
      return banned(s.bannedUntil, now);
    }
    return {
      http: 429,
      code: -1003,
      msg:
        `Too much request weight used; current limit is ${this.cfg.weightPerMinute} request weight per 1 MINUTE. ` +
        "Please use WebSocket Streams for live updates to avoid polling the API.",
      retryAfterS: s.w.retryAfterS(now),
    };
  }

  /** Counts a new order for `account`: both counts, or 429 -1015 naming the limit hit. */
  order(account: string, now: number): { count10s: number; count1d: number } | Limited {
    let s = this.#orders.get(account);
    if (!s) this.#orders.set(account, s = { s10: new Window(TEN_S), d1: new Window(DAY) });
    const count10s = s.s10.add(now, 1), count1d = s.d1.add(now, 1);
    if (count10s > this.cfg.ordersPer10s) {
      return tooMany(this.cfg.ordersPer10s, "10 SECOND", s.s10.retryAfterS(now));
    }
    if (count1d > this.cfg.ordersPerDay) {
      return tooMany(this.cfg.ordersPerDay, "1 DAY", s.d1.retryAfterS(now));
    }
    return { count10s, count1d };
  }

  /**
   * An order's first fill takes it off the unfilled-order count (Binance decrements it), in the windows
   * it was counted in if they are still current.
   */
  filled(account: string, placedAt: number, now: number): void {
    const s = this.#orders.get(account);
    if (!s) return;
    for (const w of [s.s10, s.d1]) {
      if (w.start === placedAt - (placedAt % w.ms) && w.start === now - (now % w.ms) && w.count > 0) {
        w.count--;
      }
    }
  }

  /** GET /api/v3/rateLimit/order: the account's current unfilled-order counts. */
  orderCounts(account: string, now: number): Record<string, unknown>[] {
    const s = this.#orders.get(account);
    const count = (w: Window | undefined) => w && w.start === now - (now % w.ms) ? w.count : 0;
    return [
      {
        rateLimitType: "ORDERS",
        interval: "SECOND",
        intervalNum: 10,
        limit: this.cfg.ordersPer10s,
        count: count(s?.s10),
      },
      {
        rateLimitType: "ORDERS",
        interval: "DAY",
        intervalNum: 1,
        limit: this.cfg.ordersPerDay,
        count: count(s?.d1),
      },
    ];
  }

  /** exchangeInfo's rateLimits. */
  describe(): Record<string, unknown>[] {
    return [
      {
        rateLimitType: "REQUEST_WEIGHT",
        interval: "MINUTE",
        intervalNum: 1,
        limit: this.cfg.weightPerMinute,
      },
      { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: this.cfg.ordersPer10s },
      { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: this.cfg.ordersPerDay },
    ];
  }
}

function tooMany(limit: number, per: string, retryAfterS: number): Limited {
  return {
    http: 429,
    code: -1015,
    msg: `Too many new orders; current limit is ${limit} orders per ${per}.`,
    retryAfterS,
  };
}

function banned(until: number, now: number): Limited {
  return {
    http: 418,
    code: -1003,
    msg: `Way too much request weight used; IP banned until ${until}. ` +
      "Please use WebSocket Streams for live updates to avoid bans.",
    retryAfterS: Math.max(1, Math.ceil((until - now) / 1000)),
  };
}
