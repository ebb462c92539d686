// Builds the read-only LoopView (loop_view.ts) from the loop's parts at one instant.
import type { BootResult } from "../oms/boot.ts";
import { drawdownBps } from "../oms/risk.ts";
import type { LoopCore } from "./core.ts";
import { isHeld } from "./held.ts";
import { pnlOf } from "./ledger.ts";
import type { LoopStatus, LoopView, ReconcileOutcome, ReconciliationView } from "./loop_view.ts";
import type { StreamRunner } from "./stream.ts";
import type { Submitter } from "./submitter.ts";

export interface ViewParts {
  readonly core: LoopCore;
  readonly boot: BootResult | null;
  readonly run: number | null;
  readonly startMode: "cold" | "warm" | null;
  readonly phase: "starting" | "running" | "stopped";
  readonly recon: ReconciliationView;
  readonly stream: StreamRunner;
  readonly sub: Submitter;
}

export function emptyRecon(): ReconciliationView {
  return {
    state: "idle",
    trigger: null,
    lastStartedAtMs: null,
    lastFinishedAtMs: null,
    reason: null,
    last: {},
    total: {},
    report: [],
  };
}

export function addCounts(
  a: Partial<Record<ReconcileOutcome, number>>,
  b: Partial<Record<ReconcileOutcome, number>>,
): Partial<Record<ReconcileOutcome, number>> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b) as [ReconcileOutcome, number][]) out[k] = (out[k] ?? 0) + n;
  return out;
}

function reconcilingReason(p: ViewParts): string {
  const st = p.stream.view();
  return st.state === "down"
    ? `user stream down (${st.lastDownCause}): new orders wait for the reconnect and its reconciliation`
    : "a reconciliation runs: new orders wait";
}

export function buildView(p: ViewParts): LoopView {
  const { core } = p;
  const now = core.now();
  const blocked = core.blockedReason();
  const status: LoopStatus = p.phase === "stopped"
    ? "stopped"
    : p.phase === "starting"
    ? "starting"
    : blocked
    ? "not_trading"
    : core.reconciling
    ? "reconciling"
    : "ready";
  const reason = status === "ready" || status === "stopped"
    ? null
    : blocked ?? (status === "starting" ? "starting" : reconcilingReason(p));
  const log = core.journal?.log ?? null;
  const working = core.journal ? core.j.book.working() : [];
  const positions = core.positions();
  const e = core.equity;
  return {
    nowMs: now,
    venue: core.venue.name,
    symbols: core.cfg.symbols.map((s) => s.symbol),
    mode: core.cfg.mode,
    startMode: p.startMode,
    status,
    reason,
    killSwitch: core.killSwitch,
    store: {
      recovery: p.boot?.classification ?? null,
      recoveryProblems: p.boot
        ? [...p.boot.problems, ...p.boot.runs.flatMap((r) => r.problem ? [`run ${r.run}: ${r.problem}`] : [])]
        : [],
      run: p.run,
      durableSeq: log?.durableSeq ?? 0,
      lastDurableWriteAtMs: log?.lastSyncAtMs ?? null,
      lastDurableWriteAgeMs: log?.lastSyncAtMs != null ? now - log.lastSyncAtMs : null,
      failed: log?.failed?.message ?? null,
      fsync: core.counters.fsyncView(),
    },
    reconciliation: p.recon,
    stream: p.stream.view(),
    queueDepth: p.sub.depth,
    // Sent, outcome unknown: an order held unsent (held.ts: a 429 wait, a reconciliation) is not in flight.
    inflight:
      working.filter((o) =>
        (o.state === "SUBMITTED" || o.state === "PENDING_CANCEL") && !isHeld(core, o.clientOrderId)
      ).length,
    openOrders: working.length,
    positions,
    equity: {
      equity: e?.equity ?? null,
      peak: e?.peak ?? null,
      dayStart: e?.dayStart ?? null,
      drawdownBps: e ? drawdownBps(e) : 0,
      ...pnlOf(positions),
    },
    counters: core.counters.view(),
  };
}
