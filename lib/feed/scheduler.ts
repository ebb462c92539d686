// The feed's timers, registered through one scheduler over an injected timer source: the service
// asks for periodic work and one-shot cutoffs here, stop() clears them all, and tests drive time
// with a manual source instead of waiting.
/** Where timers come from: the runtime's by default, a manual clock in tests. Ids are opaque. */
export interface TimerSource {
  setInterval(f: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

type RuntimeId = ReturnType<typeof setInterval>;

export const RUNTIME_TIMERS: TimerSource = {
  setInterval: (f, ms) => setInterval(f, ms),
  clearInterval: (id) => clearInterval(id as RuntimeId),
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (id) => clearTimeout(id as RuntimeId),
};

export class Scheduler {
  private readonly timers: TimerSource;
  private readonly onError: (err: unknown) => void;
  private readonly intervals = new Set<unknown>();
  private readonly timeouts = new Set<unknown>();

  /** `onError`: a periodic job that throws is reported there and runs again next period. */
  constructor(onError: (err: unknown) => void, timers: TimerSource = RUNTIME_TIMERS) {
    this.onError = onError;
    this.timers = timers;
  }

  /** Runs `f` every `ms` until stop(). */
  every(ms: number, f: () => void): void {
    this.intervals.add(this.timers.setInterval(() => {
      try {
        f();
      } catch (err) {
        this.onError(err);
      }
    }, ms));
  }

  /** Runs `f` once after `ms` unless cancelled (the returned function) or stopped first. */
  after(ms: number, f: () => void): () => void {
    const id = this.timers.setTimeout(() => {
      this.timeouts.delete(id);
      f();
    }, ms);
    this.timeouts.add(id);
    return () => {
      if (this.timeouts.delete(id)) this.timers.clearTimeout(id);
    };
  }

  /** Timers still registered (periodic and pending one-shots). */
  get active(): number {
    return this.intervals.size + this.timeouts.size;
  }

  /** Clears every periodic job and pending one-shot. */
  stop(): void {
    for (const id of this.intervals) this.timers.clearInterval(id);
    for (const id of this.timeouts) this.timers.clearTimeout(id);
    this.intervals.clear();
    this.timeouts.clear();
  }
}
