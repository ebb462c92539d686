// The market bus on NATS JetStream: trades to stream MD_TRADES (`md.trades.>`), bars to MD_BARS
// (`md.bars.>`), file storage, retention and duplicate windows from BusConfig. Every publish carries
// its message id (subjects.ts), so a resend by the outbox, a restarted feed, or a second feed on the
// same venue lands once. Subscribers read MD_BARS with an ordered consumer from the sequence they
// keep themselves, never from a server-side durable position.
import type { ClosedBar, Trade } from "../market/types.ts";
import type { BusConfig } from "./bus_config.ts";
import {
  type BusBar,
  decodeBar,
  encodeBar,
  encodeTrade,
  type MarketBus,
  type PublishAck,
} from "./market_bus.ts";
import type { BarFilter, SubscribeOptions } from "./market_bus.ts";
import { connectNats, type NatsSession, retryablePublishError, type StreamSpec } from "./nats_client.ts";
import { Outbox, type OutboxStats } from "./outbox.ts";
import {
  barFilterSubject,
  barMsgId,
  BARS_PREFIX,
  barSubject,
  revisionOf,
  tradeMsgId,
  TRADES_PREFIX,
  tradeSubject,
} from "./subjects.ts";

interface Outgoing {
  readonly subject: string;
  readonly msgId: string;
  readonly data: Uint8Array;
}

/** The two streams a bus config asks for. */
export function busStreams(config: BusConfig): { trades: StreamSpec; bars: StreamSpec } {
  return {
    trades: { ...config.trades, subjects: [`${TRADES_PREFIX}.>`] },
    bars: { ...config.bars, subjects: [`${BARS_PREFIX}.>`] },
  };
}

export interface JetStreamBusOptions {
  /** Called before each resend of a publish (for a log line or a metric). */
  readonly onRetry?: (err: unknown, failures: number) => void;
}

export class JetStreamBus implements MarketBus {
  readonly #outbox: Outbox<Outgoing, PublishAck>;
  #badBars = 0;
  #closing: Promise<void> | null = null;

  private constructor(
    private readonly session: NatsSession,
    private readonly config: BusConfig,
    opts: JetStreamBusOptions,
  ) {
    this.#outbox = new Outbox(
      (m) => session.publish(m.subject, m.data, m.msgId, config.outbox.ackTimeoutMs),
      { ...config.outbox, retryable: retryablePublishError, onRetry: opts.onRetry },
    );
  }

  /** Connects to config.url and makes sure both streams exist with the configured limits. */
  static async open(config: BusConfig, opts: JetStreamBusOptions = {}): Promise<JetStreamBus> {
    if (config.url === null) throw new TypeError("bus: JetStreamBus needs a BUS_URL (nats://host:port)");
    const session = await connectNats(config.url.split(",").map((u) => u.trim()), { name: "tickproof-bus" });
    try {
      const streams = busStreams(config);
      await session.ensureStream(streams.trades);
      await session.ensureStream(streams.bars);
    } catch (err) {
      await session.close();
      throw err;
    }
    return new JetStreamBus(session, config, opts);
  }

  publishTrade(t: Trade): Promise<PublishAck> {
    try {
      return this.#outbox.publish({
        subject: tradeSubject(t.venue, t.symbol),
        msgId: tradeMsgId(t),
        data: encodeTrade(t),
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  publishBar(b: ClosedBar, revision = 0): Promise<PublishAck> {
    try {
      return this.#outbox.publish({
        subject: barSubject(b.venue, b.symbol, b.interval),
        msgId: barMsgId(b, revision),
        data: encodeBar(b),
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async *subscribeBars(opts: SubscribeOptions = {}): AsyncIterable<BusBar> {
    const filter = barFilterSubject(opts.filter);
    const messages = this.session.read(this.config.bars.name, filter, opts.fromSeq ?? 1, opts.signal);
    for await (const m of messages) {
      let bar;
      try {
        bar = decodeBar(m.data, m.seq);
      } catch (err) {
        // One bad message (another publisher, a hand-made one) must not stop every consumer for good:
        // it is skipped, counted here and reported to the subscriber, which moves past it.
        this.#badBars++;
        const error = err instanceof Error ? err.message : String(err);
        opts.onBadMessage?.({ seq: m.seq, subject: m.subject, msgId: m.msgId, error });
        continue;
      }
      yield { seq: m.seq, subject: m.subject, msgId: m.msgId, revision: revisionOf(m.msgId), bar };
    }
  }

  /** Bar messages skipped by this bus's subscriptions because they were no closed bar. */
  badBars(): number {
    return this.#badBars;
  }

  outboxStats(): OutboxStats {
    return this.#outbox.stats();
  }

  lastBarSeq(filter?: BarFilter): Promise<number> {
    return this.session.lastSeq(this.config.bars.name, barFilterSubject(filter));
  }

  /** The stream's message count, sequences, replicas and leader (for checks and the runbook). */
  streamState(kind: "trades" | "bars") {
    return this.session.streamState(this.config[kind].name);
  }

  close(drainMs?: number): Promise<void> {
    return this.#closing ??= (async () => {
      await this.#outbox.close(drainMs);
      await this.session.close();
    })();
  }
}
