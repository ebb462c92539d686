// What the loop's HTTP face (/health, /metrics, the admin API) reads from the loop: one plain,
// read-only snapshot, so metrics and the health judgement are pure functions of it and testable
// without a running loop. The engine's own snapshot (lib/live/loop_view.ts) maps onto it.
import type { BootClass } from "../oms/boot.ts";
import type { KillSwitch } from "../oms/kill_switch.ts";
import type { RiskReason } from "../oms/risk.ts";

/** Order lifecycle events counted per venue and symbol (`live_loop_orders_total{event}`). */
export const ORDER_EVENTS = ["placed", "acknowledged", "rejected", "canceled", "filled"] as const;
export type OrderEventKind = typeof ORDER_EVENTS[number];

/** Outcomes of a whole reconciliation run (start, or after a user-stream reconnect). */
export const RECONCILE_OUTCOMES = ["ok", "failed"] as const;
export type ReconcileOutcome = typeof RECONCILE_OUTCOMES[number];

export type ReconcileState = "pending" | "running" | "done" | "failed";

export interface VenueSymbolCount {
  readonly venue: string;
  readonly symbol: string;
  readonly count: number;
}

export interface RateLimiterView {
  /** Used / allowed in the current window, 0..1 (the busiest key). */
  readonly utilisation: number;
  /** Keys at their limit now (e.g. "orders_10s", a client address). */
  readonly saturatedKeys: readonly string[];
}

export interface DependencyView {
  readonly ok: boolean;
  /** Why not, e.g. "connection refused", "stale: no bar for 130 s"; null when ok. */
  readonly error: string | null;
  /** Local time of the last sign of life (venue heartbeat / user-stream event, feed bar); null: none yet. */
  readonly lastSeenMs: number | null;
}

export interface LiveView {
  readonly startedMs: number;
  readonly mode: "shadow" | "paper" | "live";
  readonly orders: readonly (VenueSymbolCount & { readonly event: OrderEventKind })[];
  readonly fills: readonly VenueSymbolCount[];
  /** Base quantity per venue and symbol, from the OMS state (so it survives restarts). */
  readonly positions: readonly { readonly venue: string; readonly symbol: string; readonly base: number }[];
  /** Quote currency. */
  readonly equity: number;
  readonly pnlRealized: number;
  readonly pnlUnrealized: number;
  /** Fall from peak equity, 0..1. */
  readonly drawdownRatio: number;
  readonly killSwitch: KillSwitch;
  readonly venues: Readonly<Record<string, DependencyView>>;
  readonly feed: DependencyView;
  readonly submissionQueueDepth: number;
  readonly inflightOrders: number;
  readonly reconcile: {
    readonly state: ReconcileState;
    /** Why it failed (or what it waits for); null when done. */
    readonly reason: string | null;
    /** Steps of the last run by kind (requeued, adopted, resolved, fills_applied, problems...). */
    readonly counts: Readonly<Record<string, number>>;
    readonly runs: Readonly<Record<ReconcileOutcome, number>>;
  };
  readonly riskDenials: Readonly<Partial<Record<RiskReason, number>>>;
  readonly clientRateLimiter: RateLimiterView;
  readonly store: {
    /** Local time of the last fsynced event-log write; null: none this run. */
    readonly lastDurableWriteMs: number | null;
    readonly recovery: BootClass;
    /** The boot's problems (a broken hash, a gap, an unreadable snapshot), empty when none. */
    readonly problems: readonly string[];
  };
}
