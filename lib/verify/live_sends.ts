// What the crash-point proof's raw files say about sends, pure: how often each client order id reached the
// venue (its orders in the simulator's truth, and each re-send the venue refused as a duplicate: the loop
// sent a known id again even though the venue protected it), and which orders the OMS's log shows sent
// by a later run than the one that logged their intent (queued, never sent, re-queued by a warm start).
import { readLog } from "../oms/log_record.ts";
import { REC } from "../oms/records.ts";
import { ERR } from "../sim/trading/errors.ts";
import { REFUSED_EVENT } from "../sim/trading/truth.ts";

type Row = Record<string, unknown>;

export interface Sends {
  /** Venue order ids the client id got (its NEW lines). */
  readonly orders: Set<unknown>;
  /** Places of the client id refused as a duplicate (-2010 Duplicate order sent.). */
  refused: number;
}

const isDuplicateRefusal = (l: Row) =>
  l.event === REFUSED_EVENT && l.code === ERR.duplicateOrder.code && l.msg === ERR.duplicateOrder.msg;

/** Per client id, what reached the venue. */
export function sendsOf(ordersTruth: readonly Row[]): Map<string, Sends> {
  const out = new Map<string, Sends>();
  const of = (id: string) => out.get(id) ?? out.set(id, { orders: new Set(), refused: 0 }).get(id)!;
  for (const l of ordersTruth) {
    if (l.event === "NEW") of(String(l.clientOrderId)).orders.add(l.orderId);
    else if (isDuplicateRefusal(l)) of(String(l.clientOrderId)).refused++;
  }
  return out;
}

/** Times the id was sent: each order, each refused re-send (a refusal means an order held the id). */
export const timesSent = (s: Sends) => Math.max(s.orders.size, s.refused > 0 ? 1 : 0) + s.refused;

/**
 * Client ids whose first `submitted` is in a later run's log than their intent (logs in run order), each
 * with its intent's correlation id: a proof case tells its own order by it.
 */
export function sentByLaterRun(logs: readonly Uint8Array[]): Map<string, string> {
  const intentRun = new Map<string, { run: number; corr: string }>(), sentRun = new Map<string, number>();
  logs.forEach((bytes, run) => {
    for (const r of readLog(bytes).records) {
      const d = r.data as {
        order?: { clientOrderId?: string; correlationId?: string };
        clientOrderId?: string;
        event?: { kind?: string };
      };
      if (r.type === REC.intent && d.order?.clientOrderId) {
        intentRun.set(d.order.clientOrderId, { run, corr: String(d.order.correlationId ?? "") });
      }
      const id = d.clientOrderId;
      if (r.type === REC.event && d.event?.kind === "submitted" && id && !sentRun.has(id)) {
        sentRun.set(id, run);
      }
    }
  });
  const out = new Map<string, string>();
  for (const [id, run] of sentRun) {
    const i = intentRun.get(id);
    if (i && run > i.run) out.set(id, i.corr);
  }
  return out;
}
