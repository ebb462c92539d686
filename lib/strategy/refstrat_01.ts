// RefStrat_01, pure: EMA(12)/EMA(26) cross with an ATR(14) stop, long-only, one decision per closed bar.
// It computes no indicator itself: the feed's features (TA-Lib conventions) are the only inputs.
import { closeLong, FLAT_BOOK, openLong, type ShadowBook } from "./shadow_book.ts";

export const DECISIONS = ["enter_long", "exit_long", "hold"] as const;
export type Decision = typeof DECISIONS[number];
export const REASONS = ["cross_up", "cross_down", "stop", "warmup", "no_signal"] as const;
export type Reason = typeof REASONS[number];
export type ActionKind = "open_long" | "close_long";

export interface RefStratParams {
  /** Stop distance in ATRs: stop = entry − k·ATR(14) at entry. */
  readonly stopAtrK: number;
  /** Fee in basis points of notional, charged on entry and on exit. */
  readonly feeBps: number;
  /** Units per shadow position. */
  readonly size: number;
}

/** What one closed bar contributes. */
export interface BarInput {
  readonly close: number;
  readonly ema12: number | null;
  readonly ema26: number | null;
  readonly atr14: number | null;
}

/** Everything the next decision depends on; persisted in each decision event so a restart resumes exactly. */
export interface RefStratState {
  /** EMAs of the previous decided bar (null until two consecutive bars have both). */
  readonly prevEma12: number | null;
  readonly prevEma26: number | null;
  readonly book: ShadowBook;
  /** Close of the last bar seen, for marking unrealised PnL. */
  readonly lastClose: number | null;
}

export const INITIAL_STATE: RefStratState = Object.freeze({
  prevEma12: null,
  prevEma26: null,
  book: FLAT_BOOK,
  lastClose: null,
});

/** The inputs a decision used, as written into its event. `position` is the size held before deciding. */
export interface DecisionInputs {
  readonly ema_12: number | null;
  readonly ema_26: number | null;
  readonly prev_ema_12: number | null;
  readonly prev_ema_26: number | null;
  readonly atr_14: number | null;
  readonly close: number;
  readonly position: number;
}

export interface ShadowAction {
  readonly action: ActionKind;
  readonly price: number;
  readonly size: number;
}

export interface StepResult {
  readonly state: RefStratState;
  readonly decision: Decision;
  readonly reason: Reason;
  readonly inputs: DecisionInputs;
  /** Set when the shadow position changed on this bar. */
  readonly action: ShadowAction | null;
}

/**
 * Decides one closed bar. Warm-up (any of ema_12, ema_26, atr_14 null, or no previous EMAs yet) is an
 * explicit `hold`/`warmup` that also leaves the stop unchecked: no decision is made on cold features.
 * When long, the stop is checked before the cross down, so a bar that does both reports `stop`.
 */
export function step(state: RefStratState, bar: BarInput, p: RefStratParams): StepResult {
  const { close, ema12, ema26, atr14 } = bar;
  const { prevEma12, prevEma26, book } = state;
  const inputs: DecisionInputs = {
    ema_12: ema12,
    ema_26: ema26,
    prev_ema_12: prevEma12,
    prev_ema_26: prevEma26,
    atr_14: atr14,
    close,
    position: book.size,
  };
  const hot = ema12 !== null && ema26 !== null;
  const base = { prevEma12: hot ? ema12 : null, prevEma26: hot ? ema26 : null, lastClose: close };
  if (!hot || atr14 === null || prevEma12 === null || prevEma26 === null) {
    return { state: { ...base, book }, decision: "hold", reason: "warmup", inputs, action: null };
  }
  if (book.size === 0) {
    if (prevEma12 <= prevEma26 && ema12 > ema26) {
      const stop = close - p.stopAtrK * atr14;
      const next = openLong(book, close, p.size, stop, p.feeBps);
      const action: ShadowAction = { action: "open_long", price: close, size: p.size };
      return { state: { ...base, book: next }, decision: "enter_long", reason: "cross_up", inputs, action };
    }
  } else {
    const stopHit = book.stop !== null && close <= book.stop;
    const crossDown = prevEma12 >= prevEma26 && ema12 < ema26;
    if (stopHit || crossDown) {
      const next = closeLong(book, close, p.feeBps);
      const action: ShadowAction = { action: "close_long", price: close, size: book.size };
      const reason: Reason = stopHit ? "stop" : "cross_down";
      return { state: { ...base, book: next }, decision: "exit_long", reason, inputs, action };
    }
  }
  return { state: { ...base, book }, decision: "hold", reason: "no_signal", inputs, action: null };
}

/** Primes state from a history bar without deciding: only the previous-EMA memory moves. */
export function prime(state: RefStratState, bar: BarInput): RefStratState {
  const hot = bar.ema12 !== null && bar.ema26 !== null;
  return {
    prevEma12: hot ? bar.ema12 : null,
    prevEma26: hot ? bar.ema26 : null,
    book: state.book,
    lastClose: bar.close,
  };
}
