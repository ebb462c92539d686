// The live loop as its HTTP shell reads it (/health, /metrics, admin): one read-only snapshot, plain
// data (JSON-able), taken at one instant. Amounts are integer atoms of 1e-8 (the OMS's unit), ratios in
// basis points, times in ms of the loop's clock; the shell converts for display. Nothing here holds a
// key or a secret.
import type { BootClass } from "../oms/boot.ts";
import type { KillSwitch } from "../oms/kill_switch.ts";
import type { Order, OrderFill } from "../oms/order.ts";

/** What /health and the admin API say of a kill switch the loop has not loaded yet (state UNKNOWN). */
export const NOT_LOADED = "not loaded yet (loop starting)";

/** Why the loop is or is not trading: what /health's 200 vs 503 turns on. */
export type LoopStatus =
  | "starting" // start() not done yet
  | "reconciling" // a reconciliation runs (start or after a stream reconnect): new submits denied
  | "ready" // trading (the kill switch may still deny new exposure)
  | "not_trading" // quarantined state, failed reconciliation, failed event log: `reason` says which
  | "stopped"; // shutdown() done

export type ReconcileOutcome =
  | "requeued"
  | "adopted"
  | "applied"
  | "queried"
  | "resolved"
  | "missed_fill"
  | "problem"
  | "succeeded"
  | "failed";

export interface ReconciliationView {
  readonly state: "idle" | "running" | "done" | "failed";
  readonly trigger: "start" | "reconnect" | null;
  readonly lastStartedAtMs: number | null;
  readonly lastFinishedAtMs: number | null;
  /** Why the last one failed (null when it did not). */
  readonly reason: string | null;
  /** The last run's steps by outcome. */
  readonly last: Readonly<Partial<Record<ReconcileOutcome, number>>>;
  /** Every run's steps by outcome, since the process started (live_loop_reconcile_total{outcome}). */
  readonly total: Readonly<Partial<Record<ReconcileOutcome, number>>>;
  /** What the last one found and did, one line each (discrepancies and their resolution). */
  readonly report: readonly string[];
}

export interface StoreView {
  /** The boot's classification of the state dir (null before start). */
  readonly recovery: BootClass | null;
  readonly recoveryProblems: readonly string[];
  /** The run number this process logs to (null when it could not open one). */
  readonly run: number | null;
  readonly durableSeq: number;
  readonly lastDurableWriteAtMs: number | null;
  /** now - lastDurableWriteAtMs (null when nothing was written yet). */
  readonly lastDurableWriteAgeMs: number | null;
  /** The event log failed (write or fsync): the loop halts rather than act on a lost record. */
  readonly failed: string | null;
  /** Durations of the event log's fsyncs (live_loop_event_log_fsync_seconds). */
  readonly fsync: HistogramView;
}

export interface HistogramView {
  /** Upper bounds in seconds, ascending; counts are cumulative per bound (Prometheus `le`). */
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sumSeconds: number;
}

export interface StreamView {
  readonly state: "idle" | "up" | "down" | "stopped";
  readonly sinceMs: number | null;
  /**
   * Local ms (LoopEffects.localMs: real time, not the venue's clock) since the venue last proved alive
   * on the user stream: its subscription answered (stream_up), an event, or a ping answered (every
   * pingEveryMs, so a quiet healthy stream stays young); null before the first. A stream_down does not
   * reset it.
   */
  readonly heartbeatAgeMs: number | null;
  readonly reconnects: number;
  readonly lastDownCause: string | null;
}

export interface PositionView {
  readonly symbol: string;
  /** Signed base atoms (live_loop_position). */
  readonly qty: number;
  /** Quote atoms paid for the open long (received for a short). */
  readonly cost: number;
  readonly realized: number;
  /** At the last close; null without one. */
  readonly unrealized: number | null;
  readonly mark: number | null;
}

export interface EquityView {
  /** Quote atoms at the last marks; null until every held asset has a mark. */
  readonly equity: number | null;
  readonly peak: number | null;
  readonly dayStart: number | null;
  readonly drawdownBps: number;
  readonly pnlRealized: number;
  readonly pnlUnrealized: number;
}

/** Counters since the process started, keyed as the metrics label them. */
export interface CountersView {
  /** `${symbol}|${event}` -> n; event: placed, acknowledged, rejected, canceled, filled. */
  readonly orders: Readonly<Record<string, number>>;
  /** symbol -> fills recorded (each trade id once). */
  readonly fills: Readonly<Record<string, number>>;
  /** risk reason code -> denials. */
  readonly riskDenials: Readonly<Record<string, number>>;
  /** Log event name (live_loop.*) -> lines written. */
  readonly events: Readonly<Record<string, number>>;
  /** Transitions the OMS refused, and venue input that did not parse (counted, never thrown). */
  readonly refusedTransitions: number;
  readonly badVenueInput: number;
}

export interface LoopView {
  readonly nowMs: number;
  readonly venue: string;
  /** The configured symbols: the per-symbol series exist (at 0) before any order or position. */
  readonly symbols: readonly string[];
  readonly mode: "shadow" | "paper" | "live";
  readonly startMode: "cold" | "warm" | null;
  readonly status: LoopStatus;
  /** Why the loop is not trading (status not_trading / reconciling / starting), else null. */
  readonly reason: string | null;
  /** null until the loop loads the persisted switch (start() does, or an admin change before it). */
  readonly killSwitch: KillSwitch | null;
  readonly store: StoreView;
  readonly reconciliation: ReconciliationView;
  readonly stream: StreamView;
  /** Orders waiting for the submission worker (live_loop_submission_queue_depth). */
  readonly queueDepth: number;
  /**
   * Orders sent whose outcome is not known yet (SUBMITTED / PENDING_CANCEL) (live_loop_inflight_orders);
   * not one held unsent (a 429 wait, a reconciliation: held.ts), which queueDepth counts while queued.
   */
  readonly inflight: number;
  /** Orders open or possibly open at the venue. */
  readonly openOrders: number;
  readonly positions: readonly PositionView[];
  readonly equity: EquityView;
  readonly counters: CountersView;
}

/** The in-process hooks (runbook: on_kill_switch, on_reconnect, on_position_snapshot). */
export interface LoopHooks {
  readonly kill_switch: (ks: KillSwitch) => void;
  readonly reconnect: (
    r: { readonly atMs: number; readonly ok: boolean; readonly reason: string | null },
  ) => void;
  readonly position_snapshot: (p: readonly PositionView[]) => void;
  /** A venue fill, once per trade id, after it is durable in the event log (the order as it is now). */
  readonly fill: (f: { readonly order: Order; readonly fill: OrderFill; readonly via: string }) => void;
}
export type LoopHookName = keyof LoopHooks;

/** The read-only face of the loop the shell gets. */
export interface LoopReader {
  snapshot(): LoopView;
  on<K extends LoopHookName>(event: K, fn: LoopHooks[K]): () => void;
}
