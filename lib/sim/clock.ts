// Simulated time: runs `speed` times faster than the wall clock from a fixed simulated epoch.
// The wall clock is injected so tests can drive simulated time without sleeping.

export interface ClockState {
  readonly simNowMs: number;
  readonly speed: number;
  readonly wallNowMs: number;
  readonly startSimMs: number;
}

export class SimClock {
  readonly startSimMs: number;
  readonly speed: number;
  readonly #wallStartMs: number;
  readonly #wallNow: () => number;

  constructor(opts: { startSimMs: number; speed: number; wallNow?: () => number }) {
    if (!(opts.speed > 0)) throw new RangeError(`Cannot run the clock at speed ${opts.speed}: must be > 0`);
    this.startSimMs = opts.startSimMs;
    this.speed = opts.speed;
    this.#wallNow = opts.wallNow ?? Date.now;
    this.#wallStartMs = this.#wallNow();
  }

  wallNowMs(): number {
    return this.#wallNow();
  }

  /** Simulated now for a given wall instant (whole ms, never before the start). */
  simAt(wallMs: number): number {
    return this.startSimMs + Math.max(0, Math.floor((wallMs - this.#wallStartMs) * this.speed));
  }

  nowMs(): number {
    return this.simAt(this.#wallNow());
  }

  /**
   * What GET /sim/clock returns; the feed extrapolates simNow = simNowMs + (wall - wallNowMs) * speed
   * and reads it again every second (a restarted simulator starts another timeline: lib/feed/clock.ts).
   */
  state(): ClockState {
    const wallNowMs = this.#wallNow();
    return { simNowMs: this.simAt(wallNowMs), speed: this.speed, wallNowMs, startSimMs: this.startSimMs };
  }
}

/** A hand-driven wall clock for tests and one-shot runs. */
export class ManualWall {
  #ms: number;
  constructor(startMs: number) {
    this.#ms = startMs;
  }
  readonly now = (): number => this.#ms;
  advance(ms: number): void {
    this.#ms += ms;
  }
}

/** Default simulated epoch: the wall clock now, floored to a whole minute. */
export function minuteAligned(wallMs: number): number {
  return wallMs - (wallMs % 60_000);
}

/** RFC 3339 with microseconds (Kraken v2): 2024-05-31T12:00:00.123000Z. */
export function rfc3339Micros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** RFC 3339 with nanoseconds (Kraken v2 ohlc interval_begin). */
export function rfc3339Nanos(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}
