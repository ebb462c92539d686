// shadow_mvs's own metrics on an owned prom-client Registry. Every series is read at scrape time
// (collect()) from the runner's plain status snapshot, so the runner never touches prom-client and
// point-in-time values such as the last bar's age are computed when Prometheus asks.
import { Counter, Gauge, Registry } from "prom-client";
import { type ActionKind, type Decision, DECISIONS } from "../strategy/refstrat_01.ts";

/** `corrected`: the feed re-published an already processed bar with other values (see ShadowRunner). */
export const SKIP_REASONS = ["duplicate", "invalid", "feed_not_ok", "corrected"] as const;
export type SkipReason = typeof SKIP_REASONS[number];
export const ACTIONS: readonly ActionKind[] = ["open_long", "close_long"];
export const EVENT_KINDS = ["decision", "action", "heartbeat"] as const;

/** What the runner reports; plain numbers, read on every scrape and by /health. */
export interface ShadowStatus {
  readonly startedMs: number;
  readonly position: number;
  readonly pnlRealised: number;
  readonly pnlUnrealised: number;
  readonly pnlTotal: number;
  readonly decisions: Readonly<Record<Decision, number>>;
  readonly actions: Readonly<Record<ActionKind, number>>;
  /**
   * Valid bars of our series received = decisions + historyBarsPrimed + duplicate + feed_not_ok +
   * corrected skips.
   */
  readonly barsConsumed: number;
  readonly barsSkipped: Readonly<Record<SkipReason, number>>;
  readonly historyBarsPrimed: number;
  readonly connected: boolean;
  readonly feedOk: boolean;
  readonly feedReason: string;
  /** Local (wall) time the last bar of our series arrived; null before the first. */
  readonly lastBarReceivedMs: number | null;
  readonly lastDecidedOpenTimeMs: number | null;
  readonly reconnects: number;
  readonly eventsWritten: Readonly<Record<typeof EVENT_KINDS[number], number>>;
  readonly eventWriteErrors: number;
}

/** Seconds since the last bar arrived, or since start when none has: so a feed that never delivers ages too. */
export function lastBarAgeSeconds(s: ShadowStatus, nowMs: number): number {
  return Math.max(0, nowMs - (s.lastBarReceivedMs ?? s.startedMs)) / 1000;
}

/**
 * `busLag` (bus mode only, so the SSE mode's series stay as they were): stream sequences between the
 * series' newest bar on the bus and the last one applied, asked of the bus at scrape time.
 */
export function createShadowMetrics(
  status: () => ShadowStatus,
  now: () => number,
  busLag?: () => Promise<number>,
): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (s: ShadowStatus) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(status()));
      },
    });
  const counter = <L extends string>(
    name: string,
    help: string,
    label: L,
    values: readonly string[],
    read: (s: ShadowStatus) => Readonly<Record<string, number>>,
  ) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        const r = read(status());
        this.reset();
        for (const v of values) this.inc({ [label]: v } as Record<L, string>, r[v]);
      },
    });
  const plainCounter = (name: string, help: string, read: (s: ShadowStatus) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(status()));
      },
    });

  gauge(
    "shadow_position",
    "Shadow position size in base units (0 flat, >0 long). Shadow only: no orders.",
    (s) => s.position,
  );
  gauge(
    "shadow_pnl",
    "Shadow PnL in quote currency: realised (fees included) + unrealised at the last close.",
    (s) => s.pnlTotal,
  );
  gauge(
    "shadow_pnl_realised",
    "Realised shadow PnL in quote currency, entry and exit fees included.",
    (s) => s.pnlRealised,
  );
  gauge(
    "shadow_pnl_unrealised",
    "Unrealised shadow PnL of the open position at the last close.",
    (s) => s.pnlUnrealised,
  );
  gauge(
    "shadow_feed_stream_connected",
    "1 while the feed's SSE bar stream is open.",
    (s) => s.connected ? 1 : 0,
  );
  gauge(
    "shadow_feed_ok",
    "1 when decisions are allowed: stream open, not stale, feed heartbeat feedOk.",
    (s) => s.feedOk ? 1 : 0,
  );
  gauge(
    "shadow_last_bar_age_seconds",
    "Wall-clock seconds since the last bar of the series arrived (since start if none yet), at scrape time.",
    (s) => lastBarAgeSeconds(s, now()),
  );
  gauge(
    "shadow_last_decided_bar_open_time_seconds",
    "Open time of the last decided bar (feed clock), 0 if none.",
    (
      s,
    ) => (s.lastDecidedOpenTimeMs ?? 0) / 1000,
  );
  counter(
    "shadow_decisions_total",
    "Decisions made, one per closed bar, by decision.",
    "decision",
    DECISIONS,
    (s) => s.decisions,
  );
  counter("shadow_actions_total", "Shadow position changes, by action.", "action", ACTIONS, (s) => s.actions);
  plainCounter(
    "shadow_bars_consumed_total",
    "Valid closed bars of the series received (stream and history).",
    (s) => s.barsConsumed,
  );
  counter(
    "shadow_bars_skipped_total",
    "Bars not decided, by reason.",
    "reason",
    SKIP_REASONS,
    (s) => s.barsSkipped,
  );
  plainCounter(
    "shadow_history_bars_primed_total",
    "History bars used only to prime state (no decision).",
    (s) => s.historyBarsPrimed,
  );
  plainCounter(
    "shadow_feed_reconnects_total",
    "Feed stream connection attempts after the first.",
    (s) => s.reconnects,
  );
  counter(
    "shadow_events_written_total",
    "ai_event lines appended, by type.",
    "type",
    EVENT_KINDS,
    (s) => s.eventsWritten,
  );
  plainCounter(
    "shadow_event_write_errors_total",
    "ai_event lines that could not be written.",
    (s) => s.eventWriteErrors,
  );
  if (busLag) {
    new Gauge({
      name: "shadow_bus_lag_messages",
      help: "Bus stream messages from the last bar applied to the series' newest bar (0 = caught up); " +
        "NaN when the bus does not answer.",
      registers: [registry],
      async collect() {
        this.set(await busLag().catch(() => NaN));
      },
    });
  }
  return registry;
}
