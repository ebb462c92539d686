// live_loop's /metrics on an owned prom-client Registry. Every series is read at scrape time
// (collect()) from the loop's snapshot (LoopView), so the loop never touches prom-client. The view
// holds atoms of 1e-8 and basis points; the metrics are in units (base, quote) and ratios. The names
// are public API: dashboards and alerts use them.
import { Counter, Gauge, type Metric, Registry } from "prom-client";
import { RISK_REASONS } from "../oms/risk.ts";
import type { HistogramView, LoopView, ReconcileOutcome } from "./loop_view.ts";

const ATOMS = 1e8;
export const ORDER_EVENTS = ["placed", "acknowledged", "rejected", "canceled", "filled"] as const;
export const RECONCILE_OUTCOMES: readonly ReconcileOutcome[] = [
  "requeued",
  "adopted",
  "applied",
  "queried",
  "resolved",
  "missed_fill",
  "problem",
  "succeeded",
  "failed",
];

/** Requests refused on the loop's port, by reason (counted; never an error that stops the loop). */
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
  badRequest(reason: BadRequestReason): void;
}

/** Seconds since the venue last proved alive (stream up, an event, a ping answered), else since the shell started. */
export const heartbeatAgeSeconds = (v: LoopView, startedMs: number): number =>
  (v.stream.heartbeatAgeMs ?? Math.max(0, v.nowMs - startedMs)) / 1000;

/** Counts by key, every `known` key present (zeros included) so rate() and absence checks work. */
const withZeros = (
  known: readonly string[],
  counts: Readonly<Record<string, number>>,
): [string, number][] => [
  ...known.map((k) => [k, counts[k] ?? 0] as [string, number]),
  ...Object.entries(counts).filter(([k]) => !known.includes(k)),
];

type Sample = {
  readonly metricName?: string;
  readonly labels: Record<string, string | number>;
  value: number;
};

/** A metric whose samples are computed whole on each scrape (what prom-client's classes cannot show). */
function custom(name: string, help: string, type: "gauge" | "histogram", samples: () => Sample[]): Metric {
  const get = () => ({ name, help, type, aggregator: "sum", values: samples() });
  return { name, help, type, aggregator: "sum", get, reset() {} } as unknown as Metric;
}

/** A histogram rendered from the view's cumulative buckets (prom-client's own cannot be set). */
const histogramFrom = (name: string, help: string, read: () => HistogramView): Metric =>
  custom(name, help, "histogram", (): Sample[] => {
    const h = read();
    return [
      ...h.bounds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { le }, value: h.counts[i] })),
      { metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: h.count },
      { metricName: `${name}_sum`, labels: {}, value: h.sumSeconds },
      { metricName: `${name}_count`, labels: {}, value: h.count },
    ];
  });

export function createLiveMetrics(view: () => LoopView, startedMs: number): LiveMetrics {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (v: LoopView) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(view()));
      },
    });
  type Rows<L extends string> = (v: LoopView) => readonly (readonly [Record<L, string>, number])[];
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
    "Order lifecycle events by venue, symbol and event (placed, acknowledged, rejected, canceled, filled); canceled includes orders canceled before they were sent.",
    ["venue", "symbol", "event"],
    (v) => {
      const symbols = tradedSymbols(v, Object.keys(v.counters.orders).map((k) => k.split("|")[0]));
      return symbols.flatMap((symbol) =>
        ORDER_EVENTS.map((event) =>
          [{ venue: v.venue, symbol, event }, v.counters.orders[`${symbol}|${event}`] ?? 0] as const
        )
      );
    },
  );
  labelledCounter(
    "live_loop_fills_total",
    "Fills recorded (each venue trade once), by venue and symbol.",
    ["venue", "symbol"],
    (v) =>
      tradedSymbols(v, Object.keys(v.counters.fills)).map((symbol) =>
        [{ venue: v.venue, symbol }, v.counters.fills[symbol] ?? 0] as const
      ),
  );
  labelledGauge(
    "live_loop_position",
    "Position in base units per venue and symbol, from the OMS state (survives restarts).",
    ["venue", "symbol"],
    (v) => v.positions.map((p) => [{ venue: v.venue, symbol: p.symbol }, p.qty / ATOMS] as const),
  );
  // Absent (not 0) until every held asset has a mark: prom-client's own gauge always shows a value.
  registry.registerMetric(
    custom("live_loop_equity", "Account equity in quote currency at the last marks.", "gauge", () => {
      const e = view().equity.equity;
      return e === null ? [] : [{ labels: {}, value: e / ATOMS }];
    }),
  );
  gauge(
    "live_loop_pnl_realized",
    "Realized PnL in quote currency, before fees (fees are paid per asset and show in equity).",
    (v) => v.equity.pnlRealized / ATOMS,
  );
  gauge(
    "live_loop_pnl_unrealized",
    "Unrealized PnL of open positions at the last close, quote currency.",
    (v) => v.equity.pnlUnrealized / ATOMS,
  );
  gauge(
    "live_loop_drawdown_ratio",
    "Fall of equity from its peak, 0..1.",
    (v) => v.equity.drawdownBps / 10_000,
  );
  gauge(
    "live_loop_kill_switch_engaged",
    "1 while the kill switch is HALTED (no new exposure), 0 when ACTIVE.",
    (v) => v.killSwitch?.state === "HALTED" ? 1 : 0, // null before the loop's start() loads it
  );
  labelledGauge(
    "live_loop_venue_heartbeat_age_seconds",
    "Seconds (real time) since the venue last proved alive on the user stream (subscription, event or ping answer), since the loop started if never.",
    ["venue"],
    (v) => [[{ venue: v.venue }, heartbeatAgeSeconds(v, startedMs)] as const],
  );
  gauge(
    "live_loop_submission_queue_depth",
    "Orders waiting for the submission worker (logged as intents, not yet sent).",
    (v) => v.queueDepth,
  );
  gauge(
    "live_loop_inflight_orders",
    "Orders sent whose outcome is not known yet (no ack, or a cancel not confirmed).",
    (v) => v.inflight,
  );
  labelledCounter(
    "live_loop_reconcile_total",
    "Reconciliation steps and runs with the venue, by outcome (runs: succeeded, failed).",
    ["outcome"],
    (v) =>
      withZeros(RECONCILE_OUTCOMES, v.reconciliation.total).map(([outcome, n]) => [{ outcome }, n] as const),
  );
  labelledCounter(
    "live_loop_risk_denials_total",
    "Orders denied by the pre-trade risk checks, by reason code.",
    ["reason"],
    (v) => withZeros(RISK_REASONS, v.counters.riskDenials).map(([reason, n]) => [{ reason }, n] as const),
  );
  gauge(
    "live_loop_reconcile_failed",
    "1 while the last reconciliation with the venue failed (the loop does not trade), else 0.",
    (v) => v.reconciliation.state === "failed" ? 1 : 0,
  );
  gauge(
    "live_loop_recovery_quarantined",
    "1 when the boot found a broken event log (hash or sequence gap): the state is quarantined, not trusted.",
    (v) => v.store.recovery === "quarantined" ? 1 : 0,
  );
  registry.registerMetric(
    histogramFrom(
      "live_loop_event_log_fsync_seconds",
      "Duration of each durable (fsynced) event-log write, seconds.",
      () => view().store.fsync,
    ),
  );
  const badRequests = new Counter({
    name: "live_loop_http_bad_requests_total",
    help: "Requests refused on the loop's port, by reason.",
    labelNames: ["reason"],
    registers: [registry],
  });
  for (const r of BAD_REQUEST_REASONS) badRequests.inc({ reason: r }, 0);
  return { registry, badRequest: (reason) => badRequests.inc({ reason }) };
}

/** Bus mode only (BUS_URL set), read from the bus at scrape time: how far the loop's reading lags. */
export function registerBusLag(registry: Registry, lag: () => Promise<number>): void {
  new Gauge({
    name: "live_loop_bus_lag_messages",
    help: "Bus stream messages from the last bar read to the newest bar of the loop's venue and interval " +
      "(0 = caught up); NaN before the first subscription or when the bus does not answer.",
    registers: [registry],
    async collect() {
      this.set(await lag().catch(() => NaN));
    },
  });
}

/**
 * Every configured symbol (in the view before the log opens) and any counted or held one: a series at 0
 * from the first scrape, so increase() counts a run's first order and first fill.
 */
function tradedSymbols(v: LoopView, counted: readonly string[]): string[] {
  return [...new Set([...v.symbols, ...v.positions.map((p) => p.symbol), ...counted])].sort();
}
