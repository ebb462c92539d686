// The market bus: what a feed publishes (trades, closed bars) and what a consumer reads (bars, from a
// position it keeps itself). Two implementations behind one interface: in-process (memory_bus.ts, the
// single-machine default, like the feed's own closed-bar fan-out) and NATS JetStream
// (jetstream_bus.ts). A bar travels as the same JSON the feed's SSE stream carries; a corrected bar is
// published again under a new revision, and consumers replace the bar they hold for its key.
import { parseClosedBar } from "../market/closed_bar_schema.ts";
import type { ClosedBar, Trade } from "../market/types.ts";
import type { OutboxStats } from "./outbox.ts";
import type { BarFilter } from "./subjects.ts";

export type { BarFilter } from "./subjects.ts";

/** The bus took a message: its stream sequence, or the sequence of the copy it already had. */
export interface PublishAck {
  readonly seq: number;
  /** The message id was already in the stream's duplicate window: nothing new was stored. */
  readonly duplicate: boolean;
}

/** A bar read from the bus with its position: resume after `seq` to continue from here. */
export interface BusBar {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string;
  /** 0 as first published; higher for a repaired bar. */
  readonly revision: number;
  readonly bar: ClosedBar;
}

/** A message on the bars stream that is no closed bar: skipped, never the end of a subscription. */
export interface BadBusMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string;
  /** Why it was refused (one line naming the sequence). */
  readonly error: string;
}

export interface SubscribeOptions {
  /** First stream sequence to deliver (default 1: everything retained). */
  readonly fromSeq?: number;
  readonly filter?: BarFilter;
  /** Ends the iteration (also ended by breaking out of the loop). */
  readonly signal?: AbortSignal;
  /**
   * Told of each skipped bad message, in stream order before the next bar is yielded, so a consumer
   * can count it and move its position past it. The in-process bus holds decoded bars: it has none.
   */
  readonly onBadMessage?: (m: BadBusMessage) => void;
}

export interface MarketBus {
  /** Publishes a trade through the outbox; rejects at once on a bad subject token or a full outbox. */
  publishTrade(t: Trade): Promise<PublishAck>;
  /** Publishes a closed bar (revision 0) or a repaired one (revision >= 1) through the outbox. */
  publishBar(b: ClosedBar, revision?: number): Promise<PublishAck>;
  /** Bars in stream order from `fromSeq`, then live ones, until the signal aborts or the loop ends. */
  subscribeBars(opts?: SubscribeOptions): AsyncIterable<BusBar>;
  /** The stream sequence of the newest bar matching `filter` (0 when none): where a consumer's lag ends. */
  lastBarSeq(filter?: BarFilter): Promise<number>;
  /** The outbox's depth and counters (a full outbox is an alert, never a silent drop). */
  outboxStats(): OutboxStats;
  /** Drains the outbox (up to drainMs), then releases everything; safe to call twice. */
  close(drainMs?: number): Promise<void>;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeBar(b: ClosedBar): Uint8Array {
  return enc.encode(JSON.stringify(b));
}

export function encodeTrade(t: Trade): Uint8Array {
  return enc.encode(JSON.stringify(t));
}

/** A bar message that is not a valid ClosedBar; `seq` lets a consumer count it and read on after it. */
export class BarMessageError extends SyntaxError {
  constructor(readonly seq: number, message: string) {
    super(message);
    this.name = "BarMessageError";
  }
}

/** A bar message's payload; a BarMessageError naming the sequence when it is not a valid ClosedBar. */
export function decodeBar(data: Uint8Array, seq: number): ClosedBar {
  let value: unknown;
  try {
    value = JSON.parse(dec.decode(data));
  } catch (err) {
    throw new BarMessageError(
      seq,
      `bus: bar message ${seq} is not JSON: ${err instanceof Error ? err.message : err}`,
    );
  }
  const r = parseClosedBar(value);
  if (!r.ok) throw new BarMessageError(seq, `bus: bar message ${seq} is not a closed bar: ${r.error}`);
  return r.value;
}
