// The store writer's loop: bars from the bus, in stream order, upserted into the PostgreSQL store in
// batches, each batch's last stream sequence recorded in the same transaction (upsertBarsAt). It
// resumes from that recorded sequence + 1 with an ordered consumer, never from a server-side durable
// consumer's ack state, which nats-server 2.9.10 was seen to lose (issue 14). Redelivery is harmless:
// the upsert is by primary key, and within and across batches a later stream message for a key
// replaces the earlier one (a repaired bar's revision). A message that is no valid bar is counted,
// logged and skipped, its sequence recorded with the batch it falls in. A failed write is retried with
// backoff until it lands or the writer is stopped; a stop abandons the batch being gathered (nothing of
// it is recorded, so it is read again) and lets a transaction in flight finish.
import { type Backoff, backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";
import type { BusBar, SubscribeOptions } from "../bus/market_bus.ts";
import type { Logger } from "../log.ts";
import type { ClosedBar } from "../market/types.ts";
import type { PositionedBarStore } from "../store/bar_store_api.ts";
import { storeProblem } from "../store/bar_row.ts";
import { BatchQueue } from "./batch_queue.ts";

/** What the writer reads: the bus's bars from a sequence, and how far the stream goes. */
export interface WriterSource {
  subscribeBars(opts: SubscribeOptions): AsyncIterable<BusBar>;
  /** The bars stream's last sequence (for the lag). */
  streamLastSeq(): Promise<number>;
}

export interface StoreWriterOptions {
  readonly consumer: string;
  readonly batchSize: number;
  readonly batchWaitMs: number;
  readonly log: Logger;
  /** Delay between attempts of a failed write (default 250 ms doubling to 10 s, equal jitter). */
  readonly retry?: Backoff;
  /** Each applied batch: its duration in seconds and rows (for the histogram). */
  readonly onBatch?: (seconds: number, rows: number) => void;
}

export interface WriterStats {
  /** The last stream sequence recorded in the store (0 before the first batch). */
  readonly appliedSeq: number;
  /** The stream's last sequence as last asked (0 until known). */
  readonly streamLastSeq: number;
  readonly rows: number;
  readonly batches: number;
  readonly badMessages: number;
  readonly writeErrors: number;
  /** The last write failed and is being retried. */
  readonly failing: boolean;
  readonly lastError: string | null;
  /** Reading from the position in the store has begun. */
  readonly started: boolean;
}

interface Item {
  readonly seq: number;
  readonly bar: ClosedBar | null;
  /** Why it is no bar (bar null). */
  readonly why?: string;
}

const RETRY: Backoff = { baseMs: 250, maxMs: 10_000, jitter: "equal" };

export class StoreWriter {
  #s = {
    appliedSeq: 0,
    streamLastSeq: 0,
    rows: 0,
    batches: 0,
    badMessages: 0,
    writeErrors: 0,
    failing: false,
    lastError: null as string | null,
    started: false,
  };

  constructor(
    private readonly source: WriterSource,
    private readonly store: PositionedBarStore,
    private readonly opts: StoreWriterOptions,
  ) {}

  stats(): WriterStats {
    return { ...this.#s };
  }

  /** Asks the stream how far it goes; keeps the last answer when it does not answer. */
  async refreshStreamLastSeq(): Promise<number> {
    try {
      this.#s.streamLastSeq = await this.source.streamLastSeq();
    } catch (err) {
      this.opts.log("warn", "bars stream info did not answer", { error: String(err) });
    }
    return this.#s.streamLastSeq;
  }

  /** Runs until the signal aborts (resolves) or reading the bus fails for good (rejects). */
  async run(signal: AbortSignal): Promise<void> {
    const from = (await this.store.lastSequence(this.opts.consumer)) ?? 0;
    this.#s.appliedSeq = from;
    this.#s.started = true;
    this.opts.log("info", "store writer reading the bus", {
      consumer: this.opts.consumer,
      fromSeq: from + 1,
    });
    const queue = new BatchQueue<Item>(Math.max(2 * this.opts.batchSize, 100));
    const reading = new AbortController();
    const stopReading = () => reading.abort();
    signal.addEventListener("abort", stopReading, { once: true });
    const reader = (async () => {
      const bars = this.source.subscribeBars({
        fromSeq: from + 1,
        signal: reading.signal,
        onBadMessage: (m) => queue.pushNow({ seq: m.seq, bar: null, why: m.error }),
      });
      for await (const m of bars) await queue.push({ seq: m.seq, bar: m.bar });
    })().then(() => queue.end(), (err) => queue.end(err));
    try {
      while (!signal.aborted) {
        const batch = await queue.take(this.opts.batchSize, this.opts.batchWaitMs, signal);
        if (batch === null) break;
        // Stopped while gathering: the batch is abandoned whole and read again after a restart.
        if (signal.aborted || batch.length === 0) break;
        await this.apply(batch, signal);
      }
    } finally {
      signal.removeEventListener("abort", stopReading);
      reading.abort();
      await reader;
    }
  }

  /** One transaction: the batch's bars and its last sequence; retried until it lands or the stop. */
  private async apply(batch: readonly Item[], signal: AbortSignal): Promise<void> {
    const bars: ClosedBar[] = [];
    let bad = 0;
    for (const it of batch) {
      const why = it.bar === null ? it.why : storeProblem(it.bar);
      if (why === null || why === undefined) bars.push(it.bar!);
      else {
        bad++;
        this.opts.log("warn", "bad bus message skipped", { seq: it.seq, error: why });
      }
    }
    const at = { consumer: this.opts.consumer, seq: batch[batch.length - 1].seq };
    for (let attempt = 0;; attempt++) {
      const t0 = performance.now();
      try {
        await this.store.upsertBarsAt(bars, at);
        this.opts.onBatch?.((performance.now() - t0) / 1000, bars.length);
        break;
      } catch (err) {
        this.#s.writeErrors++;
        this.#s.failing = true;
        this.#s.lastError = err instanceof Error ? err.message : String(err);
        this.opts.log("error", "store write failed; trying the batch again", {
          error: this.#s.lastError,
          rows: bars.length,
          seq: at.seq,
          attempt: attempt + 1,
        });
        await sleep(backoffDelayMs(attempt, this.opts.retry ?? RETRY), signal);
        if (signal.aborted) return; // abandoned: nothing of it was recorded
      }
    }
    this.#s.failing = false;
    this.#s.appliedSeq = Math.max(this.#s.appliedSeq, at.seq);
    this.#s.rows += bars.length;
    this.#s.batches++;
    this.#s.badMessages += bad;
  }
}
