// The bounded outbox every bus publish goes through: messages are sent one at a time in the order
// given, and a failed attempt (no ack in time, the connection down, a stream leader being elected)
// is sent again, the same message with the same id, after a backoff, until the bus takes it: the
// stream's duplicate window turns a resend of something that did land into a harmless duplicate ack.
// A full outbox refuses the publish with OutboxFullError and counts it, so the caller (and an alert
// on the count) knows; nothing is ever dropped silently. A definite refusal by the server (the
// `retryable` predicate says which) fails that publish alone and the queue moves on.
import { type Backoff, backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";

/** The outbox is at capacity: this publish was refused (and counted in `full`). */
export class OutboxFullError extends Error {
  override name = "OutboxFullError";
}

/** The outbox was closed before this publish was taken by the bus. */
export class OutboxClosedError extends Error {
  override name = "OutboxClosedError";
}

export interface OutboxStats {
  /** Publishes waiting or in flight now. */
  readonly depth: number;
  /** Publishes refused because the outbox was full (since start). */
  readonly full: number;
  /** Attempts sent again after a failure. */
  readonly retries: number;
  /** Publishes the bus acknowledged (duplicates included). */
  readonly acked: number;
  /** Publishes the server refused for good (not retryable). */
  readonly rejected: number;
  /** Publishes still unsent when the outbox was closed. */
  readonly abandoned: number;
}

export interface OutboxOptions {
  readonly capacity: number;
  readonly retry: Backoff;
  /** Whether an error from `send` is worth sending again; default: every error is. */
  readonly retryable?: (err: unknown) => boolean;
  /** Called before each resend: the error and how many attempts failed so far. */
  readonly onRetry?: (err: unknown, failures: number) => void;
  readonly random?: () => number;
}

interface Item<M, A> {
  readonly msg: M;
  readonly resolve: (a: A) => void;
  readonly reject: (e: unknown) => void;
}

export class Outbox<M, A> {
  readonly #queue: Item<M, A>[] = [];
  readonly #stop = new AbortController();
  #running = false;
  #closed = false;
  #drained: (() => void) | null = null;
  #full = 0;
  #retries = 0;
  #acked = 0;
  #rejected = 0;
  #abandoned = 0;

  constructor(private readonly send: (msg: M) => Promise<A>, private readonly opts: OutboxOptions) {
    if (!Number.isSafeInteger(opts.capacity) || opts.capacity < 1) {
      throw new RangeError(`outbox capacity must be a whole number >= 1, got ${opts.capacity}`);
    }
  }

  get depth(): number {
    return this.#queue.length;
  }

  stats(): OutboxStats {
    return {
      depth: this.#queue.length,
      full: this.#full,
      retries: this.#retries,
      acked: this.#acked,
      rejected: this.#rejected,
      abandoned: this.#abandoned,
    };
  }

  /** Queues `msg`; resolves with the bus's ack once taken. Rejects at once when full or closed. */
  publish(msg: M): Promise<A> {
    if (this.#closed) return Promise.reject(new OutboxClosedError("bus outbox is closed"));
    if (this.#queue.length >= this.opts.capacity) {
      this.#full++;
      return Promise.reject(
        new OutboxFullError(`bus outbox is full (${this.opts.capacity} publishes waiting); publish refused`),
      );
    }
    return new Promise<A>((resolve, reject) => {
      this.#queue.push({ msg, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        void this.#run().catch((err) => this.#failAll(err));
      }
    });
  }

  async #run(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#stop.signal.aborted) await this.#deliver(this.#queue[0]);
    } finally {
      // In the same turn as the loop's last look at the queue: a publish never finds it "running" idle.
      this.#running = false;
    }
    this.#drained?.();
  }

  /** Sends the head item until the bus takes it, refuses it for good, or the outbox is closed. */
  async #deliver(item: Item<M, A>): Promise<void> {
    for (let failures = 0;;) {
      try {
        const ack = await this.send(item.msg);
        if (this.#stop.signal.aborted) return; // already rejected as abandoned by close()
        this.#queue.shift();
        this.#acked++;
        item.resolve(ack);
        return;
      } catch (err) {
        if (this.#stop.signal.aborted) return;
        if (!(this.opts.retryable?.(err) ?? true)) {
          this.#queue.shift();
          this.#rejected++;
          item.reject(err);
          return;
        }
        this.opts.onRetry?.(err, ++failures);
        this.#retries++;
        await sleep(backoffDelayMs(failures - 1, this.opts.retry, this.opts.random), this.#stop.signal);
        if (this.#stop.signal.aborted) return;
      }
    }
  }

  #failAll(err: unknown): void {
    for (const item of this.#queue.splice(0)) item.reject(err);
  }

  /**
   * Refuses new publishes, waits up to `drainMs` for the queued ones to be taken, then rejects what is
   * left with OutboxClosedError (counted in `abandoned`). Resolves with how many were abandoned.
   */
  async close(drainMs = 10_000): Promise<number> {
    this.#closed = true;
    if (this.#queue.length > 0) {
      const drained = new Promise<void>((resolve) => this.#drained = resolve);
      const timeout = new AbortController();
      await Promise.race([drained, sleep(drainMs, timeout.signal)]);
      timeout.abort();
    }
    this.#stop.abort();
    const left = this.#queue.length;
    this.#abandoned += left;
    this.#failAll(new OutboxClosedError(`bus outbox closed with ${left} publishes unsent`));
    return left;
  }
}
