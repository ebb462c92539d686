// The loop's counters (what /metrics shows) and its log: every `live_loop.*` line goes through emit(),
// which writes it with the injected logger and counts it, so logs and counters never disagree.
import type { Logger } from "../log.ts";
import type { CountersView, HistogramView } from "./loop_view.ts";

/** The runbook's log event names. */
export const EV = {
  start: "live_loop.start",
  recovery: "live_loop.recovery",
  orderProcessed: "live_loop.order_processed",
  registerFill: "live_loop.register_fill",
  heartbeatRetry: "live_loop.heartbeat_retry",
  requeue: "live_loop.requeue_order",
  adopt: "live_loop.adopt_order",
  killSwitch: "live_loop.kill_switch",
  reconciliation: "live_loop.reconciliation",
  riskDenied: "live_loop.risk_denied",
  submitRetry: "live_loop.submit_retry",
  inflight: "live_loop.inflight_check",
  refused: "live_loop.transition_refused",
  badInput: "live_loop.bad_venue_input",
  venueFilters: "live_loop.venue_filters",
  shutdown: "live_loop.shutdown",
} as const;

const inc = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);
const obj = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a < b ? -1 : 1));

/** Seconds: fsyncs from 0.1 ms to 1 s. */
const FSYNC_BOUNDS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export class LoopCounters {
  readonly orders = new Map<string, number>();
  readonly fills = new Map<string, number>();
  readonly riskDenials = new Map<string, number>();
  readonly events = new Map<string, number>();
  refusedTransitions = 0;
  badVenueInput = 0;
  #fsync = { counts: FSYNC_BOUNDS.map(() => 0), count: 0, sum: 0 };

  constructor(private readonly logger: Logger) {}

  /** Writes one log line and counts it. */
  emit(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}): void {
    inc(this.events, event);
    this.logger(level, event, { event, ...fields });
  }

  order(symbol: string, event: string): void {
    inc(this.orders, `${symbol}|${event}`);
  }
  fill(symbol: string): void {
    inc(this.fills, symbol);
  }
  denial(reason: string): void {
    inc(this.riskDenials, reason);
  }
  fsync(ms: number): void {
    const s = ms / 1000;
    this.#fsync.count++;
    this.#fsync.sum += s;
    FSYNC_BOUNDS.forEach((b, i) => {
      if (s <= b) this.#fsync.counts[i]++;
    });
  }

  fsyncView(): HistogramView {
    return {
      bounds: FSYNC_BOUNDS,
      counts: [...this.#fsync.counts],
      count: this.#fsync.count,
      sumSeconds: this.#fsync.sum,
    };
  }
  view(): CountersView {
    return {
      orders: obj(this.orders),
      fills: obj(this.fills),
      riskDenials: obj(this.riskDenials),
      events: obj(this.events),
      refusedTransitions: this.refusedTransitions,
      badVenueInput: this.badVenueInput,
    };
  }
}
