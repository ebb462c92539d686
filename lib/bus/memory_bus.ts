// The in-process market bus (BUS_URL unset): the same contract as the JetStream one, kept in memory —
// per-stream sequences from 1, a duplicate window on message ids (two publishers of one bar in this
// process store it once), retention by age, and subscribers that start from a sequence and then
// follow live bars, as the feed's SSE ring lets a client resume from Last-Event-ID. Publishes go
// through the same bounded outbox; here the send never fails, so the outbox only bounds the burst.
import type { Clock } from "../async/poll.ts";
import { realClock } from "../async/poll.ts";
import type { ClosedBar, Trade } from "../market/types.ts";
import { BUS_DEFAULTS, type BusConfig, type StreamSettings } from "./bus_config.ts";
import type { BarFilter, BusBar, MarketBus, PublishAck, SubscribeOptions } from "./market_bus.ts";
import { Outbox, type OutboxStats } from "./outbox.ts";
import { barFilterSubject, barMsgId, barSubject, revisionOf, tradeMsgId, tradeSubject } from "./subjects.ts";

interface Entry<T> {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string;
  readonly atMs: number;
  readonly value: T;
}

interface Message<T> {
  readonly subject: string;
  readonly msgId: string;
  readonly value: T;
}

/** `md.bars.*.BTC-USDT.1m` matches `md.bars.binance.BTC-USDT.1m`: `*` is one whole token. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split("."), s = subject.split(".");
  return f.length === s.length && f.every((t, i) => t === "*" || t === s[i]);
}

/** One stream: an append-only log with contiguous sequences, a duplicate window and retention. */
class MemoryStream<T> {
  readonly #log: Entry<T>[] = [];
  readonly #seen = new Map<string, { seq: number; atMs: number }>();
  #lastSeq = 0;
  #wake: (() => void)[] = [];
  closed = false;

  constructor(private readonly settings: StreamSettings, private readonly clock: Clock) {}

  append(m: Message<T>): PublishAck {
    const now = this.clock.now();
    this.#expire(now);
    const seen = this.#seen.get(m.msgId);
    if (seen !== undefined) return { seq: seen.seq, duplicate: true };
    const seq = ++this.#lastSeq;
    this.#log.push({ seq, subject: m.subject, msgId: m.msgId, atMs: now, value: m.value });
    this.#seen.set(m.msgId, { seq, atMs: now });
    for (const w of this.#wake.splice(0)) w();
    return { seq, duplicate: false };
  }

  #expire(now: number): void {
    for (const [id, s] of this.#seen) {
      if (s.atMs > now - this.settings.duplicateWindowMs) break; // insertion order is time order
      this.#seen.delete(id);
    }
    let n = 0;
    while (n < this.#log.length && this.#log[n].atMs <= now - this.settings.maxAgeMs) n++;
    if (n > 0) this.#log.splice(0, n);
  }

  /** Entries from sequence `from` on (the oldest retained when `from` has expired). */
  from(from: number): Entry<T>[] {
    this.#expire(this.clock.now());
    const first = this.#log.length > 0 ? this.#log[0].seq : this.#lastSeq + 1;
    return this.#log.slice(Math.max(0, from - first));
  }

  /** Resolves on the next append, on close, or when the signal aborts. */
  changed(signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#wake.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  close(): void {
    this.closed = true;
    for (const w of this.#wake.splice(0)) w();
  }
}

export interface MemoryBusOptions {
  readonly config?: BusConfig;
  /** Time for the duplicate window and retention (default: the wall clock). */
  readonly clock?: Clock;
}

export class MemoryBus implements MarketBus {
  readonly #trades: MemoryStream<Trade>;
  readonly #bars: MemoryStream<ClosedBar>;
  readonly #outbox: Outbox<() => PublishAck, PublishAck>;
  #closing: Promise<void> | null = null;

  constructor(opts: MemoryBusOptions = {}) {
    const config = opts.config ?? BUS_DEFAULTS;
    const clock = opts.clock ?? realClock;
    this.#trades = new MemoryStream(config.trades, clock);
    this.#bars = new MemoryStream(config.bars, clock);
    this.#outbox = new Outbox((append) => Promise.resolve(append()), config.outbox);
  }

  publishTrade(t: Trade): Promise<PublishAck> {
    try {
      const m = { subject: tradeSubject(t.venue, t.symbol), msgId: tradeMsgId(t), value: t };
      return this.#outbox.publish(() => this.#trades.append(m));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  publishBar(b: ClosedBar, revision = 0): Promise<PublishAck> {
    try {
      const m = {
        subject: barSubject(b.venue, b.symbol, b.interval),
        msgId: barMsgId(b, revision),
        value: b,
      };
      return this.#outbox.publish(() => this.#bars.append(m));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async *subscribeBars(opts: SubscribeOptions = {}): AsyncIterable<BusBar> {
    const filter = barFilterSubject(opts.filter);
    let next = Math.max(1, opts.fromSeq ?? 1);
    while (!opts.signal?.aborted && !this.#bars.closed) {
      const changed = this.#bars.changed(opts.signal);
      for (const e of this.#bars.from(next)) {
        next = e.seq + 1;
        if (!subjectMatches(filter, e.subject)) continue;
        yield { seq: e.seq, subject: e.subject, msgId: e.msgId, revision: revisionOf(e.msgId), bar: e.value };
        if (opts.signal?.aborted) return;
      }
      await changed;
    }
  }

  lastBarSeq(filter?: BarFilter): Promise<number> {
    const f = barFilterSubject(filter);
    const hit = this.#bars.from(1).findLast((e) => subjectMatches(f, e.subject));
    return Promise.resolve(hit?.seq ?? 0);
  }

  outboxStats(): OutboxStats {
    return this.#outbox.stats();
  }

  close(drainMs?: number): Promise<void> {
    return this.#closing ??= (async () => {
      await this.#outbox.close(drainMs);
      this.#trades.close();
      this.#bars.close();
    })();
  }
}
