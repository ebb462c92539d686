// The ai_event v1 lines shadow_mvs writes (decision, action, heartbeat), built as plain data, and the
// reverse: the strategy state a decision line carries, so a restart resumes exactly where it stopped.
import { z } from "zod";
import type { AiEventInput } from "../events/ai_event.ts";
import type { ClosedBar } from "../market/types.ts";
import type { RefStratState, StepResult } from "../strategy/refstrat_01.ts";
import { totalPnl, unrealisedPnl } from "../strategy/shadow_book.ts";
import type { SeriesKey } from "./feed_schema.ts";

export interface Identity {
  readonly run_id: string;
  readonly component: string;
  readonly source: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function pnlOf(s: RefStratState) {
  const mark = s.lastClose ?? 0;
  return {
    realised: s.book.realisedPnl,
    unrealised: unrealisedPnl(s.book, mark),
    total: totalPnl(s.book, mark),
  };
}

function persisted(s: RefStratState) {
  return {
    prev_ema_12: s.prevEma12,
    prev_ema_26: s.prevEma26,
    last_close: s.lastClose,
    size: s.book.size,
    entry_price: s.book.entryPrice,
    stop: s.book.stop,
    realised_pnl: s.book.realisedPnl,
    fees_paid: s.book.feesPaid,
    trades: s.book.trades,
  };
}

export interface DecisionMeta {
  readonly nowMs: number;
  /** Omitted for catch-up decisions on history bars: they were not made live. */
  readonly latencyMs: number | null;
  readonly catchUp: boolean;
  /** The bar's market bus stream sequence (bus mode): written with the decision, resumed after. */
  readonly busSeq?: number;
}

export function decisionEvent(id: Identity, bar: ClosedBar, r: StepResult, m: DecisionMeta): AiEventInput {
  return {
    ts: iso(m.nowMs),
    type: "decision",
    ...id,
    ...(m.latencyMs === null ? {} : { latency_ms: m.latencyMs }),
    symbol: bar.symbol,
    venue: bar.venue,
    interval: bar.interval,
    bar_open_time_ms: bar.openTimeMs,
    bar_closed_at_ms: bar.closedAtMs,
    decision: r.decision,
    reason: r.reason,
    inputs: r.inputs,
    position: r.state.book.size,
    pnl: pnlOf(r.state),
    catch_up: m.catchUp,
    ...(m.busSeq === undefined ? {} : { bus_seq: m.busSeq }),
    mode: "shadow",
    state: persisted(r.state),
  };
}

export function actionEvent(id: Identity, bar: ClosedBar, r: StepResult, nowMs: number): AiEventInput {
  const a = r.action!;
  return {
    ts: iso(nowMs),
    type: "action",
    ...id,
    symbol: bar.symbol,
    venue: bar.venue,
    interval: bar.interval,
    bar_open_time_ms: bar.openTimeMs,
    action: a.action,
    side: a.action === "open_long" ? "buy" : "sell",
    price: a.price,
    size: a.size,
    reason: r.reason,
    stop: a.action === "open_long" ? r.state.book.stop : null,
    position: r.state.book.size,
    pnl: pnlOf(r.state),
    mode: "shadow",
  };
}

export interface HeartbeatInfo {
  readonly nowMs: number;
  readonly feedOk: boolean;
  readonly connected: boolean;
  readonly reason: string;
  readonly lastBarOpenTimeMs: number | null;
  readonly lastBarAgeS: number;
  readonly decisions: number;
}

export function heartbeatEvent(id: Identity, k: SeriesKey, s: RefStratState, h: HeartbeatInfo): AiEventInput {
  return {
    ts: iso(h.nowMs),
    type: "heartbeat",
    ...id,
    symbol: k.symbol,
    venue: k.venue,
    interval: k.interval,
    feed_ok: h.feedOk,
    feed_connected: h.connected,
    reason: h.reason,
    last_bar_open_time_ms: h.lastBarOpenTimeMs,
    last_bar_age_s: h.lastBarAgeS,
    position: s.book.size,
    pnl: pnlOf(s),
    decisions: h.decisions,
    mode: "shadow",
  };
}

const num = z.number().finite();
const ResumeSchema = z.looseObject({
  type: z.literal("decision"),
  bar_open_time_ms: z.number().int().nonnegative(),
  bus_seq: z.number().int().positive().optional(),
  state: z.object({
    prev_ema_12: num.nullable(),
    prev_ema_26: num.nullable(),
    last_close: num.nullable(),
    size: num.nonnegative(),
    entry_price: num.nullable(),
    stop: num.nullable(),
    realised_pnl: num,
    fees_paid: num,
    trades: z.number().int().nonnegative(),
  }),
});

export interface Resume {
  /** openTimeMs of the last bar already decided: bars at or before it are never decided again. */
  readonly lastDecidedOpenTimeMs: number;
  /** The decided bar's bus sequence; absent when it came over SSE (a bus consumer then reads from 1). */
  readonly busSeq?: number;
  readonly state: RefStratState;
}

/** Reads the resume point from one decision line's object, or null when it carries none. */
export function resumeFromDecision(value: unknown): Resume | null {
  const r = ResumeSchema.safeParse(value);
  if (!r.success) return null;
  const s = r.data.state;
  return {
    lastDecidedOpenTimeMs: r.data.bar_open_time_ms,
    ...(r.data.bus_seq === undefined ? {} : { busSeq: r.data.bus_seq }),
    state: {
      prevEma12: s.prev_ema_12,
      prevEma26: s.prev_ema_26,
      lastClose: s.last_close,
      book: {
        size: s.size,
        entryPrice: s.entry_price,
        stop: s.stop,
        realisedPnl: s.realised_pnl,
        feesPaid: s.fees_paid,
        trades: s.trades,
      },
    },
  };
}
