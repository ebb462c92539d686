// One reconciliation (at a warm start, and after a user-stream reconnect): the venue's open orders,
// fills and balances, the pure plan (lib/oms/reconcile.ts) applied through the journal, each order sent
// but missing at the venue settled by a targeted query and the grace period (never re-sent), fills
// nobody named matched once the queries gave venue ids, and the OMS's holdings compared with the
// venue's. Any venue answer it cannot rely on fails it: the caller does not trade on a guess. So does an
// order the OMS held closed that the venue confirms open (its cancel sent: recon_closed.ts), and any
// event the OMS refuses meanwhile.
import { sleep } from "../async/sleep.ts";
import { externalOfFills, missedFills, planReconcile, settleMissing } from "../oms/reconcile.ts";
import { isClosed, type OrderEvent } from "../oms/order.ts";
import { orderFillOf } from "../oms/venue_map.ts";
import type { Fill, VenueOrder } from "../trading/venue.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import {
  expectedHoldings,
  holdingDiffs,
  holdingsOf,
  loadCursor,
  saveBaseline,
  saveCursor,
} from "./ledger.ts";
import type { ReconcileOutcome } from "./loop_view.ts";
import { confirmClosed } from "./recon_closed.ts";
import { allFills, brief, must, ReconcileFailed } from "./venue_fills.ts";

export interface ReconcileResult {
  readonly ok: boolean;
  readonly reason: string | null;
  readonly counts: Partial<Record<ReconcileOutcome, number>>;
  readonly report: readonly string[];
  /** Never-sent orders to send again, same client id, in book order. */
  readonly requeue: readonly string[];
}

export async function reconcile(core: LoopCore, signal?: AbortSignal): Promise<ReconcileResult> {
  const counts: Partial<Record<ReconcileOutcome, number>> = {};
  const report: string[] = [];
  const requeue: string[] = [];
  const count = (k: ReconcileOutcome, line: string) => {
    counts[k] = (counts[k] ?? 0) + 1;
    report.push(`${k}: ${line}`);
  };
  const j = core.j;
  const apply = async (id: string, e: OrderEvent, k: ReconcileOutcome) => {
    const r = await core.tryApply(id, e, "reconciliation");
    if (r === "applied") count(e.kind === "fill" && k === "applied" ? "missed_fill" : k, `${id} ${e.kind}`);
    // The OMS and the venue disagree on this order: dropped, it would pass for agreement.
    else if (r === "refused") {
      count("problem", `${id}: ${e.kind} refused (the order is ${j.book.order(id)?.state})`);
    }
  };
  try {
    const open: VenueOrder[] = [], fills: Fill[] = [];
    // Fills from the persisted cursor; the first start of an empty book takes the venue's trades so
    // far as the account's history (the baseline's balances include them), not the loop's.
    const cursor: Record<string, number> = { ...await loadCursor(core.cfg.stateDir) };
    const history = core.baseline === null && [...j.book.orders()].length === 0;
    // Closed before the venue's list is read: one that closes later (a routine cancel) is no disagreement.
    const closedBefore = new Set(
      [...j.book.orders()].filter((o) => isClosed(o.state)).map((o) => o.clientOrderId),
    );
    for (const s of core.cfg.symbols) {
      open.push(...must(await core.venue.openOrders(s.symbol), `openOrders ${s.symbol}`));
      const got = await allFills(core, s.symbol, cursor[s.symbol] ?? 0);
      if (!history) fills.push(...got);
      cursor[s.symbol] = Math.max(cursor[s.symbol] ?? 0, ...got.map((f) => f.tradeId + 1));
    }
    const venueHoldings = holdingsOf(must(await core.venue.balances(), "account"));
    if (typeof venueHoldings === "string") throw new ReconcileFailed(`account: ${venueHoldings}`);
    const steps = planReconcile(j.book, { openOrders: open, fills }, (v) => `adopted-${v.orderId}`);
    const queries: { id: string; symbol: string }[] = [], closedOpen: typeof queries = [];
    const unmatched: Fill[] = [];
    for (const st of steps) {
      if (st.kind === "requeue") {
        requeue.push(st.clientOrderId);
        count("requeued", st.clientOrderId);
        core.counters.emit("info", EV.requeue, { clientOrderId: st.clientOrderId });
      } else if (st.kind === "adopt") {
        const { result } = await j.adopt(st.order, st.venueOrderId);
        if (!result.ok) throw new ReconcileFailed(`adopt ${st.order.clientOrderId}: ${result.reason}`);
        count("adopted", `${st.order.clientOrderId} venue order ${st.venueOrderId} as EXTERNAL`);
        core.counters.emit("info", EV.adopt, {
          clientOrderId: st.order.clientOrderId,
          venueOrderId: st.venueOrderId,
          symbol: st.order.symbol,
          side: st.order.side,
          quantity: st.order.quantity,
          price: st.order.price,
        });
        for (const e of st.events) await apply(st.order.clientOrderId, e, "applied");
      } else if (st.kind === "apply") await apply(st.clientOrderId, st.event, "applied");
      // An order the worker holds to resend after a 429 provably never reached the venue: the worker settles it.
      else if (st.kind === "query") {
        if (!core.heldBySender(st.clientOrderId)) queries.push({ id: st.clientOrderId, symbol: st.symbol });
      } else if (st.kind === "closed_open") {
        if (closedBefore.has(st.clientOrderId)) closedOpen.push({ id: st.clientOrderId, symbol: st.symbol });
      } else if (st.kind === "unmatched_fill") unmatched.push(st.fill);
      else count("problem", st.detail);
    }
    for (const q of queries) await settle(core, q.id, q.symbol, fills, apply, count, signal);
    for (const c of closedOpen) await confirmClosed(core, c.id, c.symbol, apply, count, signal);
    for (const f of unmatched) await matchFill(core, f, unmatched, apply, count);
    if (counts.problem) {
      throw new ReconcileFailed(
        `${counts.problem} problem(s): ${report.find((l) => l.startsWith("problem"))}`,
      );
    }
    if (core.baseline === null) {
      core.baseline = venueHoldings;
      await saveBaseline(core.cfg.stateDir, venueHoldings, core.now());
      report.push("baseline: the venue's balances at the first start");
    } else {
      const diffs = holdingDiffs(expectedHoldings(j.book, core.baseline, core.cfg.symbols), venueHoldings);
      if (diffs.length > 0) throw new ReconcileFailed(`balances differ from the OMS: ${diffs.join("; ")}`);
    }
    await saveCursor(core.cfg.stateDir, cursor); // every fill before it is in the book now
    count("succeeded", "venue and OMS agree");
    return { ok: true, reason: null, counts, report, requeue };
  } catch (err) {
    if (!(err instanceof ReconcileFailed)) throw err;
    count("failed", err.message);
    return { ok: false, reason: err.message, counts, report, requeue };
  }
}

type Apply = (id: string, e: OrderEvent, k: ReconcileOutcome) => Promise<void>;
type Count = (k: ReconcileOutcome, line: string) => void;

/** A working order the venue did not list: one targeted query, then the grace period; never re-sent. */
async function settle(
  core: LoopCore,
  id: string,
  symbol: string,
  fills: readonly Fill[],
  apply: Apply,
  count: Count,
  signal?: AbortSignal,
): Promise<void> {
  let firstMissing: number | null = null;
  for (let failures = 0;;) {
    const q = await core.venue.queryByClientId(symbol, id);
    count("queried", `${id}: ${q.kind === "confirmed" ? q.value.status : brief(q)}`);
    const now = core.now();
    if (q.kind === "rejected" && q.reason === "not_found") firstMissing ??= now;
    const order = core.j.book.order(id)!;
    const s = settleMissing(order, q, {
      nowMs: now,
      firstMissingMs: firstMissing ?? now,
      graceMs: core.cfg.missingGraceMs,
    });
    if (s.kind === "events") {
      for (const e of s.events) await apply(id, e, "resolved");
      const vid = s.venueOrderId ?? core.j.book.order(id)!.venueOrderId;
      if (vid !== null) {
        for (const e of missedFills(core.j.book.order(id)!.tradeIds, vid, fills)) {
          if (typeof e === "string") count("problem", e);
          else await apply(id, e, "applied");
        }
      }
      return;
    }
    if (s.kind === "retry" && ++failures > core.cfg.inflight.retries) {
      throw new ReconcileFailed(`order ${id} could not be settled: ${s.detail}`);
    }
    const left = firstMissing === null
      ? core.cfg.inflight.intervalMs
      : firstMissing + core.cfg.missingGraceMs - now;
    const waitMs = Math.max(1, left);
    core.counters.emit("info", EV.reconciliation, {
      phase: "wait",
      clientOrderId: id,
      waitMs,
      detail: s.detail,
    });
    await sleep(waitMs, signal, core.fx.timers); // registered before the line above is seen
    if (signal?.aborted) throw new ReconcileFailed("stopped while settling " + id);
  }
}

/**
 * A fill no plan step named: its order's venue id is known now (after the queries); still unknown, the
 * order is not the loop's (its orders are all queried by now): adopted as EXTERNAL from its fills.
 */
async function matchFill(core: LoopCore, f: Fill, all: readonly Fill[], apply: Apply, count: Count) {
  // A closed order's venue id a closed-but-open check learned: the fill is the order's (refused if REJECTED).
  const ours = core.closedOpenIds.get(f.orderId);
  let o = [...core.j.book.orders()].find((x) => x.venueOrderId === f.orderId) ??
    (ours === undefined ? undefined : core.j.book.order(ours));
  if (!o) {
    const order = externalOfFills(all.filter((x) => x.orderId === f.orderId));
    if (typeof order === "string") return count("problem", order);
    const { result } = await core.j.adopt(order, f.orderId);
    if (!result.ok) return count("problem", `adopt ${order.clientOrderId}: ${result.reason}`);
    count("adopted", `${order.clientOrderId} venue order ${f.orderId} (known by its fills) as EXTERNAL`);
    await apply(order.clientOrderId, { kind: "accepted", venueOrderId: f.orderId }, "applied");
    o = core.j.book.order(order.clientOrderId)!;
  }
  if (o.tradeIds.includes(f.tradeId)) return;
  const of = orderFillOf(f);
  if (typeof of === "string") return count("problem", of);
  await apply(o.clientOrderId, { kind: "fill", fill: of }, "applied");
}
