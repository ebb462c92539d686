// The loop's start procedures and the halt action: a cold start (no reconciliation: never-sent intents are
// cleared, open orders queried once and tracked again), a reconciliation run with its bookkeeping (start or reconnect:
// trading waits for it, a failure blocks trading with the reason), and flatten-on-halt. Either start reads
// the venue's order filters first (lots.ts): a close is sized to them.
import type { BootResult } from "../oms/boot.ts";
import { ACTIVE_SWITCH } from "../oms/kill_switch.ts";
import { checkOrder } from "../oms/risk.ts";
import { saveSnapshot } from "../oms/snapshot.ts";
import { exposure } from "./admission.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { cancelOrder, pollOpenOnce } from "./inflight.ts";
import { expectedHoldings, holdingsOf, loadCursor, saveBaseline, saveCursor } from "./ledger.ts";
import type { ReconciliationView } from "./loop_view.ts";
import { type CloseSize, closeSize, filtersMissing, readVenueFilters } from "./lots.ts";
import { placesAnswered } from "./place.ts";
import { reconcile } from "./reconciler.ts";
import type { Submitter } from "./submitter.ts";
import { historyCursor } from "./venue_fills.ts";
import { addCounts } from "./view.ts";

/** The boot's line: how the state dir recovered (quarantined: an error), and the kill switch's state. */
export function logRecovery(core: LoopCore, boot: BootResult, killSwitchProblem: string | null): void {
  const level = boot.classification === "quarantined" ? "error" : killSwitchProblem ? "warn" : "info";
  core.counters.emit(level, EV.recovery, {
    classification: boot.classification,
    problems: boot.problems,
    runs: boot.runs.map((r) => ({ run: r.run, status: r.status, records: r.records, problem: r.problem })),
    refused: boot.refused.length,
    killSwitch: core.ks.state,
    killSwitchProblem,
  });
}

/**
 * Cold: never-sent intents are cleared (the log proves they never left); open orders tracked again,
 * each queried once for what happened to it while the loop was down.
 */
export async function coldStart(core: LoopCore): Promise<void> {
  await readVenueFilters(core);
  for (const o of core.j.book.neverSent()) {
    await core.apply(
      o.clientOrderId,
      { kind: "denied", reason: "cleared at cold start (never sent)" },
      "cold",
    );
  }
  for (const o of core.j.book.working()) {
    core.inflight.set(o.clientOrderId, { sentAtMs: core.now(), firstMissingMs: null, failedQueries: 0 });
  }
  await pollOpenOnce(core);
  if (core.baseline === null) {
    const b = await core.venue.balances();
    const h = b.kind === "confirmed" ? holdingsOf(b.value) : `account: ${b.kind}`;
    // A first start: the account's trades so far are history, before the baseline (reconciler.ts).
    const c = typeof h === "string" || [...core.j.book.orders()].length > 0 ||
        await loadCursor(core.cfg.stateDir) !== null
      ? null
      : await historyCursor(core);
    if (typeof h === "string") core.blocked = `no balance baseline: ${h}`;
    else if (typeof c === "string") core.blocked = `no trade cursor: ${c}`;
    else {
      if (c) await saveCursor(core.cfg.stateDir, c);
      await saveBaseline(core.cfg.stateDir, core.baseline = h, core.now());
    }
  }
  core.reconciling = false;
}

/**
 * One reconciliation with new submits denied while it runs; `setView` gets the running and the final
 * state. On success the never-sent orders are queued again (same ids) and `after` runs (marks, hooks).
 * The venue's filters are read at the first (the warm start), and at any later one while some are missing.
 */
export async function runReconciliation(
  core: LoopCore,
  sub: Submitter,
  prev: ReconciliationView,
  trigger: "start" | "reconnect",
  setView: (v: ReconciliationView) => void,
  after: () => Promise<void>,
): Promise<void> {
  core.reconciling = true; // from here no place request starts (a resend after a 429 is held too)
  const startedAt = core.now();
  setView({ ...prev, state: "running", trigger, lastStartedAtMs: startedAt });
  core.counters.emit("info", EV.reconciliation, { phase: "started", trigger });
  if (prev.state === "idle" || filtersMissing(core)) await readVenueFilters(core);
  // A place out now: its answer first, else the venue shows a fill of a venue id the book lacks (adopted
  // as EXTERNAL, then counted again when the answer comes).
  await placesAnswered(core);
  const r = await reconcile(core);
  setView({
    state: r.ok ? "done" : "failed",
    trigger,
    lastStartedAtMs: startedAt,
    lastFinishedAtMs: core.now(),
    reason: r.reason,
    last: r.counts,
    total: addCounts(prev.total, r.counts),
    report: r.report,
  });
  core.blocked = r.ok ? null : `reconciliation failed: ${r.reason}`;
  core.reconciling = false;
  core.counters.emit(r.ok ? "info" : "error", EV.reconciliation, {
    phase: r.ok ? "done" : "failed",
    trigger,
    counts: r.counts,
    reason: r.reason,
    report: r.report,
  });
  if (trigger === "reconnect") core.fire("reconnect", { atMs: core.now(), ok: r.ok, reason: r.reason });
  if (!r.ok) return;
  for (const id of r.requeue) {
    // Canceled while the reconciliation ran: never sent, not queued again. A cancel's end may not be in
    // the book yet (its record still syncing): `ending` says so at once (held.ts). The worker's own
    // check (Submitter #send: `submitted` refused after an end) guards a cancel after this one.
    const queued = () => core.j.book.order(id)?.state === "INITIALIZED" && !core.ending.has(id);
    if (queued() && await requeueAllowed(core, id) && queued()) sub.enqueue(id);
  }
  await saveBookSnapshot(core);
  await after();
  sub.kick();
}

/**
 * The risk check a re-queued never-sent order passes before it is sent (its intent's check was against
 * the state before the crash): against the state now, the order itself not counted as exposure. With
 * no close yet a limit order's own price stands in for the collar's reference. Denied: DENIED with the
 * reason, never sent.
 */
async function requeueAllowed(core: LoopCore, id: string): Promise<boolean> {
  const o = core.j.book.order(id)!;
  const ex = exposure(core.j.book, new Map(), o.symbol);
  const self = { buy: o.side === "BUY" ? o.quantity : 0, sell: o.side === "SELL" ? o.quantity : 0 };
  const own = { buy: ex.buy - self.buy, sell: ex.sell - self.sell, open: ex.open - 1 };
  const close = core.lastClose.get(o.symbol);
  const stand = close ?? (o.price === null ? undefined : { price: o.price, closeTimeMs: core.now() });
  const v = checkOrder(core.cfg.risk, {
    nowMs: core.now(),
    killSwitch: ACTIVE_SWITCH, // the send's own gate applies the switch (reduce-only passes)
    position: core.j.book.position(o.symbol),
    workingBuy: own.buy,
    workingSell: own.sell,
    openOrders: own.open,
    ordersLastSecond: 0, // the sender's rate limiter paces the sends
    lastClose: stand ?? null,
    equity: core.equity ?? { equity: 0, peak: 0, dayStart: 0, day: "" },
  }, o);
  if (v.ok) return true;
  core.counters.emit("warn", EV.requeue, {
    clientOrderId: id,
    phase: "denied",
    reason: v.reason,
    detail: v.detail,
  });
  await core.apply(id, { kind: "denied", reason: `${v.reason}: ${v.detail}` }, "reconciliation");
  return false;
}

/** What one order closing a position sends (`qty`), what more orders must close (`rest`), the dust. */
export type Closable = Pick<CloseSize, "qty" | "rest" | "dust">;

/**
 * Base atoms that close the symbol's position with an order of `type`, rounded down to the venue's lot
 * (lots.ts): a long sells what the account holds (a fee paid in the base asset leaves less than the
 * fills), a short buys back its size; 0 when a MARKET close is worth less than the venue's minimum
 * notional at the mark. `rest`: over the venue's maximum quantity, for more orders; `dust`: what the
 * venue would refuse. All 0 when flat.
 */
export function closable(core: LoopCore, symbol: string, type: "MARKET" | "LIMIT" = "MARKET"): Closable {
  const p = core.positions().find((x) => x.symbol === symbol);
  const sym = core.cfg.symbols.find((s) => s.symbol === symbol);
  if (!p || !sym) return { qty: 0, rest: 0, dust: 0 };
  const held = core.baseline ? expectedHoldings(core.j.book, core.baseline, core.cfg.symbols) : {};
  const can = p.qty > 0 ? Math.min(p.qty, held[sym.base] ?? p.qty) : -p.qty;
  const { qty, rest, dust } = closeSize(core, sym, can, type);
  return { qty, rest, dust };
}

/**
 * Halted with flattenOnHalt: cancel local open orders, close positions with reduce-only market orders.
 * What a close leaves is a warn line, never an order: dust the venue would refuse, or the rest over its
 * maximum quantity (one order per halt: the operator sends the rest, or halts again once it filled).
 */
export function flattenOnHalt(core: LoopCore, sub: Submitter): void {
  if (!core.cfg.flattenOnHalt || !core.journal || core.blockedReason()) return;
  (async () => {
    for (const o of core.j.book.working()) {
      if (o.origin === "local") await cancelOrder(core, sub, o.clientOrderId);
    }
    for (const p of core.positions()) {
      const { qty: quantity, rest, dust } = closable(core, p.symbol);
      if (dust > 0) {
        core.counters.emit("warn", EV.killSwitch, {
          phase: "flatten_dust",
          symbol: p.symbol,
          quantity,
          dust,
        });
      }
      if (rest > 0) {
        core.counters.emit("warn", EV.killSwitch, {
          phase: "flatten_rest",
          symbol: p.symbol,
          quantity,
          rest,
          detail: "over the venue's maximum order quantity: more orders must close the rest",
        });
      }
      if (quantity <= 0) continue;
      const side = p.qty > 0 ? "SELL" : "BUY";
      const spec = { symbol: p.symbol, side, type: "MARKET", quantity, price: null } as const;
      await sub.submit({ ...spec, reduceOnly: true }, `flatten-${p.symbol}-${core.now()}`);
    }
  })().catch((err) =>
    core.counters.emit("error", EV.killSwitch, { phase: "flatten_failed", error: String(err) })
  );
}

/** The book as of its last applied record, so the next boot replays only what follows. */
export async function saveBookSnapshot(core: LoopCore): Promise<void> {
  if (!core.journal || core.j.log.failed || core.run === null) return;
  // The book may hold records applied once written (records.ts): a snapshot only of durable ones.
  while (core.j.applied.seq > core.j.log.durableSeq && !core.j.log.failed) await core.j.log.settled();
  if (core.j.log.failed) return;
  const { seq, hash } = core.j.applied;
  await saveSnapshot(core.cfg.stateDir, {
    run: core.run,
    seq,
    hash,
    savedAtMs: core.now(),
    book: core.j.book.toJSON(),
  });
}
