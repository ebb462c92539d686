// Between the bus reader and the store: a bounded FIFO the reader pushes into (waiting while it is
// full, so a slow store slows the reading instead of filling memory) and the writer takes batches from:
// up to `max` items, as soon as `max` are there or `waitMs` after the first one arrived. Timers are
// injected so a test drives them.
import { realTimers, type Timers } from "../async/sleep.ts";

export class BatchQueue<T> {
  readonly #items: T[] = [];
  #ended = false;
  #error: unknown = null;
  #wakeTaker: (() => void) | null = null;
  #wakePushers: (() => void)[] = [];

  constructor(private readonly capacity: number, private readonly timers: Timers = realTimers) {}

  get size(): number {
    return this.#items.length;
  }

  /** Adds an item, waiting while the queue is full. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.capacity && !this.#ended) {
      await new Promise<void>((r) => this.#wakePushers.push(r));
    }
    this.pushNow(item);
  }

  /** Adds an item even when full (for the few a synchronous callback reports). */
  pushNow(item: T): void {
    this.#items.push(item);
    this.#wakeTaker?.();
  }

  /** No more items; the taker gets what is left, then null (or `error` thrown). */
  end(error: unknown = null): void {
    this.#ended = true;
    this.#error = error;
    this.#wakeTaker?.();
    for (const w of this.#wakePushers.splice(0)) w();
  }

  /**
   * The next batch: waits for a first item (or the end, or the signal), then for up to `waitMs` more
   * until `max` are there. Null once ended and empty; [] when the signal aborted first.
   */
  async take(max: number, waitMs: number, signal?: AbortSignal): Promise<T[] | null> {
    if (this.#items.length === 0) {
      await this.#until(() => this.#items.length > 0 || this.#ended, Infinity, signal);
      if (this.#items.length === 0) {
        if (this.#error !== null) throw this.#error;
        return this.#ended ? null : [];
      }
    }
    await this.#until(() => this.#items.length >= max || this.#ended, waitMs, signal);
    const batch = this.#items.splice(0, max);
    for (const w of this.#wakePushers.splice(0)) w();
    return batch;
  }

  /** Resolves when `ready()` holds, `ms` passed or the signal aborted. */
  async #until(ready: () => boolean, ms: number, signal?: AbortSignal): Promise<void> {
    let timedOut = false;
    const id = Number.isFinite(ms)
      ? this.timers.setTimeout(() => (timedOut = true, this.#wakeTaker?.()), ms)
      : null;
    const onAbort = () => this.#wakeTaker?.();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (!ready() && !timedOut && !signal?.aborted) {
        await new Promise<void>((r) => (this.#wakeTaker = r));
      }
    } finally {
      this.#wakeTaker = null;
      if (id !== null) this.timers.clearTimeout(id);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
