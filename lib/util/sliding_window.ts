// The one sliding window for "at most N in any T ms": a log of event times, an event counting while
// t > now - windowMs, so a slot frees exactly windowMs after its event (no boundary resets). Used by the
// orders-per-second risk check (lib/live/submitter.ts) and the admin port's limits (lib/live/shell.ts);
// the venue's calendar-aligned windows (lib/trading/rate_limits.ts, lib/sim/trading/rate_limits.ts) are
// another mechanism on purpose. Pure: time is a parameter, never read here.

/** Event times inside one sliding window. */
export class SlidingLog {
  #times: number[] = [];

  constructor(readonly windowMs: number) {}

  /** Events inside the window ending at `nowMs` (older ones are dropped). */
  count(nowMs: number): number {
    this.#times = this.#inside(nowMs);
    return this.#times.length;
  }

  add(atMs: number): void {
    this.#times.push(atMs);
  }

  /** Takes back one event booked at `atMs` (a reservation that did not happen); false when none is. */
  remove(atMs: number): boolean {
    const i = this.#times.lastIndexOf(atMs);
    if (i >= 0) this.#times.splice(i, 1);
    return i >= 0;
  }

  /** ms from `nowMs` until fewer than `max` events are inside the window (0: already). */
  waitMs(max: number, nowMs: number): number {
    const inside = this.#inside(nowMs);
    return inside.length < max ? 0 : inside[inside.length - max] + this.windowMs - nowMs;
  }

  #inside(nowMs: number): number[] {
    return this.#times.filter((t) => t > nowMs - this.windowMs);
  }
}

/** A limiter's state as /health shows it. */
export interface WindowView {
  /** Used / allowed of the busiest key in its current window, 0..1 (1: a key is at its limit). */
  readonly utilisation: number;
  /** Keys at their limit now, sorted. */
  readonly saturatedKeys: readonly string[];
}

/**
 * At most `max` events per key (e.g. a client address) in any `windowMs`: a SlidingLog per key. Keys
 * whose events all aged out are dropped, and at most `maxKeys` are kept (the least recently booked go
 * first), so a flood of keys cannot grow it without bound.
 */
export class WindowLimiter {
  #logs = new Map<string, SlidingLog>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly maxKeys = 1024,
  ) {}

  /** Books one event at `nowMs`; false (nothing booked) when the key is at its limit. */
  take(key: string, nowMs: number): boolean {
    this.#prune(nowMs);
    const log = this.#logs.get(key) ?? new SlidingLog(this.windowMs);
    if (log.count(nowMs) >= this.max) return false;
    log.add(nowMs);
    this.#logs.delete(key); // re-insert: Map order is recency, the oldest key is evicted first
    this.#logs.set(key, log);
    if (this.#logs.size > this.maxKeys) this.#logs.delete(this.#logs.keys().next().value!);
    return true;
  }

  /** ms until `key` may book again (0: now). */
  retryAfterMs(key: string, nowMs: number): number {
    return this.#logs.get(key)?.waitMs(this.max, nowMs) ?? 0;
  }

  view(nowMs: number): WindowView {
    this.#prune(nowMs);
    let busiest = 0;
    const saturated: string[] = [];
    for (const [k, log] of this.#logs) {
      const n = log.count(nowMs);
      busiest = Math.max(busiest, n);
      if (n >= this.max) saturated.push(k);
    }
    return { utilisation: busiest / this.max, saturatedKeys: saturated.sort() };
  }

  #prune(nowMs: number): void {
    for (const [k, log] of this.#logs) if (log.count(nowMs) === 0) this.#logs.delete(k);
  }
}
