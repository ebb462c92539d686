// live_loop's /metrics on an owned prom-client Registry. Counters and gauges are read at scrape time
// (collect()) from the loop's snapshot (LiveView), so the loop never touches prom-client; the fsync
// histogram is observed as each durable write completes. The names are public API: dashboards and
// alerts use them.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { RISK_REASONS } from "../oms/risk.ts";
import { type LiveView, ORDER_EVENTS, RECONCILE_OUTCOMES } from "./service_view.ts";

/** fsync of the event log, seconds: a healthy disk is well under 10 ms; 1 s means trouble. */
export const FSYNC_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Bad requests on the loop's port, by reason (counted; never an error that stops the loop). */
export const BAD_REQUEST_REASONS = [
  "not_found",
  "method",
  "bad_body",
  "unauthorized",
  "rate_limited",
] as const;
export type BadRequestReason = typeof BAD_REQUEST_REASONS[number];

export interface LiveMetrics {
  readonly registry: Registry;
  /** One durable (fsynced) event-log write took this long. */
  observeFsync(seconds: number): void;
  badRequest(reason: BadRequestReason): void;
}

/** Seconds since the dependency last showed life, or since start when it never has. */
export const ageSeconds = (lastMs: number | null, startedMs: number, nowMs: number): number =>
  Math.max(0, nowMs - (lastMs ?? startedMs)) / 1000;

export function createLiveMetrics(view: () => LiveView, now: () => number): LiveMetrics {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (v: LiveView) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(view()));
      },
    });
  type Rows<L extends string> = (v: LiveView) => readonly (readonly [Record<L, string>, number])[];
  /** Labelled series read whole from the view on each scrape (rows vanish when the view drops them). */
  const labelledGauge = <L extends string>(name: string, help: string, labelNames: L[], rows: Rows<L>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of rows(view())) this.set(labels, value);
      },
    });
  const labelledCounter = <L extends string>(name: string, help: string, labelNames: L[], rows: Rows<L>) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of rows(view())) this.inc(labels, value);
      },
    });

  labelledCounter(
    "live_loop_orders_total",
    "Order lifecycle events by venue, symbol and event (placed, acknowledged, rejected, canceled, filled).",
    ["venue", "symbol", "event"],
    (v) => {
      // Every event of a pair the loop has seen, zeros included, so rate() and absence checks work.
      const n = new Map(v.orders.map((o) => [`${o.venue}|${o.symbol}|${o.event}`, o.count]));
      const pairs = [...new Set(v.orders.map((o) => `${o.venue}|${o.symbol}`))];
      return pairs.flatMap((p) => {
        const [venue, symbol] = p.split("|");
        return ORDER_EVENTS.map((event) => [{ venue, symbol, event }, n.get(`${p}|${event}`) ?? 0] as const);
      });
    },
  );
  labelledCounter(
    "live_loop_fills_total",
    "Fills recorded (each venue trade once), by venue and symbol.",
    ["venue", "symbol"],
    (v) => v.fills.map((f) => [{ venue: f.venue, symbol: f.symbol }, f.count] as const),
  );
  labelledGauge(
    "live_loop_position",
    "Position in base units per venue and symbol, from the OMS state (survives restarts).",
    ["venue", "symbol"],
    (v) => v.positions.map((p) => [{ venue: p.venue, symbol: p.symbol }, p.base] as const),
  );
  gauge("live_loop_equity", "Account equity in quote currency (marked at the last close).", (v) => v.equity);
  gauge("live_loop_pnl_realized", "Realized PnL in quote currency, fees included.", (v) => v.pnlRealized);
  gauge(
    "live_loop_pnl_unrealized",
    "Unrealized PnL of open positions at the last close.",
    (v) => v.pnlUnrealized,
  );
  gauge("live_loop_drawdown_ratio", "Fall of equity from its peak, 0..1.", (v) => v.drawdownRatio);
  gauge(
    "live_loop_kill_switch_engaged",
    "1 while the kill switch is HALTED (no new exposure), 0 when ACTIVE.",
    (v) => v.killSwitch.state === "HALTED" ? 1 : 0,
  );
  labelledGauge(
    "live_loop_venue_heartbeat_age_seconds",
    "Seconds since the venue last showed life (user-stream event or heartbeat), since start if never.",
    ["venue"],
    (v) => {
      const t = now();
      return Object.entries(v.venues).map(([venue, d]) =>
        [{ venue }, ageSeconds(d.lastSeenMs, v.startedMs, t)] as const
      );
    },
  );
  gauge(
    "live_loop_submission_queue_depth",
    "Orders waiting for the submission worker (logged as intents, not yet sent).",
    (v) => v.submissionQueueDepth,
  );
  gauge(
    "live_loop_inflight_orders",
    "Orders sent whose outcome is not settled yet (no ack, or ambiguous awaiting a query).",
    (v) => v.inflightOrders,
  );
  labelledCounter(
    "live_loop_reconcile_total",
    "Reconciliation runs with the venue, by outcome (ok, failed).",
    ["outcome"],
    (v) => RECONCILE_OUTCOMES.map((o) => [{ outcome: o }, v.reconcile.runs[o]] as const),
  );
  labelledCounter(
    "live_loop_risk_denials_total",
    "Orders denied by the pre-trade risk checks, by reason code.",
    ["reason"],
    (v) => RISK_REASONS.map((r) => [{ reason: r }, v.riskDenials[r] ?? 0] as const),
  );
  gauge(
    "live_loop_recovery_quarantined",
    "1 when the boot found a broken event log (hash or sequence gap): the state is quarantined, not trusted.",
    (v) => v.store.recovery === "quarantined" ? 1 : 0,
  );
  const badRequests = new Counter({
    name: "live_loop_http_bad_requests_total",
    help: "Requests refused on the loop's port, by reason.",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const r of BAD_REQUEST_REASONS) badRequests.inc({ reason: r }, 0);
  const fsync = new Histogram({
    name: "live_loop_event_log_fsync_seconds",
    help: "Duration of each durable (fsynced) event-log write, seconds.",
    buckets: FSYNC_BUCKETS_S,
    registers: [registry],
  });
  return {
    registry,
    observeFsync: (s) => fsync.observe(s),
    badRequest: (reason) => badRequests.inc({ reason }),
  };
}
