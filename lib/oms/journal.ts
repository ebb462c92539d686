// The OMS's write path: every change is a record made durable in the event log FIRST and applied to
// the book after, in log order, through the same OmsBook.apply replay uses; so the book a boot
// rebuilds is the book the run had. New orders take the next deterministic client id and are refused
// as duplicates (known, or still waiting for their sync) before anything is logged or sent.
import type { ApplyResult, OmsBook } from "./book.ts";
import { clientIdProblem, counterOf, nextClientOrderId } from "./client_id.ts";
import type { EventLog } from "./event_log.ts";
import type { LogRecord } from "./log_record.ts";
import type { OrderEvent } from "./order.ts";
import {
  type AdoptData,
  appliesOnceWritten,
  type IntentData,
  type NewOrder,
  type OrderEventData,
  REC,
} from "./records.ts";

export interface Recorded {
  readonly record: LogRecord;
  readonly result: ApplyResult;
}

export class OmsJournal {
  readonly book: OmsBook;
  readonly log: EventLog;
  readonly tag: string;
  #counter: number;
  #inFlight = new Set<string>();
  #applied: number;
  #appliedHash: string;

  /** `book` as booted (bootOms), `log` the new run's log (its run_start appended or not yet). */
  constructor(book: OmsBook, log: EventLog, tag: string) {
    this.book = book;
    this.log = log;
    this.tag = tag;
    // Past every id of this tag the book holds, adopted ones too (a venue order of a lost state dir).
    this.#counter =
      nextClientOrderId(tag, book.idCounter, [...book.orders()].map((o) => o.clientOrderId)).counter - 1;
    this.#applied = log.lastSeq;
    this.#appliedHash = log.lastHash;
  }

  /** The last record the book includes (seq, hash): where a snapshot of the book stands in the run. */
  get applied(): { readonly seq: number; readonly hash: string } {
    return { seq: this.#applied, hash: this.#appliedHash };
  }

  /** The next client id of this tag: past the book's counter and every id it knows. */
  nextClientOrderId(): { readonly id: string; readonly counter: number } {
    const next = nextClientOrderId(this.tag, this.#counter, [...this.#inFlight]);
    this.#counter = next.counter;
    return next;
  }

  /** Why a new order's client id may not be used now (malformed, known, or being logged), or null. */
  idProblem(id: string): string | null {
    return clientIdProblem(id, { has: (x) => this.book.has(x) || this.#inFlight.has(x) });
  }

  /**
   * Logs a new local order's intent (durable) and applies it; refused before logging when its id is
   * malformed or already used. `counter` is the one nextClientOrderId gave (0 for an id from elsewhere).
   * `submitted`: its `submitted` event follows at once, made durable by the same sync (records.ts).
   */
  async intent(
    order: NewOrder,
    counter: number,
    opts: { readonly submitted?: boolean } = {},
  ): Promise<(Recorded & { readonly submitted: Recorded | null }) | { readonly refused: string }> {
    const problem = this.idProblem(order.clientOrderId);
    if (problem) return { refused: problem };
    this.#inFlight.add(order.clientOrderId);
    try {
      const data: IntentData = { order, counter };
      const made = this.record(REC.intent, data, order.correlationId);
      // The order about to be sent: its `submitted` in the same group, durable by the same sync.
      const sent: OrderEventData = { clientOrderId: order.clientOrderId, event: { kind: "submitted" } };
      const [r, submitted] = await Promise.all([
        made,
        opts.submitted ? this.record(REC.event, sent, order.correlationId) : null,
      ]);
      return { ...r, submitted };
    } finally {
      this.#inFlight.delete(order.clientOrderId);
    }
  }

  /** Logs the adoption of a venue order the OMS did not know (reconciliation). */
  adopt(order: NewOrder, venueOrderId: number): Promise<Recorded> {
    this.#counter = Math.max(this.#counter, counterOf(this.tag, order.clientOrderId) ?? 0);
    const data: AdoptData = { order, venueOrderId };
    return this.record(REC.adopted, data, order.correlationId);
  }

  /**
   * Logs something that happened to a known order, under the order's correlation id: applied once
   * durable, or once written when the send protocol (records.ts) lets this event skip the wait.
   */
  event(clientOrderId: string, event: OrderEvent): Promise<Recorded> {
    const data: OrderEventData = { clientOrderId, event };
    const o = this.book.order(clientOrderId);
    const durable = !o || !appliesOnceWritten(o, event);
    return this.record(REC.event, data, o?.correlationId ?? null, { durable });
  }

  /**
   * Appends any record and, once durable, applies it. The apply runs in the append's own reaction,
   * and the log resolves appends in seq order, so the book sees records in log order.
   */
  record(
    type: string,
    data: unknown,
    corr: string | null,
    opts: { readonly durable?: boolean } = {},
  ): Promise<Recorded> {
    return this.log.append(type, data, corr, opts).then((record) => {
      if (record.seq !== this.#applied + 1) {
        throw new Error(`journal applied seq ${this.#applied}, then got ${record.seq}: out of log order`);
      }
      this.#applied = record.seq;
      this.#appliedHash = record.hash;
      return { record, result: this.book.apply(record) };
    });
  }
}
